/**
 * The client against the project's own gateway simulator over real loopback HTTP: every
 * endpoint, with MD5 and with SHA-256. No request is asserted on: the sandbox checks signatures,
 * `mchid` and amounts with QFPay's codes, so a client bug surfaces as an outcome.
 */
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { serve, type ServerType } from '@hono/node-server'
import { createSandbox } from '../sandbox/index.ts'
import { createQfpayClient } from './client.ts'
import { QfpayApiError } from './errors.ts'
import type { SignType } from './sign.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
const APPCODE = 'APPCODE0123456789ABCDEF012345678'
const MCH_APPCODE = 'APPCODEWITHMCHID0123456789ABCDEF'
const MCHID = 'ZaMVg12345'

/** Notifies the sandbox sent, as raw bytes and header, as a merchant server would receive them. */
const received: { body: Uint8Array; sign: string | null }[] = []

const sandbox = createSandbox({
  merchants: [
    { appcode: APPCODE, key: KEY, notifyUrl: 'http://merchant.test/qfpay/notify' },
    { appcode: MCH_APPCODE, key: KEY, mchid: MCHID },
  ],
  fetch: async (input, init) => {
    const request = new Request(input, init)
    received.push({
      body: new Uint8Array(await request.arrayBuffer()),
      sign: request.headers.get('X-QF-SIGN'),
    })
    return new Response('SUCCESS')
  },
})
let server: ServerType
let baseUrl = ''

before(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: sandbox.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve())
  })
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(async () => {
  sandbox.close()
  await new Promise((resolve) => server.close(resolve))
})

let sequence = 0
const orderNo = (prefix: string) => `${prefix}-${Date.now()}-${++sequence}`
/** 18-digit swipe-card codes whose ending picks the sandbox's answer (docs/qfpay-protocol.md#sandbox). */
const authCode = (ending: '0000' | '1143' | '1201') => `28${'0'.repeat(12)}${ending}`

for (const signType of ['MD5', 'SHA256'] as SignType[]) {
  describe(`client against the sandbox over HTTP, ${signType}`, () => {
    const client = () => createQfpayClient({ appcode: APPCODE, key: KEY, baseUrl, signType })

    it('opens a pre-order, sees it pending in a query, closes it and sees it closed', async () => {
      const out_trade_no = orderNo('QR')
      const created = await client().payment({
        pay_type: '800201',
        out_trade_no,
        txamt: 1500,
        txcurrcd: 'HKD',
        goods_name: '咖啡',
      })
      assert.equal(created.status, 'created')
      assert.equal(created.signature, 'verified', 'the sandbox signs its answers')
      assert.match(String(created.response.qrcode ?? created.response.pay_url), /^(https?|weixin):/)
      assert.equal(created.response.txamt, 1500)

      const before = await client().query({ out_trade_no })
      assert.equal(before.rows.length, 1)
      assert.equal(before.rows[0]!.order_type, 'payment')
      assert.equal(before.rows[0]!.respcd === '1143' || before.rows[0]!.respcd === '1145', true)

      const closed = await client().close({ out_trade_no, txamt: 1500 })
      assert.equal(closed.outcome, 'ok')
      const afterClose = await client().query({ syssn: created.response.syssn! })
      assert.notEqual(afterClose.rows[0]!.respcd, '0000')
      assert.equal(afterClose.rows[0]!.respcd === '1143', false, 'no longer pending')
    })

    it('is notified of a paid pre-order, verifies the notify, refunds part and finds both rows', async () => {
      const out_trade_no = orderNo('WEB')
      const created = await client().payment({
        pay_type: '800151',
        out_trade_no,
        txamt: 2000,
        txcurrcd: 'HKD',
      })
      assert.equal(created.status, 'created')
      const syssn = created.response.syssn!
      const seen = received.length
      sandbox.pay(syssn)
      await sandbox.drain()
      const notify = received
        .slice(seen)
        .find((n) => new TextDecoder().decode(n.body).includes(out_trade_no))
      assert.ok(notify, 'the sandbox sent a notify')
      const verified = client().verifyNotify(notify.body, notify.sign)
      assert.equal(verified.kind, 'payment')
      assert.deepEqual(
        [verified.notify.out_trade_no, verified.notify.txamt, verified.notify.respcd],
        [out_trade_no, 2000, '0000']
      )

      const refundNo = orderNo('RF')
      const refund = await client().refund({ syssn, out_trade_no: refundNo, txamt: 500 })
      assert.equal(refund.outcome, 'ok')
      const rows = (await client().query({ out_trade_no: [out_trade_no, refundNo] })).rows
      const payment = rows.find((r) => r.out_trade_no === out_trade_no)
      const refundRow = rows.find((r) => r.out_trade_no === refundNo)
      assert.equal(payment?.respcd, '0000')
      assert.equal(refundRow?.order_type, 'refund')
      assert.equal(refundRow?.origssn, syssn)
      // By syssn: the payment's own finds the payment, the refund's finds the refund.
      const bySyssn = (await client().query({ syssn: [syssn] })).rows
      assert.deepEqual(
        bySyssn.map((r) => [r.out_trade_no, r.order_type]),
        [[out_trade_no, 'payment']]
      )
      const byRefundSyssn = (await client().query({ syssn: [refund.response.syssn!] })).rows
      assert.deepEqual(
        byRefundSyssn.map((r) => [r.out_trade_no, r.origssn]),
        [[refundNo, syssn]]
      )
    })

    it('charges a swipe-card code, reverses a pending one and reports a decline as a result', async () => {
      const paid = await client().payment({
        pay_type: '800208',
        out_trade_no: orderNo('CPM'),
        txamt: 300,
        txcurrcd: 'HKD',
        auth_code: authCode('0000'),
      })
      assert.equal(paid.status, 'paid')

      const pendingNo = orderNo('CPM')
      const pending = await client().payment({
        pay_type: '800108',
        out_trade_no: pendingNo,
        txamt: 300,
        txcurrcd: 'HKD',
        auth_code: authCode('1143'),
      })
      assert.equal(pending.status, 'pending')
      const reversed = await client().reversal({ out_trade_no: pendingNo, txamt: 300 })
      assert.equal(reversed.outcome, 'ok')

      const declined = await client().payment({
        pay_type: '800208',
        out_trade_no: orderNo('CPM'),
        txamt: 300,
        txcurrcd: 'HKD',
        auth_code: authCode('1201'),
      })
      assert.deepEqual([declined.status, declined.respcd], ['declined', '1201'])
    })

    it('is refused with 1108 when its key is wrong', async () => {
      const wrong = createQfpayClient({ appcode: APPCODE, key: 'F'.repeat(32), baseUrl, signType })
      await assert.rejects(
        wrong.query({}),
        (e: unknown) => e instanceof QfpayApiError && e.respcd === '1108'
      )
    })
  })
}

describe('client against the sandbox over HTTP, mchid', () => {
  it('is accepted when it sends the mchid it was issued, and refused without it', async () => {
    const withMchid = createQfpayClient({ appcode: MCH_APPCODE, key: KEY, mchid: MCHID, baseUrl })
    const out_trade_no = orderNo('MCH')
    assert.equal(
      (await withMchid.payment({ pay_type: '800201', out_trade_no, txamt: 100, txcurrcd: 'HKD' }))
        .status,
      'created'
    )
    assert.equal((await withMchid.query({ out_trade_no })).rows.length, 1)
    const without = createQfpayClient({ appcode: MCH_APPCODE, key: KEY, baseUrl })
    await assert.rejects(without.query({ out_trade_no }), QfpayApiError)
  })
})
