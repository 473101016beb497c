import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CheckoutChange, Store } from '../../store/store.ts'
import { createStatusHub } from './status-hub.ts'

/** Just enough of a Store for the hub: a subscribe whose listeners a test can poke. */
function fakeStore(): {
  store: Store
  listeners: Set<(change: CheckoutChange) => void>
  emit: (change: CheckoutChange) => void
} {
  const listeners = new Set<(change: CheckoutChange) => void>()
  const store = {
    subscribe(listener: (change: CheckoutChange) => void) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  } as unknown as Store
  return { store, listeners, emit: (change) => [...listeners].forEach((l) => l(change)) }
}

describe('createStatusHub', () => {
  it('subscribes to the store only while someone watches', () => {
    const { store, listeners } = fakeStore()
    const hub = createStatusHub(store)
    assert.equal(listeners.size, 0)
    const stopA = hub.watch('a', () => {})
    const stopB = hub.watch('b', () => {})
    assert.equal(listeners.size, 1)
    assert.equal(hub.size, 2)
    stopA()
    stopA()
    assert.equal(hub.size, 1)
    stopB()
    assert.equal(listeners.size, 0)
    assert.equal(hub.size, 0)
    hub.watch('c', () => {})
    assert.equal(listeners.size, 1)
  })

  it('delivers a change only to the watchers of that checkout', () => {
    const { store, emit } = fakeStore()
    const hub = createStatusHub(store)
    const seen: string[] = []
    hub.watch('a', (change) => seen.push(`a1:${change.version}`))
    hub.watch('a', (change) => seen.push(`a2:${change.version}`))
    hub.watch('b', (change) => seen.push(`b:${change.version}`))
    emit({ id: 'a', version: 2 })
    emit({ id: 'z', version: 9 })
    assert.deepEqual(seen, ['a1:2', 'a2:2'])
  })

  it('keeps delivering when one watcher throws', () => {
    const { store, emit } = fakeStore()
    const errors: string[] = []
    const hub = createStatusHub(store, {
      logger: { info() {}, warn() {}, error: (message) => void errors.push(message) },
    })
    const seen: number[] = []
    hub.watch('a', () => {
      throw new Error('broken stream')
    })
    hub.watch('a', (change) => seen.push(change.version))
    emit({ id: 'a', version: 3 })
    assert.deepEqual(seen, [3])
    assert.equal(errors.length, 1)
  })

  it('treats the same function watching twice as two registrations', () => {
    const { store, emit } = fakeStore()
    const hub = createStatusHub(store)
    let calls = 0
    const listener = () => void (calls += 1)
    const stop = hub.watch('a', listener)
    hub.watch('a', listener)
    stop()
    emit({ id: 'a', version: 2 })
    assert.equal(calls, 1)
  })

  it('lets a watcher unwatch from inside its own callback', () => {
    const { store, emit, listeners } = fakeStore()
    const hub = createStatusHub(store)
    const stop = hub.watch('a', () => stop())
    emit({ id: 'a', version: 2 })
    assert.equal(hub.size, 0)
    assert.equal(listeners.size, 0)
  })
})

describe('StatusHub.watchRows', () => {
  it('reads the row once per change and hands the same record to every watcher of that id', async () => {
    const { store, emit } = fakeStore()
    let version = 1
    let reads = 0
    let release: (() => void) | undefined
    ;(store as { get: Store['get'] }).get = async (id) => {
      reads++
      // The first read is held open, so pokes landing during it can be counted.
      if (reads === 1) await new Promise<void>((resolve) => (release = resolve))
      return { id, version } as Awaited<ReturnType<Store['get']>>
    }
    const hub = createStatusHub(store)
    const seen: unknown[][] = [[], [], []]
    const stops = seen.map((rows, i) =>
      hub.watchRows(i < 2 ? 'a' : 'b', (r) => void rows.push(r.row))
    )
    assert.equal(hub.size, 3)
    version = 2
    emit({ id: 'a', version: 2 })
    emit({ id: 'a', version: 2 }) // a duplicate during the read: one more read after it, not one each
    version = 3
    emit({ id: 'a', version: 3 })
    release?.()
    await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(reads, 2)
    assert.equal(seen[0]!.length, 2)
    assert.equal(seen[0]![0], seen[1]![0], 'one shared record, not one read per stream')
    assert.deepEqual((seen[0]![1] as { version: number }).version, 3)
    assert.deepEqual(seen[2], [], 'watchers of another id are not woken')
    emit({ id: 'a', version: 3 }) // already handed out: no read
    await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(reads, 2)
    for (const stop of stops) stop()
    assert.equal(hub.size, 0)
  })
})
