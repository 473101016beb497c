import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Checkout } from '../../contract.ts'
import { newCheckoutId } from '../../store/ids.ts'
import type { Store } from '../../store/store.ts'
import {
  createBrowserTestApp,
  moveTo,
  seedCheckout,
} from '../../../test/support/browser-test-app.ts'
import { CHECKOUT_WIRE_KEYS } from '../../model/wire.ts'

describe('GET /checkouts/:id', () => {
  it('answers the wire checkout with no-store, and nothing server-only', async () => {
    const { app, store } = createBrowserTestApp()
    const row = await seedCheckout(store)
    const res = await app.request(`/checkouts/${row.id}`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = (await res.json()) as Checkout
    assert.equal(body.id, row.id)
    assert.equal(body.status, 'pending')
    for (const key of Object.keys(body))
      assert.ok((CHECKOUT_WIRE_KEYS as readonly string[]).includes(key), key)
    assert.ok(!('outTradeNo' in body))
  })

  it('answers 404 checkout_not_found for an unknown id', async () => {
    const { app } = createBrowserTestApp()
    const res = await app.request(`/checkouts/${newCheckoutId()}`)
    assert.equal(res.status, 404)
    assert.deepEqual(await res.json(), {
      error: {
        code: 'checkout_not_found',
        message: 'Failed to find the checkout: no checkout has this id.',
      },
    })
  })

  it('refreshes a pending checkout and answers the row the refresh produced', async () => {
    let store!: Store
    const test = createBrowserTestApp({
      refresh: async (id) => void (await moveTo(store, id, 'paid')),
    })
    store = test.store
    const row = await seedCheckout(store)
    const body = (await (await test.app.request(`/checkouts/${row.id}`)).json()) as Checkout
    assert.deepEqual(test.refreshed, [row.id])
    assert.equal(body.status, 'paid')
    assert.equal(body.version, row.version + 1)
  })

  it('refreshes each checkout at most once per window, whoever polls', async () => {
    const { app, store, refreshed, advance } = createBrowserTestApp({
      status: { refreshEveryMs: 5000 },
    })
    const a = await seedCheckout(store, 'A-1')
    const b = await seedCheckout(store, 'B-1')
    await Promise.all([
      app.request(`/checkouts/${a.id}`),
      app.request(`/checkouts/${a.id}`),
      app.request(`/checkouts/${b.id}`),
    ])
    await app.request(`/checkouts/${a.id}`)
    assert.deepEqual([...refreshed].sort(), [a.id, b.id].sort())
    advance(5000)
    await app.request(`/checkouts/${a.id}`)
    assert.equal(refreshed.filter((id) => id === a.id).length, 2)
  })

  it('does not refresh a final checkout', async () => {
    const { app, store, refreshed } = createBrowserTestApp()
    const row = await seedCheckout(store)
    await moveTo(store, row.id, 'cancelled')
    assert.equal(
      ((await (await app.request(`/checkouts/${row.id}`)).json()) as Checkout).status,
      'cancelled'
    )
    assert.deepEqual(refreshed, [])
  })

  it('answers without waiting for a refresh that outlasts the cap', async () => {
    let release!: () => void
    const stuck = new Promise<void>((resolve) => (release = resolve))
    const { app, store } = createBrowserTestApp({
      refresh: () => stuck,
      status: { refreshWaitMs: 20 },
    })
    const row = await seedCheckout(store)
    const res = await app.request(`/checkouts/${row.id}`)
    assert.equal(((await res.json()) as Checkout).status, 'pending')
    release()
  })

  it('still answers when refresh throws (a bug), with the stored row', async () => {
    const { app, store } = createBrowserTestApp({
      refresh: async () => Promise.reject(new Error('boom')),
    })
    const row = await seedCheckout(store)
    const res = await app.request(`/checkouts/${row.id}`)
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as Checkout).status, 'pending')
  })

  it('remembers at most maxTracked checkouts, forgetting the oldest', async () => {
    const { app, store, refreshed } = createBrowserTestApp({ status: { maxTracked: 2 } })
    const rows = [
      await seedCheckout(store, 'A'),
      await seedCheckout(store, 'B'),
      await seedCheckout(store, 'C'),
    ]
    for (const row of rows) await app.request(`/checkouts/${row.id}`)
    // A was forgotten when C came in, so polling A again refreshes it; C is still remembered.
    await app.request(`/checkouts/${rows[0]!.id}`)
    await app.request(`/checkouts/${rows[2]!.id}`)
    assert.deepEqual(refreshed, [rows[0]!.id, rows[1]!.id, rows[2]!.id, rows[0]!.id])
  })
})
