import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { newCheckoutId } from '../../store/ids.ts'
import { createBrowserTestApp, fromIp } from '../../../test/support/browser-test-app.ts'
import { rateLimitKey } from './limit-creations.ts'

const SHOP = 'https://shop.example'
const EVIL = 'https://evil.example'
const body = JSON.stringify({ payType: '800151', order: 'A-1001' })
const create = (headers: Record<string, string> = {}) => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', ...headers },
})
const codeOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code

describe('origin check', () => {
  it('refuses a POST from an origin that is not allowed with 403 origin_not_allowed', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { allowedOrigins: [SHOP] },
      },
    })
    for (const path of ['/checkouts', `/checkouts/${newCheckoutId()}/cancel`]) {
      const res = await app.request(path, create({ origin: EVIL }))
      assert.equal(res.status, 403, path)
      assert.equal(await codeOf(res), 'origin_not_allowed')
    }
  })

  it('accepts allowed, same and publicUrl origins, and a browser-attested same-origin request', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { allowedOrigins: [SHOP + '/'] },
        publicUrl: 'https://pay.example/qfpay',
      },
    })
    const cases: Array<Record<string, string>> = [
      { origin: SHOP },
      { origin: 'http://localhost' },
      { origin: 'https://pay.example' },
      { origin: 'http://10.0.0.5', 'sec-fetch-site': 'same-origin' },
      {},
    ]
    for (const headers of cases) {
      assert.equal(
        (await app.request('/checkouts', create(headers))).status,
        201,
        JSON.stringify(headers)
      )
    }
  })

  it("refuses the opaque 'null' origin even when listed, and cross-site requests without an Origin", async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { allowedOrigins: ['null'] },
      },
    })
    assert.equal((await app.request('/checkouts', create({ origin: 'null' }))).status, 403)
    assert.equal(
      (await app.request('/checkouts', create({ 'sec-fetch-site': 'cross-site' }))).status,
      403
    )
  })

  it('refuses a form post without an Origin (the legacy-browser CSRF shape) even to the empty-body cancel', async () => {
    const { app } = createBrowserTestApp()
    const res = await app.request(`/checkouts/${newCheckoutId()}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    assert.equal(res.status, 403)
    assert.equal(await codeOf(res), 'origin_not_allowed')
  })

  it('leaves GET routes to CORS: a foreign page may read /config only through CORS', async () => {
    const { app } = createBrowserTestApp()
    assert.equal((await app.request('/config', { headers: { origin: EVIL } })).status, 200)
  })

  it('exempts /notify and /return from the origin check', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { allowedOrigins: [SHOP] },
      },
    })
    const notify = await app.request('/notify', {
      method: 'POST',
      body: 'a=1',
      headers: {
        origin: EVIL,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
      },
    })
    assert.equal(notify.status, 200)
    assert.equal(
      (
        await app.request('/return?checkout=x', {
          headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
        })
      ).status,
      303
    )
  })
})

describe('CORS', () => {
  it('grants an allowed origin, with credentials, on answers and on errors', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { allowedOrigins: [SHOP] },
      },
    })
    for (const res of [
      await app.request('/config', { headers: { origin: SHOP } }),
      await app.request(`/checkouts/${newCheckoutId()}`, { headers: { origin: SHOP } }),
    ]) {
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP)
      assert.equal(res.headers.get('access-control-allow-credentials'), 'true')
    }
  })

  it('answers a preflight from an allowed origin with 204 and the allowed methods and headers', async () => {
    const { app } = createBrowserTestApp({
      options: {
        cashier: { authorize: () => false },
        http: { allowedOrigins: [SHOP] },
        payTypes: ['800108'],
      },
    })
    const res = await app.request('/checkouts', {
      method: 'OPTIONS',
      headers: {
        origin: SHOP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    assert.equal(res.status, 204)
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP)
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/)
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Content-Type/i)
  })

  it('grants nothing to other origins, and nothing at all on /notify', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { allowedOrigins: [SHOP] },
      },
    })
    assert.equal(
      (await app.request('/config', { headers: { origin: EVIL } })).headers.get(
        'access-control-allow-origin'
      ),
      null
    )
    assert.equal(
      (
        await app.request('/notify', { method: 'POST', body: '{}', headers: { origin: SHOP } })
      ).headers.get('access-control-allow-origin'),
      null
    )
  })
})

describe('body limit', () => {
  it('answers 413 payload_too_large for a body over maxBodyBytes, declared or streamed', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { maxBodyBytes: 1024 },
      },
    })
    const huge = JSON.stringify({ payType: '800151', order: 'A-1', pad: 'x'.repeat(4096) })
    assert.equal((await app.request('/checkouts', create())).status, 201)
    const res = await app.request('/checkouts', { ...create(), body: huge })
    assert.equal(res.status, 413)
    assert.equal(await codeOf(res), 'payload_too_large')
    const stream = new Blob([huge]).stream()
    const chunked = await app.request('/checkouts', {
      ...create(),
      body: stream,
      duplex: 'half',
    } as RequestInit)
    assert.equal(chunked.status, 413)
  })

  it('gives /notify at least 64 KiB, so a small browser limit cannot refuse the gateway', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { maxBodyBytes: 100 },
      },
    })
    assert.equal(
      (await app.request('/notify', { method: 'POST', body: 'x'.repeat(2000) })).status,
      200
    )
    assert.equal(
      (await app.request('/notify', { method: 'POST', body: 'x'.repeat(70 * 1024) })).status,
      413
    )
  })
})

describe('creation rate limit', () => {
  it('answers 429 rate_limited with Retry-After after N creations from one address', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { perClient: { checkoutsPerMinute: 3 } },
      },
    })
    for (let i = 0; i < 3; i += 1)
      assert.equal((await app.request('/checkouts', create(), fromIp('203.0.113.7'))).status, 201)
    const res = await app.request('/checkouts', create(), fromIp('203.0.113.7'))
    assert.equal(res.status, 429)
    assert.equal(await codeOf(res), 'rate_limited')
    assert.match(res.headers.get('retry-after') ?? '', /^\d+$/)
    // Another address, reads and notifies are not limited.
    assert.equal((await app.request('/checkouts', create(), fromIp('203.0.113.8'))).status, 201)
    assert.equal((await app.request('/config', {}, fromIp('203.0.113.7'))).status, 200)
    assert.equal(
      (await app.request('/notify', { method: 'POST', body: '{}' }, fromIp('203.0.113.7'))).status,
      200
    )
  })

  it('groups an IPv6 /64 into one bucket', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { perClient: { checkoutsPerMinute: 1 } },
      },
    })
    assert.equal((await app.request('/checkouts', create(), fromIp('2001:db8:1:2::1'))).status, 201)
    assert.equal(
      (await app.request('/checkouts', create(), fromIp('2001:db8:1:2:ffff::9'))).status,
      429
    )
    assert.equal((await app.request('/checkouts', create(), fromIp('2001:db8:1:3::1'))).status, 201)
  })

  it('is off with checkoutsPerMinute: false', async () => {
    const { app } = createBrowserTestApp({
      options: {
        http: { perClient: { checkoutsPerMinute: false } },
      },
    })
    for (let i = 0; i < 40; i += 1)
      assert.equal((await app.request('/checkouts', create(), fromIp('203.0.113.7'))).status, 201)
  })

  it('keys addresses by IPv4, IPv4-mapped IPv6 and IPv6 /64', () => {
    assert.equal(rateLimitKey('203.0.113.7'), '203.0.113.7')
    assert.equal(rateLimitKey('::ffff:203.0.113.7'), '203.0.113.7')
    assert.equal(rateLimitKey('2001:0db8:0001:0002:0:0:0:1'), '2001:db8:1:2::/64')
    assert.equal(rateLimitKey('2001:db8::1'), '2001:db8:0:0::/64')
    assert.equal(rateLimitKey('::1'), '0:0:0:0::/64')
    assert.equal(rateLimitKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
  })
})

describe('cashier authorization', () => {
  const cashier = (allow: boolean) =>
    createBrowserTestApp({
      options: {
        cashier: { authorize: () => allow },
        payTypes: ['800108', '800208'],
      },
    })

  it('answers 403 forbidden on browser routes when authorize refuses', async () => {
    const { app } = cashier(false)
    for (const res of [
      await app.request('/config'),
      await app.request('/checkouts', create()),
      await app.request(`/checkouts/${newCheckoutId()}`),
    ]) {
      assert.equal(res.status, 403)
      assert.equal(await codeOf(res), 'forbidden')
    }
  })

  it('never asks authorize about /notify or /return', async () => {
    const { app } = cashier(false)
    assert.equal((await app.request('/notify', { method: 'POST', body: '{}' })).status, 200)
    assert.equal((await app.request('/return')).status, 303)
  })

  it('lets an authorized cashier through', async () => {
    const { app } = cashier(true)
    assert.equal((await app.request('/config')).status, 200)
    assert.equal((await app.request('/checkouts', create())).status, 201)
  })
})

describe('secure headers', () => {
  it('are on every route, answers and errors alike, without HSTS', async () => {
    const { app } = createBrowserTestApp()
    const responses = [
      await app.request('/config'),
      await app.request(`/checkouts/${newCheckoutId()}`),
      await app.request('/checkouts', create({ origin: EVIL })),
      await app.request('/notify', { method: 'POST', body: '{}' }),
      await app.request('/return'),
    ]
    for (const res of responses) {
      assert.ok(res.status < 500)
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
      assert.equal(res.headers.get('x-frame-options'), 'DENY')
      assert.equal(
        res.headers.get('content-security-policy'),
        "default-src 'none'; frame-ancestors 'none'"
      )
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer')
      assert.equal(res.headers.get('strict-transport-security'), null)
    }
  })
})

describe('secure headers scope', () => {
  it('leave routes outside the checkout alone (the in-process sandbox page is HTML)', async () => {
    const { app } = createBrowserTestApp()
    app.get('/sandbox/pay/:id', (c) => c.html('<button>Pay</button>'))
    const res = await app.request('/sandbox/pay/1')
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-security-policy'), null)
  })
})
