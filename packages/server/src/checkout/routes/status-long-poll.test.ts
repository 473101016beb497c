import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Checkout } from '../../contract.ts'
import { createMemoryStore } from '../../store/memory.ts'
import {
  createBrowserTestApp,
  fromIp,
  moveTo,
  seedCheckout,
} from '../../../test/support/browser-test-app.ts'
import type { CheckoutDeps } from '../app/context.ts'
import { createStatusHub, type StatusHub } from '../http/status-hub.ts'
import type { LongPollOptions } from './long-poll.ts'

/** The test app with a hub the test can watch, so it knows when a request is being held. */
function setup(status: LongPollOptions = {}, held?: CheckoutDeps['held']) {
  const store = createMemoryStore()
  const hub = createStatusHub(store)
  return { ...createBrowserTestApp({ store, hub, status, ...(held ? { held } : {}) }), hub }
}

/** Resolves once the hub holds `n` watchers: the held requests have registered. */
async function heldBy(hub: StatusHub, n: number): Promise<void> {
  while (hub.size !== n) await new Promise((resolve) => setImmediate(resolve))
}

/** Starts a request and tracks whether it has answered yet. */
function track(answer: Promise<Response> | Response) {
  const response = Promise.resolve(answer)
  const tracked = { settled: false, response }
  void response.finally(() => (tracked.settled = true))
  return tracked
}

describe('GET /checkouts/:id?after=<version> (long-poll)', () => {
  it('holds a pending checkout at that version and answers the change as soon as it commits', async () => {
    const { app, store, hub } = setup()
    const row = await seedCheckout(store)
    const held = track(app.request(`/checkouts/${row.id}?after=${row.version}`))
    await heldBy(hub, 1)
    // Let every queued task run: the request must still be waiting for a change.
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal(held.settled, false)
    await moveTo(store, row.id, 'paid')
    const res = await held.response
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = (await res.json()) as Checkout
    assert.equal(body.status, 'paid')
    assert.equal(body.version, row.version + 1)
    await heldBy(hub, 0)
  })

  it('answers at once when the stored version is already newer, or the checkout is final', async () => {
    const { app, store, hub } = setup()
    const row = await seedCheckout(store)
    const older = (await (await app.request(`/checkouts/${row.id}?after=0`)).json()) as Checkout
    assert.equal(older.version, row.version)
    const paid = await moveTo(store, row.id, 'paid')
    const body = (await (
      await app.request(`/checkouts/${row.id}?after=${paid.version}`)
    ).json()) as Checkout
    assert.equal(body.status, 'paid')
    assert.equal(hub.size, 0)
  })

  it('answers the unchanged checkout when nothing happens within longPollMs', async () => {
    const { app, store } = setup({ longPollMs: 5 })
    const row = await seedCheckout(store)
    const res = await app.request(`/checkouts/${row.id}?after=${row.version}`)
    assert.equal(res.status, 200)
    const body = (await res.json()) as Checkout
    assert.equal(body.status, 'pending')
    assert.equal(body.version, row.version)
  })

  it('asks the gateway once for a held pending checkout, like a plain poll', async () => {
    const { app, store, hub, refreshed } = setup()
    const row = await seedCheckout(store)
    const held = track(app.request(`/checkouts/${row.id}?after=${row.version}`))
    await heldBy(hub, 1)
    assert.deepEqual(refreshed, [row.id])
    await moveTo(store, row.id, 'cancelled')
    assert.equal(((await (await held.response).json()) as Checkout).status, 'cancelled')
  })

  it('holds at most maxLongPollsPerClient per address: the next gets 429 with Retry-After', async () => {
    const { app, store, hub } = setup({ maxLongPollsPerClient: 1 })
    const row = await seedCheckout(store)
    const url = `/checkouts/${row.id}?after=${row.version}`
    const first = track(app.request(url, {}, fromIp('203.0.113.7')))
    await heldBy(hub, 1)
    const refused = await app.request(url, {}, fromIp('203.0.113.7'))
    assert.equal(refused.status, 429)
    assert.equal(refused.headers.get('retry-after'), '2')
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate_limited')
    // Another address is still held.
    const other = track(app.request(url, {}, fromIp('203.0.113.8')))
    await heldBy(hub, 2)
    assert.equal(other.settled, false)
    await moveTo(store, row.id, 'paid')
    assert.equal((await first.response).status, 200)
    assert.equal((await other.response).status, 200)
  })

  it('holds at most maxLongPolls per instance, whatever the address', async () => {
    const { app, store, hub } = setup({ maxLongPolls: 1 })
    const row = await seedCheckout(store)
    const url = `/checkouts/${row.id}?after=${row.version}`
    const first = track(app.request(url, {}, fromIp('203.0.113.7')))
    await heldBy(hub, 1)
    assert.equal((await app.request(url, {}, fromIp('198.51.100.1'))).status, 429)
    await moveTo(store, row.id, 'paid')
    assert.equal((await first.response).status, 200)
  })

  it('frees the slot and the hub registration when the client goes away', async () => {
    const { app, store, hub } = setup({ maxLongPollsPerClient: 1 })
    const row = await seedCheckout(store)
    const url = `/checkouts/${row.id}?after=${row.version}`
    const leaving = new AbortController()
    const gone = track(app.request(url, { signal: leaving.signal }, fromIp('203.0.113.7')))
    await heldBy(hub, 1)
    leaving.abort()
    await gone.response.catch(() => undefined)
    await heldBy(hub, 0)
    const next = track(app.request(url, {}, fromIp('203.0.113.7')))
    await heldBy(hub, 1)
    assert.equal(next.settled, false)
    await moveTo(store, row.id, 'paid')
    assert.equal((await next.response).status, 200)
  })

  it('answers a held request at once with the unchanged checkout when the app closes', async () => {
    const releases = new Set<() => void>()
    const { app, store, hub } = setup(
      {},
      {
        opened(release) {
          releases.add(release)
          return () => releases.delete(release)
        },
      }
    )
    const row = await seedCheckout(store)
    const held = track(app.request(`/checkouts/${row.id}?after=${row.version}`))
    await heldBy(hub, 1)
    assert.equal(releases.size, 1)
    // What close() does: release every held request.
    for (const release of releases) release()
    const body = (await (await held.response).json()) as Checkout
    assert.equal(body.status, 'pending')
    assert.equal(body.version, row.version)
    assert.equal(releases.size, 0)
  })

  it('refuses a malformed after with 400 invalid_request, and a bad id with the usual 404', async () => {
    const { app, store } = setup()
    const row = await seedCheckout(store)
    for (const after of ['-1', 'abc', '1.5', '', '9999999999999999']) {
      const res = await app.request(`/checkouts/${row.id}?after=${encodeURIComponent(after)}`)
      assert.equal(res.status, 400, `after=${after}`)
      const body = (await res.json()) as { error: { code: string; message: string } }
      assert.equal(body.error.code, 'invalid_request')
      assert.match(body.error.message, /after must be a non-negative integer/)
    }
    assert.equal((await app.request('/checkouts/nope?after=1')).status, 404)
  })
})
