import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createQfpayClient } from './client.ts'
import type { QfpayClientOptions } from './client-options.ts'
import { isQfpayError, QfpayApiError, QfpayConnectionError, QfpayResponseError } from './errors.ts'
import {
  connectionRefused,
  connectionReset,
  createFakeGateway,
  neverAnswering,
  type FakeAnswer,
  type SeenRequest,
} from '../../test/support/fake-gateway.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
const APPCODE = 'APPCODE0123456789ABCDEF012345678'
const PAYMENT = { pay_type: '800201', out_trade_no: 'ORDER-0001', txamt: 100, txcurrcd: 'HKD' }

/** A client over the fake gateway; `respond` may throw to simulate a transport failure. */
function setup(
  respond: (request: SeenRequest, attempt: number) => FakeAnswer | undefined,
  options: Partial<QfpayClientOptions> = {}
) {
  const gateway = createFakeGateway({ key: KEY, appcode: APPCODE, respond })
  const sleeps: number[] = []
  let clock = Date.UTC(2024, 4, 1, 2, 30, 0)
  const client = createQfpayClient({
    appcode: APPCODE,
    key: KEY,
    baseUrl: 'https://gateway.test',
    fetch: gateway.fetch,
    now: () => (clock += 1000), // a moving clock: a retry must still reuse the first txdtm
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    ...options,
  })
  return { client, requests: gateway.requests, sleeps }
}

const failing =
  (make: () => Error, times = Infinity) =>
  (_r: SeenRequest, attempt: number) => {
    if (attempt <= times) throw make()
    return undefined
  }

describe('retry policy', () => {
  it('retries a refused connection, which cannot have reached the gateway, and succeeds', async () => {
    const { client, requests, sleeps } = setup(failing(connectionRefused, 2))
    const result = await client.payment(PAYMENT)
    assert.equal(result.status, 'created')
    assert.equal(requests.length, 3)
    assert.deepEqual(sleeps, [125, 250], 'exponential back-off with full jitter (random = 0.5)')
  })

  it('gives up after 3 refused connections and says the gateway was not reached', async () => {
    const { client, requests } = setup(failing(connectionRefused))
    const error = await client.payment(PAYMENT).catch((e: unknown) => e)
    assert.equal(requests.length, 3)
    assert.ok(error instanceof QfpayConnectionError)
    assert.deepEqual(
      [error.code, error.mayHaveReachedGateway, error.timeout],
      ['qfpay_connection_error', false, false]
    )
    assert.match(error.message, /^Failed to create payment: network error \(ECONNREFUSED\)\.$/)
  })

  it('retries HTTP 429 and then succeeds', async () => {
    const { client, requests } = setup((_r, n) =>
      n === 1 ? new Response('busy', { status: 429 }) : undefined
    )
    assert.equal((await client.refund({ syssn: 'S1', out_trade_no: 'R1', txamt: 1 })).outcome, 'ok')
    assert.equal(requests.length, 2)
  })

  it('stops after 3 answers of HTTP 429 with a QfpayResponseError', async () => {
    const { client, requests } = setup(() => new Response('busy', { status: 429 }))
    const error = await client.payment(PAYMENT).catch((e: unknown) => e)
    assert.equal(requests.length, 3)
    assert.ok(error instanceof QfpayResponseError)
    assert.equal(error.status, 429)
  })

  for (const respcd of ['1100', '1205']) {
    it(`retries respcd ${respcd} with the very same request, then throws once attempts run out`, async () => {
      const { client, requests } = setup(() => ({ respcd, resperr: 'busy', respmsg: '' }))
      const error = await client.payment(PAYMENT).catch((e: unknown) => e)
      assert.equal(requests.length, 3)
      assert.ok(error instanceof QfpayApiError)
      assert.deepEqual([error.respcd, error.retryable], [respcd, true])
      assert.match(error.message, /Try again later with the same out_trade_no\.$/)
      const [first, ...rest] = requests
      for (const request of rest) {
        assert.deepEqual(request.fields, first!.fields, 'same out_trade_no and txdtm')
        assert.equal(request.headers.get('X-QF-SIGN'), first!.headers.get('X-QF-SIGN'))
      }
    })
  }

  for (const respcd of ['1104', '1108']) {
    it(`does not retry respcd ${respcd}`, async () => {
      const { client, requests } = setup(() => ({ respcd, resperr: '', respmsg: '' }))
      await assert.rejects(client.payment(PAYMENT), QfpayApiError)
      assert.equal(requests.length, 1)
    })
  }

  it('does not resend a payment whose connection broke after it may have been sent', async () => {
    const { client, requests } = setup(failing(connectionReset))
    const error = await client.payment(PAYMENT).catch((e: unknown) => e)
    assert.equal(requests.length, 1)
    assert.ok(error instanceof QfpayConnectionError)
    assert.equal(error.mayHaveReachedGateway, true)
    assert.match(error.message, /outcome is unknown — query by out_trade_no \(ORDER-0001\)/)
  })

  it('retries a query whose connection broke, since reading twice is harmless', async () => {
    const { client, requests } = setup(failing(connectionReset, 1))
    assert.equal((await client.query({ out_trade_no: 'A-1' })).rows.length, 1)
    assert.equal(requests.length, 2)
  })

  it('never makes more than 3 attempts, and honours a lower maxAttempts', async () => {
    const three = setup(failing(connectionRefused))
    await assert.rejects(three.client.query({}))
    assert.equal(three.requests.length, 3)
    const one = setup(failing(connectionRefused), { maxAttempts: 1 })
    await assert.rejects(one.client.query({}))
    assert.equal(one.requests.length, 1)
  })

  it('retries HTTP 5xx for a query but not for a refund', async () => {
    const gatewayError = () =>
      new Response('<html><body>502 Bad Gateway</body></html>', {
        status: 502,
        headers: { 'Content-Type': 'text/html' },
      })
    const query = setup((_r, n) => (n === 1 ? gatewayError() : undefined))
    assert.equal((await query.client.query({ out_trade_no: 'A-1' })).rows.length, 1)
    assert.equal(query.requests.length, 2)

    const refund = setup(gatewayError)
    const error = await refund.client
      .refund({ syssn: 'S1', out_trade_no: 'R1', txamt: 1 })
      .catch((e: unknown) => e)
    assert.equal(refund.requests.length, 1)
    assert.ok(error instanceof QfpayResponseError)
    assert.equal(error.status, 502)
    assert.match(
      error.message,
      /^Failed to refund payment: the answer is an HTML page \(HTTP 502\), not JSON\. The outcome is unknown/
    )
    assert.match(error.bodyExcerpt, /Bad Gateway/)
  })
})

describe('attempt reports', () => {
  it('tells onAttempt each attempt: its number, its outcome, the status and respcd it read', async () => {
    const reports: unknown[] = []
    const { client } = setup(
      (_r, n) =>
        n === 1
          ? (() => {
              throw connectionRefused()
            })()
          : n === 2
            ? new Response('<html>502</html>', { status: 502 })
            : undefined,
      {
        onAttempt: (r) => {
          reports.push([r.endpoint, r.attempt, r.outcome, r.status, r.respcd, r.payType])
          throw new Error('an observer fault changes nothing')
        },
      }
    )
    assert.equal((await client.query({ out_trade_no: 'A-1' })).rows.length, 1)
    assert.deepEqual(reports, [
      ['query', 1, 'failed', undefined, undefined, undefined],
      ['query', 2, 'answer', 502, undefined, undefined],
      ['query', 3, 'answer', 200, '0000', undefined],
    ])
    reports.length = 0
    await client.payment(PAYMENT)
    assert.deepEqual(reports, [['payment', 1, 'answer', 200, '0000', '800201']])
  })
})

describe('non-JSON answers', () => {
  it('turns an HTML page with HTTP 200 into a QfpayResponseError', async () => {
    const { client } = setup(
      () => new Response('<!doctype html><title>Login</title>', { status: 200 })
    )
    await assert.rejects(
      client.query({}),
      (e: unknown) => e instanceof QfpayResponseError && /HTML page \(HTTP 200\)/.test(e.message)
    )
  })

  it('turns broken JSON (an unquoted 0000) into a QfpayResponseError', async () => {
    const { client } = setup(() => new Response('{"respcd": 0000}', { status: 200 }))
    await assert.rejects(
      client.query({}),
      (e: unknown) => e instanceof QfpayResponseError && /not JSON/.test(e.message)
    )
  })

  it('turns JSON without a respcd into a QfpayResponseError', async () => {
    const { client } = setup(() => new Response('{"ok": true}', { status: 200 }))
    await assert.rejects(
      client.query({}),
      (e: unknown) => e instanceof QfpayResponseError && /no respcd/.test(e.message)
    )
  })
})

describe('time budget', () => {
  it('ends a call to a gateway that never answers with a timeout error', async () => {
    const hang = neverAnswering()
    const client = createQfpayClient({
      appcode: APPCODE,
      key: KEY,
      baseUrl: 'https://gateway.test',
      fetch: hang.fetch,
      timeoutMs: 20,
    })
    const error = await client.payment(PAYMENT).catch((e: unknown) => e)
    assert.ok(error instanceof QfpayConnectionError)
    assert.ok(isQfpayError(error, 'qfpay_timeout'))
    assert.deepEqual([error.timeout, error.mayHaveReachedGateway], [true, true])
    assert.match(error.message, /outcome is unknown — query by out_trade_no \(ORDER-0001\)/)
    assert.equal(hang.calls(), 1, 'a payment that timed out is not sent again')
  })

  it('ends the call even when fetch ignores the abort signal', async () => {
    const hang = neverAnswering(false)
    const client = createQfpayClient({
      appcode: APPCODE,
      key: KEY,
      baseUrl: 'https://gateway.test',
      fetch: hang.fetch,
      timeoutMs: 20,
    })
    await assert.rejects(client.query({}), (e: unknown) => isQfpayError(e, 'qfpay_timeout'))
  })

  it('does not retry a timed-out payment attempt, but retries a timed-out query attempt', async () => {
    const payment = neverAnswering()
    const writer = createQfpayClient({
      appcode: APPCODE,
      key: KEY,
      baseUrl: 'https://gateway.test',
      fetch: payment.fetch,
      timeoutMs: 60_000,
      attemptTimeoutMs: 10,
      sleep: async () => {},
    })
    await assert.rejects(writer.payment(PAYMENT), (e: unknown) => isQfpayError(e, 'qfpay_timeout'))
    assert.equal(payment.calls(), 1)

    const query = neverAnswering()
    const reader = createQfpayClient({
      appcode: APPCODE,
      key: KEY,
      baseUrl: 'https://gateway.test',
      fetch: query.fetch,
      timeoutMs: 60_000,
      attemptTimeoutMs: 10,
      sleep: async () => {},
    })
    const error = await reader.query({ out_trade_no: 'A-1' }).catch((e: unknown) => e)
    assert.ok(isQfpayError(error, 'qfpay_timeout'))
    assert.equal(query.calls(), 3)
    assert.doesNotMatch((error as Error).message, /outcome is unknown/, 'a query changes nothing')
  })
})
