import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inspect } from 'node:util'
import { createQfpayClient } from './client.ts'
import {
  errorFromResponse,
  isQfpayError,
  QfpayApiError,
  QfpayConnectionError,
  QfpayError,
  QfpayResponseError,
  QfpaySignatureError,
} from './errors.ts'
import {
  connectionRefused,
  connectionReset,
  createFakeGateway,
  neverAnswering,
  type FakeAnswer,
} from '../../test/support/fake-gateway.ts'
import { signBody } from './sign.ts'

describe('error classes', () => {
  it('share the QfpayError base and carry a stable code', () => {
    const api = new QfpayApiError('m', { respcd: '1205' })
    const timeout = new QfpayConnectionError('m', { timeout: true, mayHaveReachedGateway: true })
    const network = new QfpayConnectionError('m', { timeout: false, mayHaveReachedGateway: false })
    const response = new QfpayResponseError('m', { status: 502, body: 'x'.repeat(500) })
    const signature = new QfpaySignatureError('m', { header: 'AB', body: '{}' })
    assert.deepEqual(
      [api, timeout, network, response, signature].map((e) => [
        e instanceof QfpayError,
        e.name,
        e.code,
      ]),
      [
        [true, 'QfpayApiError', 'qfpay_api_error'],
        [true, 'QfpayConnectionError', 'qfpay_timeout'],
        [true, 'QfpayConnectionError', 'qfpay_connection_error'],
        [true, 'QfpayResponseError', 'qfpay_response_error'],
        [true, 'QfpaySignatureError', 'qfpay_signature_error'],
      ]
    )
    assert.deepEqual([api.respcdClass, api.retryable], ['retryable', true])
    assert.equal(response.bodyExcerpt.length, 201, 'a long body is cut to an excerpt')
  })

  it('are recognised by isQfpayError across package copies (a brand, not instanceof)', () => {
    const fromOtherCopy = Object.assign(new Error('x'), { code: 'qfpay_timeout' })
    Object.defineProperty(fromOtherCopy, Symbol.for('qfpay-checkout.error-family'), {
      value: 'qfpay',
    })
    assert.ok(isQfpayError(fromOtherCopy))
    assert.ok(isQfpayError(fromOtherCopy, 'qfpay_timeout'))
    assert.equal(isQfpayError(fromOtherCopy, 'qfpay_api_error'), false)
    assert.equal(
      isQfpayError(Object.assign(new Error('x'), { code: 'qfpay_timeout' })),
      false,
      'a lookalike code alone is not enough'
    )
    assert.equal(isQfpayError(null), false)
  })

  it('errorFromResponse picks the class from the answer', () => {
    const api = errorFromResponse({
      endpoint: 'refund',
      status: 200,
      text: '',
      json: { respcd: '1272', resperr: '超额' },
    })
    assert.ok(api instanceof QfpayApiError)
    assert.equal(
      api.message,
      'Failed to refund payment: gateway answered respcd 1272 (refund exceeds the refundable amount: 超额).'
    )
    const numeric = errorFromResponse({
      endpoint: 'query',
      status: 200,
      text: '',
      json: { respcd: 1108 },
    })
    assert.ok(numeric instanceof QfpayApiError && numeric.respcd === '1108')
    const html = errorFromResponse({ endpoint: 'query', status: 503, text: '<html>down</html>' })
    assert.ok(html instanceof QfpayResponseError)
    assert.equal(
      html.message,
      'Failed to query transactions: the answer is an HTML page (HTTP 503), not JSON.'
    )
    const limited = errorFromResponse({ endpoint: 'payment', status: 429, text: '' })
    assert.equal(limited.message, 'Failed to create payment: rate limited (HTTP 429).')
  })

  it("serialise to JSON without their cause's internals", () => {
    const error = new QfpayConnectionError(
      'Failed to x: y.',
      { timeout: false, mayHaveReachedGateway: false, endpoint: 'query' },
      { cause: connectionRefused() }
    )
    assert.deepEqual(JSON.parse(JSON.stringify(error)), {
      name: 'QfpayConnectionError',
      code: 'qfpay_connection_error',
      message: 'Failed to x: y.',
      mayHaveReachedGateway: false,
      timeout: false,
      endpoint: 'query',
      cause: { name: 'TypeError', message: 'fetch failed' },
    })
  })
})

describe('the client key', () => {
  const SECRET = 'C0FFEE5EDC0DE7A1C0FFEE5EDC0DE7A1'
  const APPCODE = 'APPCODE0123456789ABCDEF012345678'

  function renderings(value: unknown): string[] {
    const e = value as Error
    return [
      String(e),
      e.message ?? '',
      e.stack ?? '',
      JSON.stringify(e) ?? '',
      inspect(e, { depth: 10, showHidden: true }),
    ]
  }

  async function caught(run: () => unknown): Promise<unknown> {
    try {
      await run()
    } catch (error) {
      return error
    }
    assert.fail('expected a failure')
  }

  function client(
    respond: () => FakeAnswer | undefined,
    fetch?: typeof globalThis.fetch,
    responseSignature: 'verify' | 'require' = 'verify'
  ) {
    const gateway = createFakeGateway({ key: SECRET, appcode: APPCODE, respond })
    return createQfpayClient({
      appcode: APPCODE,
      key: SECRET,
      baseUrl: 'https://gateway.test',
      fetch: fetch ?? gateway.fetch,
      sleep: async () => {},
      timeoutMs: 20,
      responseSignature,
    })
  }

  it('appears in no error, message, stack, JSON or inspection, whatever fails', async () => {
    const payment = { pay_type: '800201', out_trade_no: 'A-1', txamt: 100 }
    const tampered = '{"respcd": "0000", "txamt": "999"}'
    const errors = [
      await caught(() =>
        createQfpayClient({ appcode: APPCODE, key: `${SECRET}\n`, environment: 'test' })
      ),
      await caught(() => createQfpayClient({ appcode: '', key: SECRET, environment: 'test' })),
      await caught(() =>
        createQfpayClient({ appcode: APPCODE, key: SECRET, baseUrl: `ftp://${SECRET}` })
      ),
      await caught(() => client(() => ({ respcd: '1108', resperr: '签名错误' })).payment(payment)),
      await caught(() =>
        client(() => ({ respcd: '1205' })).refund({ syssn: 'S', out_trade_no: 'R', txamt: 1 })
      ),
      await caught(() =>
        client(() => {
          throw connectionRefused()
        }).query({})
      ),
      await caught(() =>
        client(() => {
          throw connectionReset()
        }).close({ out_trade_no: 'A-1', txamt: 1 })
      ),
      await caught(() =>
        client(() => undefined, neverAnswering().fetch).reversal({ out_trade_no: 'A-1', txamt: 1 })
      ),
      await caught(() => client(() => new Response('<html/>', { status: 500 })).payment(payment)),
      await caught(() =>
        client(
          () => new Response(tampered, { headers: { 'X-QF-SIGN': 'A'.repeat(32) } }),
          undefined,
          'require'
        ).payment(payment)
      ),
      await caught(() => client(() => undefined).verifyNotify(tampered, 'A'.repeat(32))),
      await caught(() => client(() => undefined).payment({ ...payment, txamt: -1 })),
    ]
    for (const error of errors) {
      for (const text of renderings(error)) {
        assert.equal(
          text.includes(SECRET),
          false,
          `key leaked by ${(error as Error).name}: ${(error as Error).message}`
        )
        assert.equal(text.includes(SECRET.toLowerCase()), false)
        // The signature the key would give this body is as good as the key for forging it.
        assert.equal(
          text.includes(signBody(tampered, SECRET)),
          false,
          'no expected signature is disclosed'
        )
      }
    }
    assert.ok(
      isQfpayError(errors[3], 'qfpay_api_error') &&
        isQfpayError(errors[7], 'qfpay_timeout') &&
        isQfpayError(errors[10], 'qfpay_signature_error')
    )
  })

  it('is not reachable from the client object', () => {
    const qfpay = client(() => undefined)
    assert.equal(inspect(qfpay, { depth: 10, showHidden: true }).includes(SECRET), false)
    assert.equal(JSON.stringify(qfpay).includes(SECRET), false)
  })
})
