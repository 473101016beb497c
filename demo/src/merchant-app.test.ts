import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
import { createHookLog } from './hook-log.ts'
import { createMerchantApp } from './merchant-app.ts'

const PAGE = 'http://127.0.0.1:5173'
const TOKEN = '0123456789abcdef0123456789abcdef'

describe('the demo merchant app (in process)', () => {
  const store = createSqliteStore({ filename: ':memory:' })
  // No base URL: the checkout app runs its own in-process sandbox, so no socket is opened.
  const app = createMerchantApp({
    gateway: { environment: 'local' },
    store,
    adminToken: TOKEN,
    allowedOrigins: [PAGE],
    publicUrl: 'http://127.0.0.1:8787',
    returnPage: `${PAGE}/thanks.html`,
    hooks: createHookLog(),
    log: () => {},
  })
  after(async () => {
    await app.close()
    await store.close()
  })
  const request = (path: string, init: RequestInit = {}) =>
    app.fetch(new Request(`http://127.0.0.1:8787${path}`, init))
  const create = (order: string) =>
    request('/qfpay/checkouts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE },
      body: JSON.stringify({ payType: '800201', order }),
    })

  it('serves the catalogue with prices in minor units', async () => {
    const products = (await (await request('/api/products')).json()) as {
      sku: string
      price: number
    }[]
    assert.ok(products.length > 0)
    for (const p of products) assert.ok(Number.isInteger(p.price) && p.price > 0, p.sku)
  })

  it('prices an order on the server as Σ price × qty', async () => {
    const response = await create('testcart/tea:2,cake:1')
    assert.equal(response.status, 201)
    const checkout = (await response.json()) as {
      amount: number
      currency: string
      goodsName: string
    }
    assert.deepEqual(
      [checkout.amount, checkout.currency, checkout.goodsName],
      [2 * 3800 + 12800, 'CNY', 'Tea house, 3 items']
    )
  })

  it('answers 400 naming the problem for an unknown product or a silly quantity', async () => {
    for (const [order, why] of [
      ['testcart/caviar:1', /unknown product "caviar"/],
      ['testcart/tea:500', /Failed to read the order/],
    ] as const) {
      const response = await create(order)
      assert.equal(response.status, 400)
      const body = (await response.json()) as {
        error: { code: string; message: string; field: string }
      }
      assert.equal(body.error.code, 'invalid_request')
      assert.equal(body.error.field, 'order')
      assert.match(body.error.message, why)
    }
  })

  it('keeps the admin routes and the cashier mount for staff', async () => {
    assert.equal((await request('/api/admin/checkouts')).status, 403)
    assert.equal((await request('/qfpay-pos/config')).status, 403)
    const bearer = { authorization: `Bearer ${TOKEN}` }
    const listed = (await (await request('/api/admin/checkouts', { headers: bearer })).json()) as {
      checkouts: { order: string; mount: string }[]
    }
    assert.ok(
      listed.checkouts.some((c) => c.order === 'testcart/tea:2,cake:1' && c.mount === 'public')
    )
    const pos = (await (await request('/qfpay-pos/config', { headers: bearer })).json()) as {
      methods: { payType: string }[]
    }
    assert.deepEqual(
      pos.methods.map((m) => m.payType),
      ['800108', '800208']
    )
  })

  it("shows staff the checkout app's own error for a refused action, not a 500", async () => {
    const res = await request('/api/admin/checkouts/no-such-checkout/cancel', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    assert.equal(res.status, 404)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = (await res.json()) as { error: { code: string } }
    assert.equal(body.error.code, 'checkout_not_found')
  })

  it('signs staff in with the token as an HttpOnly, SameSite=Strict cookie', async () => {
    const wrong = await request('/api/admin/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE },
      body: JSON.stringify({ token: 'nope' }),
    })
    assert.equal(wrong.status, 403)
    const right = await request('/api/admin/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE },
      body: JSON.stringify({ token: TOKEN }),
    })
    assert.equal(right.status, 204)
    const cookie = right.headers.get('set-cookie') ?? ''
    assert.match(cookie, /HttpOnly/)
    assert.match(cookie, /SameSite=Strict/)
    const session = await request('/api/admin/session', {
      headers: { cookie: cookie.split(';')[0]! },
    })
    assert.equal(session.status, 204)
    // A cookie-authenticated write from another site is refused.
    const forged = await request('/api/admin/checkouts/x/cancel', {
      method: 'POST',
      headers: {
        cookie: cookie.split(';')[0]!,
        'content-type': 'application/json',
        origin: 'https://evil.example',
      },
      body: '{}',
    })
    assert.equal(forged.status, 403)
  })

  it('shows staff the health report and runs the daily reconciliation; strangers get neither', async () => {
    assert.equal((await request('/api/admin/health')).status, 403)
    assert.equal((await request('/api/admin/reconciliation')).status, 403)
    assert.equal((await request('/qfpay/health')).status, 404, 'no health on the public mount')
    const bearer = { authorization: `Bearer ${TOKEN}` }
    const health = (await (await request('/api/admin/health', { headers: bearer })).json()) as {
      ready: boolean
      gateway: { lastSuccess: { endpoint: string } | null }
    }
    assert.equal(health.ready, true)
    assert.equal(health.gateway.lastSuccess?.endpoint, 'payment')
    const none = (await (
      await request('/api/admin/reconciliation', { headers: bearer })
    ).json()) as {
      report: unknown
    }
    assert.equal(none.report, null)
    // Today in UTC+8, where the checkouts created above fall: pending ones are not discrepancies.
    const run = await request('/api/admin/reconciliation', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: '{}',
    })
    assert.equal(run.status, 200)
    const { report } = (await run.json()) as {
      report: { discrepancies: unknown[]; here: { checkouts: number }; table: string }
    }
    assert.deepEqual(report.discrepancies, [])
    assert.ok(report.here.checkouts >= 1)
    assert.match(report.table, /No discrepancies\./)
    const last = (await (
      await request('/api/admin/reconciliation', { headers: bearer })
    ).json()) as {
      report: { table: string } | null
    }
    assert.equal(last.report?.table, report.table)
    const bad = await request('/api/admin/reconciliation', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ date: '2024-02-31' }),
    })
    assert.equal(bad.status, 400)
  })

  it('signs staff in with a random session id, never the token, and revokes it at sign-out', async () => {
    const signIn = await request('/api/admin/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE },
      body: JSON.stringify({ token: TOKEN }),
    })
    assert.equal(signIn.status, 204)
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!
    // Cookies ignore ports: any local server the browser visits would receive this value.
    assert.ok(!cookie.includes(TOKEN), 'the cookie carries the admin token')
    assert.equal((await request('/api/admin/session', { headers: { cookie } })).status, 204)
    // The token itself as a cookie value is no session.
    const asCookie = `qfpay_demo_admin=${TOKEN}`
    assert.equal(
      (await request('/api/admin/session', { headers: { cookie: asCookie } })).status,
      403
    )
    const signOut = await request('/api/admin/session', {
      method: 'DELETE',
      headers: { cookie, origin: PAGE },
    })
    assert.equal(signOut.status, 204)
    // The old cookie, replayed after sign-out, is refused: the session is gone on the server.
    assert.equal((await request('/api/admin/session', { headers: { cookie } })).status, 403)
  })

  it('refuses a 64 KiB sign-in body with 413', async () => {
    const response = await request('/api/admin/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE },
      body: JSON.stringify({ token: 'x'.repeat(64 * 1024) }),
    })
    assert.equal(response.status, 413)
  })

  it('answers /api/admin with Cache-Control: no-store', async () => {
    const bearer = { authorization: `Bearer ${TOKEN}` }
    const listed = await request('/api/admin/checkouts', { headers: bearer })
    assert.equal(listed.status, 200)
    assert.equal(listed.headers.get('cache-control'), 'no-store')
    assert.equal((await request('/api/admin/checkouts')).headers.get('cache-control'), 'no-store')
  })
})
