import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { verifyBodySignature } from '../qfpay/sign.ts'
import { NOTIFY_RETRY_DELAYS_MS } from './notifier.ts'
import { signNotifyForTest } from '../testing/sign-notify.ts'
import { authCode, NOTIFY_URL, TEST_KEY, testBed } from '../../test/support/sandbox-kit.ts'

describe('notifies', () => {
  it('posts the payment notify as Python-style JSON with Content-Length and a verifiable X-QF-SIGN', async () => {
    const bed = testBed()
    const order = await bed.pay({ pay_type: '800201', goods_name: '咖啡' })
    bed.sandbox.pay(order.syssn as string)
    await bed.sandbox.drain()
    const [sent] = bed.captured
    assert.ok(sent)
    assert.equal(sent.url, NOTIFY_URL)
    assert.equal(sent.headers.get('content-type'), 'application/json')
    assert.equal(sent.headers.get('content-length'), String(Buffer.byteLength(sent.body)))
    assert.ok(verifyBodySignature(sent.body, TEST_KEY, sent.headers.get('x-qf-sign') ?? ''))
    assert.match(sent.headers.get('x-qf-sign') ?? '', /^[0-9A-F]{32}$/)
    assert.match(sent.body, /^\{"status": "1", "pay_type": "800201", /)
    assert.ok(sent.body.includes('"goods_name": "\\u5496\\u5561"'))
    const fields = JSON.parse(sent.body) as Record<string, string>
    assert.deepEqual(Object.keys(fields), [
      'status',
      'pay_type',
      'sysdtm',
      'paydtm',
      'goods_name',
      'txcurrcd',
      'txdtm',
      'txamt',
      'out_trade_no',
      'syssn',
      'cancel',
      'respcd',
      'notify_type',
      'chnlsn',
      'cardcd',
    ])
    assert.equal(fields.notify_type, 'payment')
    assert.equal(fields.respcd, '0000')
    assert.equal(fields.syssn, order.syssn)
    assert.equal(bed.sandbox.notifies()[0]?.state, 'delivered')
    bed.sandbox.close()
  })

  it('posts refund notifies with the fields of the captured production notify, mchid included when issued', async () => {
    const bed = testBed({ mchid: 'ZaMVg12345' })
    const paid = await bed.pay({
      pay_type: '800108',
      auth_code: authCode('0000'),
      mchid: 'ZaMVg12345',
    })
    await bed.call('refund', {
      mchid: 'ZaMVg12345',
      syssn: paid.syssn as string,
      out_trade_no: 'REFUND-A',
      txamt: '30',
      txdtm: '2024-05-01 11:00:00',
    })
    await bed.sandbox.drain()
    const refund = bed.captured
      .map((c) => JSON.parse(c.body) as Record<string, string>)
      .find((b) => b.notify_type === 'refund')
    assert.deepEqual(Object.keys(refund ?? {}), [
      'notify_type',
      'syssn',
      'orig_syssn',
      'out_trade_no',
      'orig_out_trade_no',
      'txamt',
      'txcurrcd',
      'txdtm',
      'sysdtm',
      'respcd',
      'mchid',
    ])
    assert.equal(refund?.orig_syssn, paid.syssn)
    assert.equal(refund?.out_trade_no, 'REFUND-A')
    assert.equal(refund?.txamt, '30')
    bed.sandbox.close()
  })

  it('retries anything but 200 SUCCESS after 2 m, 10 m, 10 m, 60 m, 2 h, 6 h, 15 h, then gives up', async () => {
    const bed = testBed()
    bed.answer.body = 'success' // lower case is not SUCCESS
    const order = await bed.pay()
    bed.sandbox.pay(order.syssn as string)
    await bed.clock.advance(0)
    assert.equal(bed.captured.length, 1)
    for (const [i, delay] of NOTIFY_RETRY_DELAYS_MS.entries()) {
      await bed.clock.advance(delay - 1)
      assert.equal(bed.captured.length, i + 1, `not before retry ${i + 1}`)
      await bed.clock.advance(1)
      assert.equal(bed.captured.length, i + 2, `retry ${i + 1}`)
    }
    await bed.clock.advance(48 * 3_600_000)
    assert.equal(bed.captured.length, 8)
    const [record] = bed.sandbox.notifies()
    assert.equal(record?.state, 'failed')
    assert.equal(record?.attempts.length, 8)
    assert.equal(record?.attempts[0]?.body, 'success')
    assert.equal(record?.attempts[0]?.status, 200)
    bed.sandbox.close()
  })

  it('stops retrying once the merchant answers SUCCESS, and divides the schedule by the time scale', async () => {
    const bed = testBed({ timeScale: 60 })
    bed.answer.status = 500
    const order = await bed.pay()
    bed.sandbox.pay(order.syssn as string)
    await bed.clock.advance(0)
    bed.answer.status = 200
    await bed.clock.advance(2_000) // 2 minutes / 60
    assert.equal(bed.captured.length, 2)
    await bed.clock.advance(24 * 3_600_000)
    assert.equal(bed.captured.length, 2)
    assert.equal(bed.sandbox.notifies()[0]?.state, 'delivered')
    bed.sandbox.close()
  })

  it('logs a notify without sending when no notify URL is configured or given', async () => {
    const bed = testBed({ notifyUrl: undefined })
    const order = await bed.pay()
    bed.sandbox.pay(order.syssn as string)
    await bed.sandbox.drain()
    assert.equal(bed.captured.length, 0)
    assert.equal(bed.sandbox.notifies()[0]?.state, 'no_url')
    bed.sandbox.close()
  })

  it('uses a per-request notify_url only when the merchant has none configured', async () => {
    const configured = testBed()
    const a = await configured.pay({ notify_url: 'http://elsewhere.test/n' })
    configured.sandbox.pay(a.syssn as string)
    await configured.sandbox.drain()
    assert.equal(configured.captured[0]?.url, NOTIFY_URL)
    const bare = testBed({ notifyUrl: undefined })
    const b = await bare.pay({ notify_url: 'http://elsewhere.test/n' })
    bare.sandbox.pay(b.syssn as string)
    await bare.sandbox.drain()
    assert.equal(bare.captured[0]?.url, 'http://elsewhere.test/n')
    configured.sandbox.close()
    bare.sandbox.close()
  })

  it('late-pay after close marks the order paid and sends the notify', async () => {
    const bed = testBed()
    const order = await bed.pay()
    await bed.call('close', {
      syssn: order.syssn as string,
      txamt: '100',
      txdtm: '2024-05-01 10:30:00',
    })
    const view = bed.sandbox.latePay(order.syssn as string)
    assert.equal(view.state, 'paid')
    assert.equal(view.latePaid, true)
    await bed.sandbox.drain()
    assert.equal(bed.captured.length, 1)
    bed.sandbox.close()
  })

  it('resends a notify on request as a fresh delivery', async () => {
    const bed = testBed()
    const order = await bed.pay()
    bed.sandbox.pay(order.syssn as string)
    bed.sandbox.resendNotify(order.syssn as string)
    await bed.sandbox.drain()
    assert.equal(bed.captured.length, 2)
    assert.equal(bed.captured[0]?.body, bed.captured[1]?.body)
    bed.sandbox.close()
  })
})

describe('signNotifyForTest', () => {
  it('formats fields as the gateway does and signs the raw body', () => {
    const { body, signature, headers } = signNotifyForTest(
      { notify_type: 'payment', txamt: 100, goods_name: '咖啡', skipped: undefined },
      TEST_KEY
    )
    assert.equal(body, '{"notify_type": "payment", "txamt": "100", "goods_name": "\\u5496\\u5561"}')
    assert.ok(verifyBodySignature(body, TEST_KEY, signature))
    assert.equal(headers['X-QF-SIGN'], signature)
    assert.equal(headers['Content-Length'], String(body.length))
  })

  it('signs a raw body unchanged, reproducing vector V5', () => {
    const v5 =
      '{"status": "1", "pay_type": "800201", "sysdtm": "2024-05-01 10:30:01", "paydtm": "2024-05-01 10:31:15", "goods_name": "Coffee", "txcurrcd": "HKD", "txdtm": "2024-05-01 10:30:00", "txamt": "100", "out_trade_no": "ORDER-0001", "syssn": "20240501000200020012345678", "cancel": "0", "respcd": "0000", "notify_type": "payment", "chnlsn": "4200000000202405010000000001", "cardcd": ""}'
    assert.equal(
      signNotifyForTest(v5, '0123456789ABCDEF0123456789ABCDEF').signature,
      '38E891D1FEA4D90D076120EE4EA941DD'
    )
  })
})
