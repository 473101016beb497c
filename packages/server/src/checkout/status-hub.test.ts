import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CheckoutChange, Store } from '../store/store.ts'
import { createStatusHub, hubFor } from './status-hub.ts'

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

describe('hubFor', () => {
  it('prefers the given hub, else shares one hub per store', () => {
    const { store } = fakeStore()
    const given = createStatusHub(store)
    assert.equal(hubFor(store, given), given)
    assert.equal(hubFor(store), hubFor(store))
    assert.notEqual(hubFor(store), hubFor(fakeStore().store))
  })
})
