import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createQfpayClient } from './client.ts'
import type { QfpayClientOptions } from './client-options.ts'
import { QfpayApiError, QfpayResponseError, QfpaySignatureError } from './errors.ts'
import {
  createFakeGateway,
  pythonJson,
  type FakeGatewayOptions,
} from '../../test/support/fake-gateway.ts'
import { signBody, type SignType } from './sign.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
const APPCODE = 'APPCODE0123456789ABCDEF012345678'
/** 2024-05-01 02:30:00 UTC = 10:30:00 in UTC+8. */
const NOW = Date.UTC(2024, 4, 1, 2, 30, 0)

function setup(options: Partial<QfpayClientOptions> = {}, fake: Partial<FakeGatewayOptions> = {}) {
  const gateway = createFakeGateway({ key: KEY, appcode: APPCODE, ...fake })
  const client = createQfpayClient({
    appcode: APPCODE,
    key: KEY,
    baseUrl: 'https://gateway.test',
    fetch: gateway.fetch,
    now: () => NOW,
    sleep: async () => {},
    random: () => 0.5,
    ...options,
  })
  return { client, requests: gateway.requests }
}

for (const signType of ['MD5', 'SHA256'] as SignType[]) {
  describe(`every endpoint, signed with ${signType}`, () => {
    const sha = signType === 'SHA256'

    function checkHeaders(request: {
      headers: Headers
      signatureOk: boolean
      method: string
      signType: SignType
    }) {
      assert.equal(request.signatureOk, true, 'the gateway accepts the signature')
      assert.equal(request.method, 'POST')
      assert.equal(request.signType, signType)
      assert.equal(request.headers.get('X-QF-SIGNTYPE'), sha ? 'SHA256' : null)
      assert.match(request.headers.get('Content-Type') ?? '', /^application\/x-www-form-urlencoded/)
      assert.match(
        request.headers.get('X-QF-SIGN') ?? '',
        sha ? /^[0-9A-F]{64}$/ : /^[0-9A-F]{32}$/
      )
    }

    it('opens a WeChat pre-order and reports it as created, not paid', async () => {
      const { client, requests } = setup({ signType })
      const result = await client.payment({
        pay_type: '800201',
        out_trade_no: 'ORDER-0001',
        txamt: 100,
        txcurrcd: 'HKD',
        goods_name: 'Coffee',
        expired_time: 10,
      })
      checkHeaders(requests[0]!)
      assert.equal(requests[0]!.endpoint, 'payment')
      assert.deepEqual(requests[0]!.fields, {
        pay_type: '800201',
        out_trade_no: 'ORDER-0001',
        txamt: '100',
        txcurrcd: 'HKD',
        goods_name: 'Coffee',
        expired_time: '10',
        txdtm: '2024-05-01 10:30:00',
      })
      assert.equal(result.outcome, 'ok')
      assert.equal(result.status, 'created')
      assert.equal(result.response.qrcode, 'weixin://wxpay/bizpayurl?pr=abc')
      assert.equal(result.response.txamt, 100)
    })

    it('charges a swipe-card code and reports it as paid', async () => {
      const { client, requests } = setup({ signType })
      const result = await client.payment({
        pay_type: '800108',
        out_trade_no: 'POS-1',
        txamt: 250,
        auth_code: '280000000000000000',
      })
      checkHeaders(requests[0]!)
      assert.equal(requests[0]!.fields['auth_code'], '280000000000000000')
      assert.equal(result.status, 'paid')
    })

    it("refunds under the refund's own out_trade_no", async () => {
      const { client, requests } = setup({ signType })
      const result = await client.refund({
        syssn: '20240501000200020012345678',
        out_trade_no: 'REFUND-0001',
        txamt: 50,
        txdtm: '2024-05-01 11:00:00',
      })
      checkHeaders(requests[0]!)
      assert.equal(requests[0]!.endpoint, 'refund')
      assert.deepEqual(requests[0]!.fields, {
        syssn: '20240501000200020012345678',
        out_trade_no: 'REFUND-0001',
        txamt: '50',
        txdtm: '2024-05-01 11:00:00',
      })
      assert.equal(result.outcome, 'ok')
      assert.equal(result.response.orig_syssn, '20240501000200020012345678')
    })

    it('closes and reverses an order by out_trade_no or syssn', async () => {
      const { client, requests } = setup({ signType })
      const closed = await client.close({ out_trade_no: 'ORDER-0001', txamt: 100 })
      const reversed = await client.reversal({ syssn: '20240501000200020012345678', txamt: 250 })
      for (const request of requests) checkHeaders(request)
      assert.deepEqual(
        requests.map((r) => r.endpoint),
        ['close', 'reversal']
      )
      assert.deepEqual(requests[0]!.fields, {
        out_trade_no: 'ORDER-0001',
        txamt: '100',
        txdtm: '2024-05-01 10:30:00',
      })
      assert.deepEqual(requests[1]!.fields, {
        syssn: '20240501000200020012345678',
        txamt: '250',
        txdtm: '2024-05-01 10:30:00',
      })
      assert.equal(closed.outcome, 'ok')
      assert.equal(reversed.outcome, 'ok')
    })

    it('queries a batch, joining ids with commas', async () => {
      const { client, requests } = setup({ signType })
      const result = await client.query({
        out_trade_no: ['A-1', 'A-2'],
        pay_type: ['800201', '800151'],
        page_size: 2,
      })
      checkHeaders(requests[0]!)
      assert.deepEqual(requests[0]!.fields, {
        out_trade_no: 'A-1,A-2',
        pay_type: '800201,800151',
        page_size: '2',
      })
      assert.deepEqual(
        result.rows.map((r) => r.out_trade_no),
        ['A-1', 'A-2']
      )
      assert.equal(result.page, 1)
      assert.equal(result.page_size, 2)
      assert.equal(result.rows[0]!.order_type, 'payment')
      assert.equal(result.rows[0]!.txamt, 100)
    })
  })
}

describe('request fields', () => {
  it('sends mchid only when configured, and lets a call override it', async () => {
    const without = setup()
    await without.client.query({ out_trade_no: 'A-1' })
    assert.equal('mchid' in without.requests[0]!.fields, false)

    const withMchid = setup({ mchid: 'ZaMVg12345' })
    await withMchid.client.payment({ pay_type: '800201', out_trade_no: 'A-1', txamt: 100 })
    await withMchid.client.query({ out_trade_no: 'A-1', mchid: 'R1zQrTdJnn' })
    assert.equal(withMchid.requests[0]!.fields['mchid'], 'ZaMVg12345')
    assert.equal(withMchid.requests[0]!.signatureOk, true, 'mchid is signed')
    assert.equal(withMchid.requests[1]!.fields['mchid'], 'R1zQrTdJnn')
  })

  it('never sends empty parameters', async () => {
    const { client, requests } = setup()
    await client.payment({
      pay_type: '800201',
      out_trade_no: 'A-1',
      txamt: 100,
      udid: '',
      goods_name: undefined,
      notify_url: '',
    })
    assert.deepEqual(Object.keys(requests[0]!.fields).sort(), [
      'out_trade_no',
      'pay_type',
      'txamt',
      'txdtm',
    ])
  })

  it('sends the 2017-era and current extras under their wire names', async () => {
    const { client, requests } = setup()
    await client.payment({
      pay_type: '800207',
      out_trade_no: 'A-1',
      txamt: 100,
      openid: 'o1',
      product_name: '咖啡',
      lnglat: '22.28 114.16',
      return_url: 'https://shop.example/ok',
      limit_pay: 'no_credit',
      pay_tag: 'ALIPAYCN',
      txzone: '+0800',
      sub_openid: 'o2',
      extend_info: { user_truename: '王' },
      rmb_tag: 'Y',
    })
    const f = requests[0]!.fields
    assert.equal(requests[0]!.signatureOk, true, 'Chinese values and JSON text are signed raw')
    assert.equal(f['product_name'], '咖啡')
    assert.equal(f['lnglat'], '22.28 114.16')
    assert.equal(f['extend_info'], '{"user_truename":"王"}')
    assert.deepEqual(
      [f['openid'], f['limit_pay'], f['pay_tag'], f['txzone'], f['sub_openid'], f['rmb_tag']],
      ['o1', 'no_credit', 'ALIPAYCN', '+0800', 'o2', 'Y']
    )
  })

  it('formats query time filters given as instants in UTC+8', async () => {
    const { client, requests } = setup()
    await client.query({
      start_time: new Date(NOW),
      end_time: '2024-05-31 23:59:59',
      respcd: '0000',
      page: 2,
    })
    assert.deepEqual(requests[0]!.fields, {
      start_time: '2024-05-01 10:30:00',
      end_time: '2024-05-31 23:59:59',
      respcd: '0000',
      page: '2',
    })
  })

  it('rejects caller mistakes before anything is sent', async () => {
    const { client, requests } = setup()
    await assert.rejects(
      client.payment({ pay_type: '800201', out_trade_no: 'A-1', txamt: 1.5 }),
      /Failed to create payment: txamt must be a positive integer/
    )
    await assert.rejects(
      client.payment({ pay_type: '800208', out_trade_no: 'A-1', txamt: 100 }),
      /auth_code is required/
    )
    await assert.rejects(
      client.refund({ syssn: 'S', out_trade_no: 'R', txamt: 1, txdtm: '2024-05-01T11:00:00Z' }),
      /txdtm must look like/
    )
    await assert.rejects(client.close({ txamt: 100 }), /pass syssn or out_trade_no/)
    await assert.rejects(client.query({ syssn: ['a', 'b,c'] }), /without commas/)
    await assert.rejects(
      client.query({ page_size: 101 }),
      /page_size must be an integer from 1 to 100/
    )
    assert.equal(requests.length, 0)
  })
})

describe('answers', () => {
  it('returns pending and declined payments as results, not errors', async () => {
    const answers = [
      { respcd: '1143', resperr: '订单还未支付' },
      { respcd: '1201', resperr: '余额不足' },
    ]
    const { client } = setup({}, { respond: (_r, n) => answers[n - 1] })
    const pending = await client.payment({
      pay_type: '800208',
      out_trade_no: 'P-1',
      txamt: 100,
      auth_code: '1'.repeat(18),
    })
    const declined = await client.payment({
      pay_type: '800208',
      out_trade_no: 'P-2',
      txamt: 100,
      auth_code: '1'.repeat(18),
    })
    assert.deepEqual(
      [pending.outcome, pending.status, pending.respcdClass],
      ['pending', 'pending', 'pending']
    )
    assert.deepEqual(
      [declined.outcome, declined.status, declined.resperr],
      ['declined', 'declined', '余额不足']
    )
  })

  it('returns a state conflict (closing a paid order) as a declined result', async () => {
    const { client } = setup(
      {},
      { respond: () => ({ respcd: '1260', resperr: 'order already paid' }) }
    )
    const result = await client.close({ out_trade_no: 'A-1', txamt: 100 })
    assert.deepEqual([result.outcome, result.respcdClass], ['declined', 'state-conflict'])
  })

  it("throws QfpayApiError for a request error, with the gateway's code and text", async () => {
    const { client } = setup(
      {},
      { respond: () => ({ respcd: '1104', resperr: 'filter error', respmsg: '' }) }
    )
    const error = await client
      .payment({ pay_type: '800201', out_trade_no: 'A-1', txamt: 100 })
      .catch((e: unknown) => e)
    assert.ok(error instanceof QfpayApiError)
    assert.deepEqual(
      [error.code, error.respcd, error.resperr, error.respcdClass, error.retryable],
      ['qfpay_api_error', '1104', 'filter error', 'request-error', false]
    )
    assert.match(
      error.message,
      /^Failed to create payment: gateway answered respcd 1104 \(request parameter error: filter error\)\.$/
    )
  })

  it('throws when the gateway rejects the signature (a wrong key)', async () => {
    const { client } = setup({ key: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF' })
    await assert.rejects(
      client.query({ out_trade_no: 'A-1' }),
      (e: unknown) => e instanceof QfpayApiError && e.respcd === '1108'
    )
  })

  it("throws for any query answer other than 0000, since rows carry the transactions' states", async () => {
    const { client } = setup(
      {},
      { respond: () => ({ respcd: '1268', resperr: 'order does not exist' }) }
    )
    await assert.rejects(
      client.query({ out_trade_no: 'A-1' }),
      (e: unknown) => e instanceof QfpayApiError && e.respcd === '1268'
    )
  })

  it('accepts numbers where strings are documented, and keeps unknown fields', async () => {
    const respond = () =>
      new Response(
        '{"respcd": 0, "page": 1, "page_size": "20", "new_top": {"x": 1}, "data": [{"respcd": 1143, "txamt": "300", "syssn": 2024, "cancel": 0, "brand_new": "kept"}]}',
        { headers: { 'Content-Type': 'application/json' } }
      )
    const { client } = setup({}, { respond })
    const result = await client.query({ syssn: '2024' })
    assert.equal(result.response.respcd, '0000')
    assert.deepEqual([result.page, result.page_size], [1, 20])
    assert.deepEqual(result.response['new_top'], { x: 1 })
    assert.deepEqual(result.rows[0], {
      respcd: '1143',
      txamt: 300,
      syssn: '2024',
      cancel: '0',
      brand_new: 'kept',
    })
    assert.equal(result.response.resperr, '', 'a missing resperr reads as empty')
  })
})

describe('response signatures', () => {
  it('verifies a signed answer and says so', async () => {
    const { client } = setup({}, { signResponses: true })
    const result = await client.payment({ pay_type: '800201', out_trade_no: 'A-1', txamt: 100 })
    assert.equal(result.signature, 'verified')
  })

  it('does not require a signature', async () => {
    const { client } = setup()
    assert.equal((await client.query({ out_trade_no: 'A-1' })).signature, 'absent')
  })

  it('rejects an answer whose signature is present but wrong', async () => {
    const body = pythonJson({ respcd: '0000', resperr: '', respmsg: '', syssn: '1' })
    const respond = () => new Response(body, { headers: { 'X-QF-SIGN': '0'.repeat(32) } })
    const { client } = setup({}, { respond })
    const error = await client
      .payment({ pay_type: '800201', out_trade_no: 'A-1', txamt: 100 })
      .catch((e: unknown) => e)
    assert.ok(error instanceof QfpayResponseError)
    assert.ok(error.cause instanceof QfpaySignatureError)
    assert.equal(error.cause.header, '0'.repeat(32))
    assert.match(error.message, /X-QF-SIGN does not match.*query by out_trade_no/)
  })
})

describe('notifies through the client', () => {
  it("verifies with the client's key", () => {
    const { client } = setup()
    const body =
      '{"notify_type": "refund", "syssn": "R1", "orig_syssn": "S1", "txamt": "50", "respcd": "0000"}'
    const { kind, notify } = client.verifyNotify(body, signBody(body, KEY))
    assert.equal(kind, 'refund')
    assert.equal(notify.txamt, 50)
  })
})
