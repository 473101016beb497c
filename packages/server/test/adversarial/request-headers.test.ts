/**
 * Attacks through request headers a client chooses: `Host` steering the `/return` redirect,
 * `Origin` collecting CORS credentials, the proxy's socket address putting every shopper in one
 * rate-limit bucket, and one client opening thousands of event streams.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { forwardedClientIp } from '../../src/checkout/app/context.ts'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'
import type { CheckoutOptions } from '../../src/checkout/app/options.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { mergeCheckoutOptions } from '../support/merge-options.ts'

const PUBLIC_URL = 'https://shop.example/qfpay'
const SHOP = 'https://shop.example'

/** The app with its embedded sandbox (generated credentials), requests made in process. */
function app(t: TestContext, options: Partial<CheckoutOptions> = {}) {
  const checkout = createCheckout(
    mergeCheckoutOptions(
      {
        resolveOrder: () => ({ amount: 100 }),
        gateway: { environment: 'local' },
        publicUrl: PUBLIC_URL,
        store: createMemoryStore(),
        logger: silentLogger,
        reconciler: { enabled: false },
      },
      options
    )
  )
  t.after(() => checkout.close())
  return checkout
}

const create = (checkout: ReturnType<typeof app>, order: string, headers = {}) =>
  checkout.request('https://shop.example/checkouts', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SHOP, ...headers },
    body: JSON.stringify({ payType: '800151', order }),
  })

describe('request headers a client chooses', () => {
  it('redirects /return to the relative returnPage on publicUrl, whatever the Host header says', async (t) => {
    const checkout = app(t, { returnPage: '/thanks' })
    const created = (await (await create(checkout, 'H-1')).json()) as { id: string }
    const record = await checkout.store.get(created.id)
    const answer = await checkout.request(
      `http://evil.example/return?out_trade_no=${record!.outTradeNo}`,
      { headers: { Host: 'evil.example' } }
    )
    assert.equal(answer.status, 303)
    assert.equal(answer.headers.get('location'), `${SHOP}/thanks?checkout=${created.id}`)
  })

  it('refuses at start a relative returnPage without publicUrl', () => {
    assert.throws(
      () =>
        createCheckout({
          resolveOrder: () => ({ amount: 100 }),
          gateway: { environment: 'local' },
          returnPage: '/thanks',
          store: createMemoryStore(),
          logger: silentLogger,
        }),
      /returnPage must be an absolute URL/
    )
  })

  it('sends Access-Control-Allow-Credentials only to an allowed origin', async (t) => {
    const checkout = app(t, {
      http: { allowedOrigins: ['https://widget.example'] },
    })
    const evil = await checkout.request('https://shop.example/config', {
      headers: { Origin: 'https://evil.example' },
    })
    assert.equal(evil.headers.get('access-control-allow-origin'), null)
    assert.equal(evil.headers.get('access-control-allow-credentials'), null)
    const preflight = await checkout.request('https://shop.example/checkouts', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    })
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null)
    const allowed = await checkout.request('https://shop.example/config', {
      headers: { Origin: 'https://widget.example' },
    })
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://widget.example')
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true')
  })

  it('gives each shopper behind a trusted proxy its own creation limit (clientIp)', async (t) => {
    const checkout = app(t, {
      http: { clientIp: forwardedClientIp(1), perClient: { checkoutsPerMinute: 2 } },
    })
    const from = (ip: string) => ({ 'X-Forwarded-For': `203.0.113.77, ${ip}` })
    assert.equal((await create(checkout, 'P-1', from('198.51.100.1'))).status, 201)
    assert.equal((await create(checkout, 'P-2', from('198.51.100.1'))).status, 201)
    assert.equal((await create(checkout, 'P-3', from('198.51.100.1'))).status, 429)
    // Another shopper through the same proxy is not refused for the first one's attempts.
    assert.equal((await create(checkout, 'P-4', from('198.51.100.2'))).status, 201)
  })

  it('refuses one client its 21st open event stream with 429', async (t) => {
    const checkout = app(t)
    const created = (await (await create(checkout, 'S-1')).json()) as { id: string }
    const streams: Response[] = []
    t.after(async () => {
      for (const s of streams) await s.body?.cancel()
    })
    for (let i = 0; i < 20; i++) {
      const stream = await checkout.request(`https://shop.example/checkouts/${created.id}/events`)
      assert.equal(stream.status, 200)
      streams.push(stream)
    }
    const refused = await checkout.request(`https://shop.example/checkouts/${created.id}/events`)
    assert.equal(refused.status, 429)
    // Closing one frees its slot.
    await streams.pop()!.body!.cancel()
    await new Promise((resolve) => setImmediate(resolve))
    const again = await checkout.request(`https://shop.example/checkouts/${created.id}/events`)
    assert.equal(again.status, 200)
    streams.push(again)
    // Hang up before the app closes, as browsers would: nobody is left reading these streams.
    for (const s of streams.splice(0)) await s.body?.cancel()
  })
})
