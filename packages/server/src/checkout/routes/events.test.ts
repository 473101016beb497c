import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { serve } from '@hono/node-server'
import type { Checkout } from '../../contract.ts'
import { newCheckoutId } from '../../store/ids.ts'
import { createMemoryStore } from '../../store/memory.ts'
import type { CheckoutChange, Store } from '../../store/store.ts'
import {
  createBrowserTestApp,
  moveTo,
  seedCheckout,
} from '../../../test/support/browser-test-app.ts'
import { createStatusHub } from '../status-hub.ts'
import { SseReader } from './sse-reader.ts'

/** A memory store that counts its live listeners and lets a test inject raw pokes. */
function instrumentedStore(): {
  store: Store
  listeners: () => number
  poke: (change: CheckoutChange) => void
} {
  const inner = createMemoryStore()
  const live = new Set<(change: CheckoutChange) => void>()
  const store: Store = Object.assign(Object.create(null), inner, {
    subscribe(listener: (change: CheckoutChange) => void) {
      live.add(listener)
      const off = inner.subscribe(listener)
      return () => (live.delete(listener), off())
    },
  })
  return {
    store,
    listeners: () => live.size,
    poke: (change) => [...live].forEach((l) => l(change)),
  }
}

/** Waits (bounded, not timed) until `condition()` holds. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1)
    await new Promise((resolve) => setTimeout(resolve, 5))
  assert.ok(condition(), what)
}

const versionsOf = (frames: Array<{ id?: string }>) => frames.map((f) => Number(f.id))

function setup(options: Parameters<typeof createBrowserTestApp>[0] = {}) {
  const kit = instrumentedStore()
  const hub = createStatusHub(kit.store)
  const test = createBrowserTestApp({
    store: kit.store,
    hub,
    events: { heartbeatMs: 60_000 },
    ...options,
  })
  const open = (id: string, headers: Record<string, string> = {}) =>
    test.app.request(`/checkouts/${id}/events`, { headers })
  return { ...kit, ...test, hub, open }
}

describe('GET /checkouts/:id/events', () => {
  it('sends the current state at once as event "status" with the version as id, with stream headers', async () => {
    const { store, open } = setup()
    const row = await seedCheckout(store)
    const res = await open(row.id)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    assert.equal(res.headers.get('x-accel-buffering'), 'no')
    const reader = new SseReader(res)
    const frame = await reader.nextMessage()
    assert.equal(frame?.event, 'status')
    assert.equal(frame?.id, String(row.version))
    const checkout = JSON.parse(frame!.data!) as Checkout
    assert.equal(checkout.id, row.id)
    assert.ok(!('outTradeNo' in checkout))
    await reader.cancel()
  })

  it('sends every change in version order and closes after the final status', async () => {
    const { store, open } = setup()
    const row = await seedCheckout(store)
    const reader = new SseReader(await open(row.id))
    assert.equal((await reader.nextMessage())?.id, '1')
    await store.transition(row.id, { expectedVersion: 1, payUrl: 'https://qr.example/2' })
    assert.equal((await reader.nextMessage())?.id, '2')
    await store.transition(row.id, { expectedVersion: 2, payUrl: 'https://qr.example/3' })
    await moveTo(store, row.id, 'paid')
    const rest = await reader.rest()
    assert.deepEqual(versionsOf(rest), [3, 4].slice(rest.length === 1 ? 1 : 0))
    assert.equal((JSON.parse(rest.at(-1)!.data!) as Checkout).status, 'paid')
  })

  it('never sends a version twice or out of order, whatever the pokes', async () => {
    const { store, poke, open } = setup()
    const row = await seedCheckout(store)
    const reader = new SseReader(await open(row.id))
    const first = await reader.nextMessage()
    for (const version of [1, 1, 0, 1]) poke({ id: row.id, version })
    await store.transition(row.id, { expectedVersion: 1, payUrl: 'https://qr.example/2' })
    for (const version of [2, 1, 2, 5]) poke({ id: row.id, version })
    await store.transition(row.id, { expectedVersion: 2, payUrl: 'https://qr.example/3' })
    poke({ id: row.id, version: 2 })
    await moveTo(store, row.id, 'failed')
    poke({ id: row.id, version: 4 })
    const versions = versionsOf([first!, ...(await reader.rest())])
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b)
    )
    assert.equal(new Set(versions).size, versions.length)
    assert.equal(versions[0], 1)
    assert.equal(versions.at(-1), 4)
  })

  it('does not resend the version named by Last-Event-ID, but sends what follows', async () => {
    const { store, open } = setup()
    const row = await seedCheckout(store)
    await store.transition(row.id, { expectedVersion: 1, payUrl: 'https://qr.example/2' })
    const reader = new SseReader(await open(row.id, { 'last-event-id': '2' }))
    await moveTo(store, row.id, 'paid')
    assert.deepEqual(versionsOf(await reader.rest()), [3])
  })

  it('sends the current state when Last-Event-ID is older, unreadable or newer than stored', async () => {
    const { store, open } = setup()
    const row = await seedCheckout(store)
    await store.transition(row.id, { expectedVersion: 1, payUrl: 'https://qr.example/2' })
    for (const lastEventId of ['1', 'abc', '99']) {
      const reader = new SseReader(await open(row.id, { 'last-event-id': lastEventId }))
      assert.equal((await reader.nextMessage())?.id, '2', lastEventId)
      await reader.cancel()
    }
  })

  it('sends a final checkout once and closes; a reconnect that already has it gets 204', async () => {
    const { store, open } = setup()
    const row = await seedCheckout(store)
    const final = await moveTo(store, row.id, 'expired')
    const frames = await new SseReader(await open(row.id)).rest()
    assert.deepEqual(versionsOf(frames), [final.version])
    const again = await open(row.id, { 'last-event-id': String(final.version) })
    assert.equal(again.status, 204)
  })

  it('sends a heartbeat comment at the configured interval', async () => {
    const { store, open } = setup({ events: { heartbeatMs: 10 } })
    const row = await seedCheckout(store)
    const reader = new SseReader(await open(row.id))
    await reader.nextMessage()
    let frame = await reader.next()
    while (frame && frame.comment === undefined) frame = await reader.next()
    assert.equal(frame?.comment, 'ping')
    await reader.cancel()
  })

  it('answers 404 JSON for an unknown id, before any stream starts', async () => {
    const { open, listeners } = setup()
    const res = await open(newCheckoutId())
    assert.equal(res.status, 404)
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
    assert.equal(
      ((await res.json()) as { error: { code: string } }).error.code,
      'checkout_not_found'
    )
    assert.equal(listeners(), 0)
  })

  it('falls back to one hub per store when deps.hub is unset', async () => {
    const kit = instrumentedStore()
    const { app } = createBrowserTestApp({ store: kit.store })
    const row = await seedCheckout(kit.store)
    const reader = new SseReader(await app.request(`/checkouts/${row.id}/events`))
    await reader.nextMessage()
    await moveTo(kit.store, row.id, 'paid')
    assert.deepEqual(versionsOf(await reader.rest()), [2])
    await eventually(() => kit.listeners() === 0, 'store listener released')
  })
})

describe('GET /checkouts/:id/events over a real socket', () => {
  const kit = setup()
  let server: ReturnType<typeof serve>
  let base = ''
  before(async () => {
    server = serve({ fetch: kit.app.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('shares one store subscription among streams and releases everything when clients hang up', async () => {
    const before = kit.listeners()
    const rows = [await seedCheckout(kit.store, 'A'), await seedCheckout(kit.store, 'B')]
    const readers: SseReader[] = []
    for (const id of [rows[0]!.id, rows[0]!.id, rows[1]!.id]) {
      const reader = new SseReader(await fetch(`${base}/checkouts/${id}/events`))
      assert.equal((await reader.nextMessage())?.id, '1')
      readers.push(reader)
    }
    assert.equal(kit.hub.size, 3)
    assert.equal(kit.listeners(), before + 1)
    // A change reaches both streams of that checkout and no other.
    await moveTo(kit.store, rows[0]!.id, 'paid')
    assert.deepEqual(versionsOf(await readers[0]!.rest()), [2])
    assert.deepEqual(versionsOf(await readers[1]!.rest()), [2])
    await eventually(() => kit.hub.size === 1, 'finished streams unwatch')
    await readers[2]!.cancel()
    await eventually(() => kit.hub.size === 0, 'a hung-up stream unwatches')
    assert.equal(kit.listeners(), before)
  })
})
