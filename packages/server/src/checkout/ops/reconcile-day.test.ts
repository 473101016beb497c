import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startBed, TEST_APPCODE, TEST_KEY } from '../../../test/support/checkout-test-bed.ts'
import { createQfpayClient } from '../../qfpay/client.ts'
import { formatDayReport } from './reconcile-table.ts'

/** The bed's clock starts 2024-05-01 10:30 UTC+8: its checkouts fall on this QFPay day. */
const DAY = '2024-05-01'

describe('merchant.reconcileDay()', () => {
  it('finds each kind of planted discrepancy, fixes the lost payment with onPaid, and leaves clean ones alone', async (t) => {
    const bed = await startBed()
    t.after(() => bed.close())
    const gateway = createQfpayClient({
      appcode: TEST_APPCODE,
      key: TEST_KEY,
      baseUrl: bed.sandboxUrl,
      now: () => new Date(bed.clock.now()),
    })
    const create = async (order: string) => {
      const res = await bed.create(order, '800201')
      assert.equal(res.status, 201)
      return bed.get(res.body.id)
    }

    // Clean: paid on both sides.
    const clean = await create('clean')
    await bed.pay(clean.id)
    // Paid upstream, notify lost (paid last, and its notify never delivered): pending here.
    const lost = await create('lost')
    // Paid here only: the store was moved to paid without QFPay.
    const phantom = await create('phantom')
    const moved = await bed.store.transition(phantom.id, {
      expectedVersion: phantom.version,
      status: 'paid',
      paidAt: new Date(bed.clock.now()).toISOString(),
    })
    assert.ok(moved.ok)
    // Refunded upstream (say, in QFPay's merchant portal) but not here.
    const refunded = await create('refunded')
    await bed.pay(refunded.id)
    const refund = await gateway.refund({
      syssn: (await bed.get(refunded.id)).syssn as string,
      out_trade_no: 'portal-refund-1',
      txamt: 300,
    })
    assert.equal(refund.respcd, '0000')
    // Amount differs: QFPay took 1500 for an out_trade_no the store says is 1000.
    const pre = await gateway.payment({
      pay_type: '800201',
      out_trade_no: 'AMOUNT0001',
      txamt: 1500,
      txcurrcd: 'CNY',
    })
    bed.sandbox.pay(pre.response.syssn as string)
    const odd = await bed.store.create({
      order: 'odd',
      payType: '800201',
      flow: 'qr',
      amount: 1000,
      currency: 'CNY',
      outTradeNo: 'AMOUNT0001',
      expiresAt: new Date(bed.clock.now() + 900_000).toISOString(),
    })
    assert.equal(odd.kind, 'created')
    const oddPaid = await bed.store.transition(odd.checkout.id, {
      expectedVersion: 1,
      status: 'paid',
      syssn: pre.response.syssn as string,
    })
    assert.ok(oddPaid.ok)
    bed.sandbox.pay(lost.syssn as string)
    await bed.settleHooks()
    const hooksBefore = bed.hooks.filter((h) => h.topic === 'onPaid').length

    const report = await bed.checkout.merchant.reconcileDay(DAY)
    const found = report.discrepancies.map((d) => [d.kind, d.checkoutId]).sort()
    assert.deepEqual(
      found,
      [
        ['amount_mismatch', odd.checkout.id],
        ['paid_here_not_upstream', phantom.id],
        ['paid_upstream_not_here', lost.id],
        ['refund_mismatch', refunded.id],
      ].sort()
    )
    const fix = report.discrepancies.find((d) => d.kind === 'paid_upstream_not_here')
    assert.equal(fix?.fixedTo, 'paid')
    assert.equal(report.fixed, 1)
    assert.equal((await bed.get(lost.id)).status, 'paid')
    const refundGap = report.discrepancies.find((d) => d.kind === 'refund_mismatch')
    assert.deepEqual([refundGap?.refundedHere, refundGap?.refundedUpstream], [0, 300])
    const amountGap = report.discrepancies.find((d) => d.kind === 'amount_mismatch')
    assert.deepEqual([amountGap?.amountHere, amountGap?.amountUpstream], [1000, 1500])
    assert.equal(report.upstream.refunds, 1)
    assert.equal(report.here.checkouts, 5)

    // The fix went through the outbox: onPaid runs for the lost payment, once.
    await bed.settleHooks()
    const onPaid = bed.hooks.filter((h) => h.topic === 'onPaid')
    assert.equal(onPaid.length, hooksBefore + 1)
    assert.equal(onPaid.at(-1)?.checkout.id, lost.id)

    const table = formatDayReport(report)
    assert.match(table, /paid upstream, not here .* fixed: now paid/)
    assert.match(table, /paid here, not upstream .* respcd 1143/)
    assert.match(table, /4 discrepancies \(1 fixed\)\./)
    console.log(table)

    // A second run finds the fixed one gone; what needs a person is still there.
    const again = await bed.checkout.merchant.reconcileDay(DAY)
    assert.deepEqual(again.discrepancies.map((d) => d.kind).sort(), [
      'amount_mismatch',
      'paid_here_not_upstream',
      'refund_mismatch',
    ])
    assert.equal(bed.checkout.merchant.lastDayReport(), again)
  })

  it('reads every page of a busy day and reports nothing when both sides agree', async (t) => {
    const bed = await startBed()
    t.after(() => bed.close())
    for (let i = 0; i < 120; i++) {
      const res = await bed.create(`busy-${i}`, '800201')
      await bed.pay(res.body.id)
    }
    const report = await bed.checkout.merchant.reconcileDay(DAY)
    assert.deepEqual(report.discrepancies, [])
    assert.deepEqual([report.upstream.pages, report.upstream.paid, report.here.paid], [2, 120, 120])
    assert.match(formatDayReport(report), /No discrepancies\./)
    // Another day has nothing on either side.
    const empty = await bed.checkout.merchant.reconcileDay('2024-05-02')
    assert.deepEqual([empty.upstream.payments, empty.here.checkouts], [0, 0])
  })

  it('refuses a malformed or impossible date before calling QFPay', async (t) => {
    const bed = await startBed()
    t.after(() => bed.close())
    for (const bad of ['2024-5-1', '2024-02-31', 'yesterday', ''])
      await assert.rejects(bed.checkout.merchant.reconcileDay(bad), RangeError, bad)
  })
})
