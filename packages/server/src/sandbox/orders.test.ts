import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { authCode, testBed, tradeNo, type TestBed } from '../../test/support/sandbox-kit.ts'

type Row = Record<string, string>
const TXDTM = '2024-05-01 10:30:00'

async function rows(bed: TestBed, params: Record<string, string>): Promise<Row[]> {
  const res = await bed.call('query', params)
  assert.equal(res.json.respcd, '0000')
  return res.json.data as Row[]
}
const refund = (bed: TestBed, syssn: string, txamt: string, outTradeNo = tradeNo('R')) =>
  bed
    .call('refund', { syssn, out_trade_no: outTradeNo, txamt, txdtm: TXDTM })
    .then((r) => r.json as Row)
const cancel = (bed: TestBed, endpoint: 'close' | 'reversal', syssn: string, txamt = '100') =>
  bed.call(endpoint, { syssn, txamt, txdtm: TXDTM }).then((r) => r.json as Row)

describe('order lifecycle per 2017 pay type', () => {
  const bed = testBed()
  after(() => bed.sandbox.close())

  for (const payType of ['800151', '800201']) {
    it(`${payType}: created (1143) → paid (0000) → partly refunded (cancel 5) → refunded (cancel 3) → over-refund 1272`, async () => {
      const created = await bed.pay({ pay_type: payType, txamt: '1000' })
      const syssn = created.syssn as string
      let [row] = await rows(bed, { syssn })
      assert.deepEqual([row?.respcd, row?.cancel, row?.order_type], ['1143', '0', 'payment'])
      bed.sandbox.pay(syssn)
      ;[row] = await rows(bed, { syssn })
      assert.deepEqual([row?.respcd, row?.cancel], ['0000', '0'])
      assert.notEqual(row?.paydtm, '')
      const first = await refund(bed, syssn, '300')
      assert.equal(first.respcd, '0000')
      assert.equal(first.orig_syssn, syssn)
      assert.notEqual(first.syssn, syssn)
      ;[row] = await rows(bed, { syssn })
      assert.equal(row?.cancel, '5')
      assert.equal((await refund(bed, syssn, '701')).respcd, '1272')
      assert.equal((await refund(bed, syssn, '700')).respcd, '0000')
      ;[row] = await rows(bed, { syssn })
      assert.equal(row?.cancel, '3')
      assert.equal((await refund(bed, syssn, '1')).respcd, '1272')
      assert.equal(bed.sandbox.order(syssn)?.state, 'refunded')
    })
  }

  it('lists refunds as their own rows with order_type refund and origssn', async () => {
    const paid = await bed.pay({ pay_type: '800108', auth_code: authCode('0000') })
    const refundNo = tradeNo('R')
    const answer = await refund(bed, paid.syssn as string, '40', refundNo)
    const [row] = await rows(bed, { out_trade_no: refundNo })
    assert.deepEqual(
      [row?.order_type, row?.origssn, row?.syssn, row?.txamt, row?.respcd],
      ['refund', paid.syssn, answer.syssn, '40', '0000']
    )
  })

  it('refuses refunds of unpaid, closed and unknown orders', async () => {
    const created = await bed.pay()
    assert.equal((await refund(bed, created.syssn as string, '1')).respcd, '1261')
    await cancel(bed, 'close', created.syssn as string)
    assert.equal((await refund(bed, created.syssn as string, '1')).respcd, '1264')
    assert.equal((await refund(bed, '20240501999999999999999999', '1')).respcd, '1268')
  })

  it('800207 never creates an order', async () => {
    const before = bed.sandbox.orders().length
    assert.equal((await bed.pay({ pay_type: '800207' })).respcd, '1104')
    assert.equal(bed.sandbox.orders().length, before)
  })
})

describe('close and reversal (close online, reverse swipe card)', () => {
  const bed = testBed()
  after(() => bed.sandbox.close())

  it('closes an unpaid online order: /query shows 1142, cancel 2, and the answer names both syssns', async () => {
    const created = await bed.pay({ pay_type: '800151' })
    const res = await cancel(bed, 'close', created.syssn as string)
    assert.equal(res.respcd, '0000')
    assert.equal(res.orig_syssn, created.syssn)
    assert.match(res.syssn as string, /^\d{26}$/)
    const [row] = await rows(bed, { syssn: created.syssn as string })
    assert.deepEqual([row?.respcd, row?.cancel], ['1142', '2'])
    assert.equal((await cancel(bed, 'close', created.syssn as string)).respcd, '1142')
  })

  it('closes by out_trade_no too, and refuses a wrong amount with 1266', async () => {
    const number = tradeNo()
    await bed.pay({ out_trade_no: number })
    assert.equal(
      (await bed.call('close', { out_trade_no: number, txamt: '99', txdtm: TXDTM })).json.respcd,
      '1266'
    )
    assert.equal(
      (await bed.call('close', { out_trade_no: number, txamt: '100', txdtm: TXDTM })).json.respcd,
      '0000'
    )
  })

  it('refuses to close a paid WeChat order with 1260 and leaves it paid', async () => {
    const created = await bed.pay({ pay_type: '800201' })
    bed.sandbox.pay(created.syssn as string)
    assert.equal((await cancel(bed, 'close', created.syssn as string)).respcd, '1260')
    assert.equal(bed.sandbox.order(created.syssn as string)?.state, 'paid')
  })

  it('refuses /reversal for online orders and /close for swipe-card orders with 1104', async () => {
    const online = await bed.pay({ pay_type: '800201' })
    const res = await cancel(bed, 'reversal', online.syssn as string)
    assert.equal(res.respcd, '1104')
    assert.match(res.respmsg as string, /use \/close/)
    const swipe = await bed.pay({ pay_type: '800208', auth_code: authCode('1143') })
    assert.equal((await cancel(bed, 'close', swipe.syssn as string)).respcd, '1104')
  })

  it('reverses a pending swipe order into closed: /query shows 1142, cancel 1', async () => {
    const swipe = await bed.pay({ pay_type: '800208', auth_code: authCode('1143') })
    assert.equal((await cancel(bed, 'reversal', swipe.syssn as string)).respcd, '0000')
    const [row] = await rows(bed, { syssn: swipe.syssn as string })
    assert.deepEqual([row?.respcd, row?.cancel], ['1142', '1'])
  })

  it('reversal of a paid Alipay swipe order refunds it: cancel 1, nothing left to refund', async () => {
    const paid = await bed.pay({ pay_type: '800108', auth_code: authCode('0000') })
    assert.equal((await cancel(bed, 'reversal', paid.syssn as string)).respcd, '0000')
    const [row] = await rows(bed, { syssn: paid.syssn as string })
    assert.deepEqual([row?.respcd, row?.cancel], ['0000', '1'])
    assert.equal(bed.sandbox.order(paid.syssn as string)?.state, 'reversed')
    assert.equal(bed.sandbox.order(paid.syssn as string)?.refundedAmount, 100)
    assert.equal((await refund(bed, paid.syssn as string, '1')).respcd, '1262')
    assert.equal((await cancel(bed, 'reversal', paid.syssn as string)).respcd, '1263')
  })

  it('needs syssn or out_trade_no, and refuses a pair naming different orders with 1267', async () => {
    assert.equal((await bed.call('close', { txamt: '100', txdtm: TXDTM })).json.respcd, '1104')
    const a = await bed.pay()
    const b = await bed.pay()
    assert.equal(
      (
        await bed.call('close', {
          syssn: a.syssn as string,
          out_trade_no: b.out_trade_no as string,
          txamt: '100',
          txdtm: TXDTM,
        })
      ).json.respcd,
      '1267'
    )
  })
})

describe('expiry', () => {
  it('expires a pre-order after expired_time minutes on the clock: /query shows 1142, cancel 2', async () => {
    const bed = testBed()
    const created = await bed.pay({ expired_time: '5' })
    await bed.clock.advance(5 * 60_000 - 1)
    assert.equal(bed.sandbox.order(created.syssn as string)?.state, 'created')
    await bed.clock.advance(1)
    const [row] = await rows(bed, { syssn: created.syssn as string })
    assert.deepEqual([row?.respcd, row?.cancel], ['1142', '2'])
    assert.equal(bed.sandbox.order(created.syssn as string)?.state, 'expired')
    bed.sandbox.close()
  })

  it('defaults to 30 minutes and divides by the time scale', async () => {
    const bed = testBed({ timeScale: 60 })
    const created = await bed.pay()
    await bed.clock.advance(29_999)
    assert.equal(bed.sandbox.order(created.syssn as string)?.state, 'created')
    await bed.clock.advance(1)
    assert.equal(bed.sandbox.order(created.syssn as string)?.state, 'expired')
    bed.sandbox.close()
  })
})

describe('/trade/v1/query', () => {
  const bed = testBed({ appcode: 'QUERYAPP' })
  after(() => bed.sandbox.close())
  const made: Row[] = []

  it('batches by comma-separated syssn and out_trade_no, newest first', async () => {
    for (let i = 0; i < 3; i++)
      made.push(await bed.pay({ pay_type: i === 2 ? '800151' : '800201' }))
    const bySyssn = await rows(bed, { syssn: made.map((m) => m.syssn).join(',') })
    assert.deepEqual(
      bySyssn.map((r) => r.syssn),
      made.map((m) => m.syssn).reverse()
    )
    const byNumber = await rows(bed, {
      out_trade_no: `${made[0]?.out_trade_no},${made[1]?.out_trade_no}`,
    })
    assert.equal(byNumber.length, 2)
  })

  it('filters by pay_type and respcd', async () => {
    assert.equal((await rows(bed, { pay_type: '800151' })).length, 1)
    bed.sandbox.pay(made[0]?.syssn as string)
    const paid = await rows(bed, { respcd: '0000' })
    assert.deepEqual(
      paid.map((r) => r.syssn),
      [made[0]?.syssn]
    )
  })

  it('pages with page and page_size (default 10, max 100)', async () => {
    for (let i = 0; i < 10; i++) await bed.pay()
    const first = await bed.call('query', {})
    assert.deepEqual(
      [first.json.page, first.json.page_size, (first.json.data as Row[]).length],
      ['1', '10', 10]
    )
    const second = await rows(bed, { page: '2' })
    assert.equal(second.length, 3)
    assert.equal((await rows(bed, { page: '3', page_size: '5' })).length, 3)
    assert.equal((await bed.call('query', { page_size: '101' })).json.respcd, '1104')
    assert.equal((await bed.call('query', { page: '0' })).json.respcd, '1104')
  })

  it('filters by start_time and end_time on sysdtm, and ignores them when syssn is given', async () => {
    assert.equal(
      (await rows(bed, { start_time: '2024-05-01 00:00:00', end_time: '2024-05-01 23:59:59' }))
        .length,
      10
    )
    assert.equal(
      (await rows(bed, { start_time: '2024-06-01 00:00:00', end_time: '2024-06-30 23:59:59' }))
        .length,
      0
    )
    assert.equal(
      (await rows(bed, { syssn: made[0]?.syssn as string, start_time: '2024-06-01 00:00:00' }))
        .length,
      1
    )
    assert.equal((await bed.call('query', { start_time: 'yesterday' })).json.respcd, '1104')
  })

  it("never shows another merchant's orders", async () => {
    const shared = testBed({
      merchants: [
        { appcode: 'SHOP-A', key: 'key-a' },
        { appcode: 'SHOP-B', key: 'key-b' },
      ],
    })
    const a = await shared.pay()
    assert.equal(a.respcd, '0000')
    const asB = await shared.call(
      'query',
      { syssn: a.syssn as string },
      { appcode: 'SHOP-B', key: 'key-b' }
    )
    assert.deepEqual(asB.json.data, [])
    const closeAsB = await shared.call(
      'close',
      { syssn: a.syssn as string, txamt: '100', txdtm: TXDTM },
      { appcode: 'SHOP-B', key: 'key-b' }
    )
    assert.equal(closeAsB.json.respcd, '1268')
    shared.sandbox.close()
  })
})
