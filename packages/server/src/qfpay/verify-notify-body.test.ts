import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { QfpayResponseError, QfpaySignatureError } from './errors.ts'
import { signBody } from './sign.ts'
import { verifyNotifyBody } from './verify-notify-body.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
/** Notify vector V5 (built for this project): 378 bytes, Python json.dumps style. */
const V5_BODY =
  '{"status": "1", "pay_type": "800201", "sysdtm": "2024-05-01 10:30:01", "paydtm": "2024-05-01 10:31:15", "goods_name": "Coffee", "txcurrcd": "HKD", "txdtm": "2024-05-01 10:30:00", "txamt": "100", "out_trade_no": "ORDER-0001", "syssn": "20240501000200020012345678", "cancel": "0", "respcd": "0000", "notify_type": "payment", "chnlsn": "4200000000202405010000000001", "cardcd": ""}'
const V5_SIGN = '38E891D1FEA4D90D076120EE4EA941DD'

describe('verifyNotifyBody', () => {
  it('accepts vector V5 as text or as raw bytes, and reads it as a payment notify', () => {
    assert.equal(V5_BODY.length, 378)
    for (const body of [V5_BODY, new TextEncoder().encode(V5_BODY)]) {
      const { kind, notify } = verifyNotifyBody(body, V5_SIGN, KEY)
      assert.equal(kind, 'payment')
      assert.equal(notify.out_trade_no, 'ORDER-0001')
      assert.equal(notify.txamt, 100)
      assert.equal(notify.status, '1')
      assert.equal(notify.chnlsn, '4200000000202405010000000001')
    }
  })

  it('accepts a lower-case signature header', () => {
    assert.equal(verifyNotifyBody(V5_BODY, V5_SIGN.toLowerCase(), KEY).kind, 'payment')
  })

  it('rejects a body with one byte changed, naming the likely mistake', () => {
    const tampered = new TextEncoder().encode(V5_BODY)
    tampered[tampered.indexOf(0x31)] = 0x32 // "1" → "2": txamt or status, one byte
    const error = (() => {
      try {
        verifyNotifyBody(tampered, V5_SIGN, KEY)
      } catch (e) {
        return e
      }
    })()
    assert.ok(error instanceof QfpaySignatureError)
    assert.equal(error.code, 'qfpay_signature_error')
    assert.equal(
      error.message,
      'Failed to verify notify: signature mismatch. Was the body re-serialised? Verify the raw bytes.'
    )
    assert.equal(error.header, V5_SIGN)
    assert.ok(error.bodyExcerpt.startsWith('{"status": "2"'))
  })

  it('rejects a body that was parsed and re-serialised', () => {
    assert.throws(
      () => verifyNotifyBody(JSON.stringify(JSON.parse(V5_BODY)), V5_SIGN, KEY),
      QfpaySignatureError
    )
  })

  it('rejects a missing signature header', () => {
    for (const header of [undefined, null, '', '  ']) {
      assert.throws(() => verifyNotifyBody(V5_BODY, header, KEY), /X-QF-SIGN header is missing/)
    }
  })

  it('verifies before parsing: garbage with a wrong signature is a signature error, not a parse error', () => {
    assert.throws(() => verifyNotifyBody('not json', V5_SIGN, KEY), QfpaySignatureError)
  })

  it('rejects a correctly signed body that is not a JSON object', () => {
    assert.throws(() => verifyNotifyBody('[1]', signBody('[1]', KEY), KEY), QfpayResponseError)
    assert.throws(
      () => verifyNotifyBody('oops', signBody('oops', KEY), KEY),
      /Failed to read notify: the signed body is not JSON\./
    )
  })

  it('refuses an already-parsed body with the raw-bytes hint', () => {
    assert.throws(
      () => verifyNotifyBody(JSON.parse(V5_BODY) as unknown as string, V5_SIGN, KEY),
      /Verify the raw bytes/
    )
  })

  it('reads a refund notify, a 2016-era notify without notify_type, and keeps other types', () => {
    const refund =
      '{"notify_type": "refund", "syssn": "R1", "orig_syssn": "S1", "out_trade_no": "REFUND-1", "orig_out_trade_no": "ORDER-1", "txamt": 50, "respcd": "0000"}'
    const r = verifyNotifyBody(refund, signBody(refund, KEY), KEY)
    assert.equal(r.kind, 'refund')
    if (r.kind === 'refund')
      assert.deepEqual(
        [r.notify.orig_syssn, r.notify.orig_out_trade_no, r.notify.txamt],
        ['S1', 'ORDER-1', 50]
      )

    const legacy =
      '{"Mchid": "BvDtmKJA5mx7GpN0", "syssn": "S1", "pay_type": "800201", "out_trade_no": "O1", "txamt": "10", "respcd": "0000", "respmesg": ""}'
    const s = verifyNotifyBody(legacy, signBody(legacy, KEY), KEY)
    assert.deepEqual(
      [s.kind, s.notify.notify_type, s.notify['Mchid']],
      ['payment', 'payment', 'BvDtmKJA5mx7GpN0']
    )

    const close = '{"notify_type": "close", "syssn": "S1"}'
    assert.equal(verifyNotifyBody(close, signBody(close, KEY), KEY).kind, 'other')
  })
})
