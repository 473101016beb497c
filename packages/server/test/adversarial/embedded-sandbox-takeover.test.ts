/**
 * Attacks on the embedded (in-process) sandbox of a deployed app: a server started with real
 * credentials, or under NODE_ENV=production, must not run it, and where it does run its control
 * API on the public mount must not pay an order for a caller without the printed token.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Hono } from 'hono'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import type { Logger } from '../../src/checkout/app/logger.ts'
import { createMemoryStore } from '../../src/store/memory.ts'

const KEY = '5EC2E7D00D1E4F0BA5E1F00DFACE0FF1'
const PUBLIC_URL = 'http://shop.test/qfpay'

function app(options: Parameters<typeof createCheckout>[0]) {
  const lines: string[] = []
  const logger: Logger = {
    info: () => {},
    warn: (message, fields) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`),
    error: () => {},
  }
  const checkout = createCheckout({ store: createMemoryStore(), logger, ...options })
  const host = new Hono()
  host.route('/qfpay', checkout)
  return { checkout, host, lines }
}

const resolveOrder = () => ({ amount: 1000 })
const json = { 'Content-Type': 'application/json', Origin: 'http://shop.test' }

describe('embedded sandbox takeover', () => {
  it('refuses to start with QFPAY_APPCODE and QFPAY_KEY but no QFPAY_ENV', () => {
    assert.throws(
      () =>
        app({
          resolveOrder,
          gateway: { appcode: 'APPCODE123', key: KEY },
          publicUrl: PUBLIC_URL,
        }),
      /QFPAY_ENV is not/
    )
  })

  it('does not serve the sandbox routes on the mount for given credentials', async () => {
    const { checkout, host } = app({
      resolveOrder,
      gateway: { environment: 'local', appcode: 'APPCODE123', key: KEY },
      publicUrl: PUBLIC_URL,
    })
    try {
      const created = await host.request('/qfpay/checkouts', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ payType: '800151', order: 'T-1' }),
      })
      assert.equal(created.status, 201)
      const [order] = checkout.sandbox!.orders()
      const pay = await host.request(`/qfpay/__sandbox/orders/${order!.syssn}/pay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${checkout.sandbox!.controlToken}` },
      })
      assert.equal(pay.status, 404)
      assert.equal((await host.request('/qfpay/sandbox/pay/x')).status, 404)
      assert.equal(checkout.sandbox!.orders()[0]!.state, 'created')
    } finally {
      await checkout.close()
    }
  })

  it('serves them for generated credentials, but a control POST without the token is 401 and pays nothing', async () => {
    const { checkout, host, lines } = app({
      resolveOrder,
      gateway: { environment: 'local' },
      publicUrl: PUBLIC_URL,
    })
    try {
      const created = await host.request('/qfpay/checkouts', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ payType: '800151', order: 'T-2' }),
      })
      assert.equal(created.status, 201)
      const [order] = checkout.sandbox!.orders()
      const blind = await host.request(`/qfpay/__sandbox/orders/${order!.syssn}/pay`, {
        method: 'POST',
      })
      assert.equal(blind.status, 401)
      assert.equal(checkout.sandbox!.orders()[0]!.state, 'created')
      // The token is printed once at start, with what is missing for a real gateway.
      const warning = lines.find((line) => line.includes('SANDBOX'))!
      assert.ok(warning.includes(checkout.sandbox!.controlToken))
      assert.match(warning, /QFPAY_ENV, QFPAY_APPCODE and QFPAY_KEY are not set/)
      const paid = await host.request(`/qfpay/__sandbox/orders/${order!.syssn}/pay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${checkout.sandbox!.controlToken}` },
      })
      assert.equal(paid.status, 200)
    } finally {
      await checkout.close()
    }
  })
})
