/**
 * Bad input on the money routes gets the documented `{ error: { code, message, field? } }` body
 * and status, in process (`app.request()`), against the embedded sandbox the app starts itself
 * when no gateway is configured.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { createMemoryStore } from '../store/memory.ts'
import { type CheckoutApp, createCheckout } from './create-checkout.ts'
import type { CheckoutOptions } from './options.ts'
import { listRejectedNotifies } from '../../test/support/store-queries.ts'

function app(
  t: TestContext,
  options: Partial<CheckoutOptions> = {}
): { checkout: CheckoutApp; logs: string[] } {
  const logs: string[] = []
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`)
  const checkout = createCheckout({
    resolveOrder: (order) =>
      order === 'zero' ? { amount: 0 } : order.startsWith('A-') ? { amount: 1000 } : undefined,
    environment: 'local',
    store: createMemoryStore(),
    logger: { info: line('info'), warn: line('warn'), error: line('error') },
    reconciler: { enabled: false },
    createRateLimit: false,
    ...options,
  })
  t.after(() => checkout.close())
  return { checkout, logs }
}

const json = { 'Content-Type': 'application/json' }

async function expectError(
  response: Response,
  status: number,
  code: string,
  field?: string
): Promise<void> {
  assert.equal(response.status, status)
  const body = (await response.json()) as { error: Record<string, unknown> }
  assert.deepEqual(Object.keys(body), ['error'])
  assert.equal(body.error['code'], code)
  assert.equal(typeof body.error['message'], 'string')
  assert.equal(body.error['field'], field)
  assert.ok(!/at .+\.ts:\d+/.test(String(body.error['message'])), 'no stack trace')
}

describe('bad input on the money routes', () => {
  it('runs against the embedded sandbox when nothing is configured, and says so loudly', (t) => {
    const { checkout, logs } = app(t)
    assert.ok(checkout.sandbox)
    assert.ok(logs.some((l) => l.startsWith('warn') && l.includes('SANDBOX')))
  })

  it('refuses to start with a configured but empty or malformed key', () => {
    const base = {
      resolveOrder: () => ({ amount: 1 }),
      store: createMemoryStore(),
      environment: 'test' as const,
      appcode: 'APPCODE01',
    }
    assert.throws(() => createCheckout({ ...base, key: '' }), /QFPAY_KEY is empty/)
    assert.throws(() => createCheckout({ ...base, key: 'NOT-A-KEY' }), /32 hex characters/)
  })

  it('answers create body errors with 415 / 400 and the field', async (t) => {
    const { checkout } = app(t)
    await expectError(
      await checkout.request('/checkouts', {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml' },
        body: '<x/>',
      }),
      415,
      'unsupported_media_type'
    )
    await expectError(
      await checkout.request('/checkouts', { method: 'POST', headers: json, body: '{"payType":' }),
      400,
      'invalid_json'
    )
    await expectError(
      await checkout.request('/checkouts', {
        method: 'POST',
        headers: json,
        body: '{"order":"A-1"}',
      }),
      400,
      'invalid_request',
      'payType'
    )
    await expectError(
      await checkout.request('/checkouts', { method: 'POST', headers: json, body: '[]' }),
      400,
      'invalid_request'
    )
  })

  it('answers pay types that are not enabled or not available with 400', async (t) => {
    const { checkout } = app(t)
    const create = (payType: string) =>
      checkout.request('/checkouts', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ payType, order: 'A-1' }),
      })
    await expectError(await create('800208'), 400, 'pay_type_not_enabled', 'payType')
    await expectError(await create('800207'), 400, 'pay_type_not_available', 'payType')
    await expectError(await create('999999'), 400, 'pay_type_not_available', 'payType')
  })

  it('answers an unknown order 404 order_not_found, and a bad resolveOrder amount 500 without details', async (t) => {
    const { checkout, logs } = app(t)
    const create = (order: string) =>
      checkout.request('/checkouts', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ payType: '800201', order }),
      })
    await expectError(await create('nope'), 404, 'order_not_found', 'order')
    const response = await create('zero')
    assert.equal(response.status, 500)
    const body = (await response.json()) as { error: { code: string; message: string } }
    assert.equal(body.error.code, 'internal_error')
    assert.doesNotMatch(body.error.message, /resolveOrder/)
    assert.ok(logs.some((l) => l.startsWith('error') && l.includes('resolveOrder')))
  })

  it('ignores a browser-sent amount and unknown fields', async (t) => {
    const { checkout } = app(t)
    const response = await checkout.request('/checkouts', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ payType: '800201', order: 'A-2', amount: 1, evil: true }),
    })
    assert.equal(response.status, 201)
    assert.equal(((await response.json()) as { amount: number }).amount, 1000)
  })

  it('answers 404 for unknown checkouts, routes and returns', async (t) => {
    const { checkout } = app(t)
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAAAA'
    await expectError(
      await checkout.request(`/checkouts/${unknown}/cancel`, {
        method: 'POST',
        headers: json,
        body: '{}',
      }),
      404,
      'checkout_not_found'
    )
    await expectError(
      await checkout.request('/checkouts/short/cancel', {
        method: 'POST',
        headers: json,
        body: '{}',
      }),
      404,
      'checkout_not_found'
    )
    await expectError(await checkout.request(`/checkouts/${unknown}`), 404, 'checkout_not_found')
    await expectError(await checkout.request('/nowhere'), 404, 'not_found')
  })

  it('answers a notify that is not signed with plain text, never SUCCESS', async (t) => {
    const { checkout } = app(t)
    const response = await checkout.request('/notify', {
      method: 'POST',
      headers: json,
      body: '{"respcd":"0000"}',
    })
    assert.equal(response.status, 400)
    assert.notEqual(await response.text(), 'SUCCESS')
    assert.equal(checkout.stats().unverifiedNotifies['missing_signature'], 1)
    assert.deepEqual(await listRejectedNotifies(checkout.store), [])
  })

  it('answers 504 gateway_timeout when the gateway cannot be reached, keeping the checkout pending', async (t) => {
    const { checkout } = app(t, {
      appcode: 'APPCODE01',
      key: '0123456789ABCDEF0123456789ABCDEF',
      baseUrl: 'http://127.0.0.1:9',
      gatewayFetch: async () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })
      },
    })
    const response = await checkout.request('/checkouts', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ payType: '800201', order: 'A-3' }),
    })
    await expectError(response, 504, 'gateway_timeout')
    const [pending] = await checkout.store.list({ status: 'pending' })
    assert.equal(pending?.order, 'A-3')
  })
})
