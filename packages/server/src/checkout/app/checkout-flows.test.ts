/**
 * The checkout app against the sandbox over loopback HTTP: each 2017 pay type through paid,
 * declined, expired, cancelled and refunded; the return redirect; lost answers on create.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { type Bed, startBed, type BedOptions } from '../../../test/support/checkout-test-bed.ts'

async function bed(t: TestContext, options?: BedOptions): Promise<Bed> {
  const b = await startBed(options)
  t.after(() => b.close())
  return b
}

/** Swipe-card codes the sandbox understands (docs/qfpay-protocol.md#sandbox): 18 digits, the ending decides. */
const PAYS = '130000000000000000'
const DECLINES = '130000000000001201'
const PENDS = '130000000000001143'

describe('checkout flows over loopback', () => {
  for (const payType of ['800151', '800201']) {
    it(`takes a ${payType} pre-order from pending to paid through the notify, with one onPaid`, async (t) => {
      const b = await bed(t)
      const created = await b.create(`A-${payType}`, payType)
      assert.equal(created.status, 201)
      assert.equal(created.body.status, 'pending')
      assert.match(created.body.payUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/sandbox\/pay\//)
      const record = await b.get(created.body.id)
      assert.match(record.outTradeNo, /^[A-Za-z0-9_]{1,32}$/)
      await b.pay(created.body.id)
      const after = await b.get(created.body.id)
      assert.equal(after.status, 'paid')
      assert.equal(after.latePayment, false)
      await b.settleHooks()
      assert.deepEqual(
        b.hooks.filter((h) => h.topic === 'onPaid').map((h) => h.checkout.id),
        [created.body.id]
      )
      assert.equal(b.sandbox.notifies()[0]?.state, 'delivered')
    })
  }

  for (const payType of ['800108', '800208']) {
    it(`charges a ${payType} swipe-card code on the cashier mount: paid at once`, async (t) => {
      const b = await bed(t)
      const created = await b.create(`S-${payType}`, payType, PAYS)
      assert.equal(created.status, 201)
      assert.equal(created.body.status, 'paid')
      assert.equal(created.body.flow, 'code')
      await b.settleHooks()
      assert.equal(b.hooks.filter((h) => h.topic === 'onPaid').length, 1)
    })

    it(`answers a declined ${payType} code with the failed checkout (201, failure set)`, async (t) => {
      const b = await bed(t)
      const created = await b.create(`D-${payType}`, payType, DECLINES)
      assert.equal(created.status, 201)
      assert.equal(created.body.status, 'failed')
      assert.equal(created.body.failure?.respcd, '1201')
    })
  }

  it('queries a pending swipe-card payment (1143) until it is paid', async (t) => {
    const b = await bed(t)
    const created = await b.create('P-1', '800208', PENDS)
    assert.equal(created.body.status, 'pending')
    for (let i = 0; i < 6 && (await b.get(created.body.id)).status === 'pending'; i++) {
      await b.clock.advance(5_000)
      await b.checkout.merchant.reconcile()
    }
    assert.equal((await b.get(created.body.id)).status, 'paid')
  })

  it('reverses a swipe-card payment still pending after about two minutes', async (t) => {
    const b = await bed(t, { knobs: { pendingQueries: 1000 } })
    const created = await b.create('P-2', '800108', PENDS)
    await b.clock.advance(121_000)
    await b.checkout.merchant.reconcile()
    const after = await b.get(created.body.id)
    assert.equal(after.status, 'expired')
    assert.equal(b.sandbox.order(after.syssn as string)?.state, 'closed')
  })

  it('marks a pre-order failed when the shopper declines (found by the reconciler)', async (t) => {
    const b = await bed(t)
    const created = await b.create('D-1', '800201')
    b.sandbox.decline((await b.get(created.body.id)).syssn as string)
    await b.clock.advance(5_000)
    await b.checkout.merchant.reconcile()
    const after = await b.get(created.body.id)
    assert.equal(after.status, 'failed')
    assert.equal(after.failure?.respcd, '1201')
  })

  it('expires a pre-order after expiresAt: closes it upstream, then expired', async (t) => {
    const b = await bed(t)
    const created = await b.create('E-1', '800151')
    await b.clock.advance(14 * 60_000)
    await b.checkout.merchant.reconcile()
    assert.equal((await b.get(created.body.id)).status, 'pending')
    await b.clock.advance(61_000)
    const report = await b.checkout.merchant.reconcile()
    assert.equal(report.expired, 1)
    const after = await b.get(created.body.id)
    assert.equal(after.status, 'expired')
    assert.notEqual(b.sandbox.order(after.syssn as string)?.state, 'created')
  })

  it('expires a pre-order the gateway never closed, on its own clock: /close, then expired', async (t) => {
    const b = await bed(t, { knobs: { neverExpire: true } })
    const created = await b.create('E-2', '800201')
    const syssn = (await b.get(created.body.id)).syssn as string
    await b.clock.advance(15 * 60_000 + 1_000)
    // The gateway still calls the order open: only the checkout's own expiry can end it.
    assert.equal(b.sandbox.order(syssn)?.state, 'created')
    const report = await b.checkout.merchant.reconcile()
    assert.deepEqual(report, { checked: 1, changed: 1, expired: 1 })
    const after = await b.get(created.body.id)
    assert.deepEqual([after.status, after.upstreamClosed], ['expired', true])
    assert.equal(b.sandbox.order(syssn)?.state, 'closed')
  })

  it('cancels a pending checkout (close upstream), and a late payment still wins, flagged', async (t) => {
    const b = await bed(t)
    const created = await b.create('C-1', '800201')
    const res = await b.cancel(created.body.id, '/qfpay')
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as { status: string }).status, 'cancelled')
    const syssn = (await b.get(created.body.id)).syssn as string
    assert.equal(b.sandbox.order(syssn)?.state, 'closed')
    b.sandbox.latePay(syssn)
    await b.sandbox.drain()
    const after = await b.get(created.body.id)
    assert.equal(after.status, 'paid')
    assert.equal(after.latePayment, true)
    await b.settleHooks()
    assert.equal(b.hooks.filter((h) => h.topic === 'onPaid').length, 1)
  })

  it('cancels a pending swipe-card payment with a reversal', async (t) => {
    const b = await bed(t, { knobs: { pendingQueries: 1000 } })
    const created = await b.create('C-2', '800208', PENDS)
    const res = await b.cancel(created.body.id, '/qfpay-pos')
    assert.equal(res.status, 200)
    assert.equal((await b.get(created.body.id)).status, 'cancelled')
  })

  it('answers 409 already_paid to a cancel of a paid checkout, and to a new checkout of a paid order', async (t) => {
    const b = await bed(t)
    const created = await b.create('C-3', '800201')
    await b.pay(created.body.id)
    const res = await b.cancel(created.body.id, '/qfpay')
    assert.equal(res.status, 409)
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'already_paid')
    const again = await b.create('C-3', '800151')
    assert.equal(again.status, 409)
    assert.equal(again.body.error?.code, 'already_paid')
  })

  it('finds a payment that landed just before a cancel: 409, paid, never cancelled', async (t) => {
    const b = await bed(t, { knobs: { notifyDropRate: 1 } })
    const created = await b.create('C-4', '800201')
    b.sandbox.pay((await b.get(created.body.id)).syssn as string)
    const res = await b.cancel(created.body.id, '/qfpay')
    assert.equal(res.status, 409)
    assert.equal((await b.get(created.body.id)).status, 'paid')
  })

  it('returns the same pending checkout for the same order and pay type, and closes the other pay type', async (t) => {
    const b = await bed(t)
    const first = await b.create('O-1', '800201')
    const same = await b.create('O-1', '800201')
    assert.equal(same.status, 200)
    assert.equal(same.body.id, first.body.id)
    assert.equal(b.sandbox.orders().length, 1)
    const other = await b.create('O-1', '800151')
    assert.equal(other.status, 201)
    assert.equal((await b.get(first.body.id)).status, 'cancelled')
    assert.equal(b.sandbox.orders().filter((o) => o.state === 'created').length, 1)
  })

  it('refunds partially then fully, following refund notifies', async (t) => {
    const b = await bed(t, { amounts: { 'R-1': 100 } })
    const created = await b.create('R-1', '800151')
    await b.pay(created.body.id)
    const part = await b.checkout.merchant.refunds.create(created.body.id, { amount: 30 })
    assert.equal(part.refund.status, 'succeeded')
    assert.equal(part.checkout.status, 'partially_refunded')
    assert.equal(part.checkout.refundedAmount, 30)
    const rest = await b.checkout.merchant.refunds.create(created.body.id)
    assert.equal(rest.refund.amount, 70)
    assert.equal(rest.checkout.status, 'refunded')
    await b.sandbox.drain()
    assert.deepEqual(
      b.sandbox.notifies().map((n) => `${n.notifyType}:${n.state}`),
      ['payment:delivered', 'refund:delivered', 'refund:delivered']
    )
    assert.equal((await b.get(created.body.id)).refundedAmount, 100)
    await assert.rejects(b.checkout.merchant.refunds.create(created.body.id, { amount: 1 }), {
      code: 'conflict',
    })
  })

  it('lets exactly one of two concurrent refunds of 60 on 100 succeed', async (t) => {
    const b = await bed(t, { amounts: { 'R-2': 100 } })
    const created = await b.create('R-2', '800201')
    await b.pay(created.body.id)
    const results = await Promise.allSettled([
      b.checkout.merchant.refunds.create(created.body.id, { amount: 60 }),
      b.pos.merchant.refunds.create(created.body.id, { amount: 60 }),
    ])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    assert.equal(results.filter((r) => r.status === 'rejected').length, 1)
    assert.equal((await b.get(created.body.id)).refundedAmount, 60)
  })

  it('keeps a refund whose answer was lost as unknown, then settles it by the refund notify or by query', async (t) => {
    let dropRefunds = 2
    const b = await bed(t, {
      amounts: { 'R-3': 100 },
      checkout: {
        gateway: {
          fetch: async (input, init) => {
            const response = await fetch(input, init)
            if (dropRefunds > 0 && String(input).endsWith('/trade/v1/refund')) {
              dropRefunds--
              throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })
            }
            return response
          },
        },
      },
    })
    const created = await b.create('R-3', '800201')
    await b.pay(created.body.id)
    const first = await b.checkout.merchant.refunds.create(created.body.id, { amount: 30 })
    assert.equal(first.refund.status, 'unknown')
    assert.equal(first.checkout.status, 'paid')
    await b.sandbox.drain() // the gateway's refund notify settles it
    assert.equal((await b.store.getRefund(first.refund.id))?.status, 'succeeded')
    assert.equal((await b.get(created.body.id)).refundedAmount, 30)

    b.sandbox.setKnobs({ notifyDropRate: 1 })
    const second = await b.checkout.merchant.refunds.create(created.body.id, { amount: 20 })
    assert.equal(second.refund.status, 'unknown')
    await b.checkout.merchant.reconcile() // no notify: the sweep queries it
    assert.equal((await b.store.getRefund(second.refund.id))?.status, 'succeeded')
    const after = await b.get(created.body.id)
    assert.equal(after.refundedAmount, 50)
    assert.equal(after.status, 'partially_refunded')
  })

  it('redirects /return (303) to the configured page with ?checkout=<id>, after a query', async (t) => {
    const b = await bed(t, { knobs: { notifyDropRate: 1 } })
    const created = await b.create('RET-1', '800151')
    const record = await b.get(created.body.id)
    b.sandbox.pay(record.syssn as string)
    const res = await fetch(
      `${b.appUrl}/qfpay/return?out_trade_no=${record.outTradeNo}&syssn=${record.syssn}&respcd=1201`,
      { redirect: 'manual' }
    )
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), `${b.appUrl}/shop/thanks?checkout=${created.body.id}`)
    assert.equal((await b.get(created.body.id)).status, 'paid')
    const unknown = await fetch(
      `${b.appUrl}/qfpay/return?out_trade_no=nope&next=https://evil.example`,
      { redirect: 'manual' }
    )
    // Never a 404 (it may be a shopper who paid), never the request's target, no checkout id.
    assert.equal(unknown.status, 303)
    assert.equal(unknown.headers.get('location'), `${b.appUrl}/shop/thanks`)
  })

  it('keeps a checkout pending when the payment answer is lost, and a retry opens no second live order', async (t) => {
    let dropNext = true
    const b = await bed(t, {
      checkout: {
        gateway: {
          fetch: async (input, init) => {
            const response = await fetch(input, init)
            if (dropNext && String(input).endsWith('/trade/v1/payment')) {
              dropNext = false
              throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })
            }
            return response
          },
        },
      },
    })
    const lost = await b.create('L-1', '800201')
    assert.equal(lost.status, 504)
    assert.equal(lost.body.error?.code, 'gateway_timeout')
    const retry = await b.create('L-1', '800201')
    assert.equal(retry.status, 201)
    assert.ok(retry.body.payUrl)
    // The order whose pay URL was lost is closed before a new one goes out: one payable order.
    assert.equal(b.sandbox.orders().filter((o) => o.state === 'created').length, 1)
  })

  it('re-sends the same out_trade_no when the first payment never reached the gateway', async (t) => {
    let refuseNext = true
    const b = await bed(t, {
      checkout: {
        gateway: {
          fetch: async (input, init) => {
            if (refuseNext && String(input).endsWith('/trade/v1/payment')) {
              refuseNext = false
              throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })
            }
            return fetch(input, init)
          },
        },
      },
    })
    const lost = await b.create('L-2', '800151')
    assert.equal(lost.status, 504)
    const retry = await b.create('L-2', '800151')
    assert.equal(retry.status, 200)
    assert.ok(retry.body.payUrl)
    assert.equal(b.sandbox.orders().length, 1)
    assert.equal(b.sandbox.orders()[0]?.out_trade_no, (await b.get(retry.body.id)).outTradeNo)
  })
})
