/**
 * Adversarial: validly signed notifies (the attacker, or a confused gateway, holds the key)
 * with the wrong amount, currency, `out_trade_no`, or for an unknown order. Pass: 0 paid
 * transitions; every one recorded with a reason.
 *
 * The target checkout IS paid at the sandbox (its genuine notify held back), so if a mismatch
 * slipped through to the `/query` confirmation it would be confirmed and move to paid: the
 * field checks themselves are under test. checkout-notify.test.ts has one case of each kind;
 * here they are generated, plus a notify carrying another checkout's `out_trade_no`, non-success
 * codes, and refund notifies that do not match their refund.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../support/replay.ts'
import { signNotifyForTest } from '../../src/testing/index.ts'
import { newOutTradeNo } from '../../src/qfpay/out-trade-no.ts'
import type { NotifyInput } from '../../src/store/store.ts'
import { bed, paidHooks, paymentNotifyFields, postNotify, TEST_KEY } from './helpers.ts'
import { listRejectedNotifies } from '../support/store-queries.ts'

it(
  'moves nothing to paid for a signed notify with a wrong amount, currency, out_trade_no or order',
  { timeout: 60_000 },
  async (t) => {
    const b = await bed(t, { knobs: { notifyReorder: true } })
    const recorded: NotifyInput[] = []
    const recordNotify = b.store.recordNotify.bind(b.store)
    b.store.recordNotify = (input) => (recorded.push(input), recordNotify(input))

    // The target: paid upstream, genuine notify held.
    const target = await b.get((await b.create('M-1', '800201')).body.id)
    b.sandbox.pay(target.syssn as string)
    // Another pending checkout (with a syssn), and one the gateway never heard of (no syssn).
    const other = await b.get((await b.create('M-2', '800151')).body.id)
    const unsent = (
      await b.store.create({
        order: 'M-3',
        payType: '800201',
        flow: 'qr',
        amount: 1000,
        currency: 'CNY',
        outTradeNo: newOutTradeNo('payment'),
        expiresAt: target.expiresAt,
      })
    ).checkout
    const genuine = paymentNotifyFields(target)
    const watched = [target, other, unsent]

    const wrongAmount = fc.oneof(
      fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).filter((n) => n !== target.amount),
      fc.constantFrom(
        '1000.0',
        '1e3',
        '',
        '-1000',
        '1000 CNY',
        '１０００',
        '0x3e8',
        'NaN',
        '9007199254740993000'
      )
    )
    const wrongCurrency = fc
      .stringMatching(/^[A-Za-z]{1,4}$/)
      .filter((c) => c.toUpperCase() !== target.currency)
    const mutation = fc.oneof(
      wrongAmount.map((txamt) => ({ fields: { ...genuine, txamt }, reasons: ['amount_mismatch'] })),
      wrongCurrency.map((txcurrcd) => ({
        fields: { ...genuine, txcurrcd },
        reasons: ['currency_mismatch'],
      })),
      fc.constantFrom(other.outTradeNo).map((out_trade_no) => ({
        fields: { ...genuine, out_trade_no },
        reasons: ['syssn_mismatch'],
      })),
      // The gateway never saw `unsent`: only /query can say no, and it does (not acknowledged).
      fc.constantFrom(unsent.outTradeNo).map((out_trade_no) => ({
        fields: { ...genuine, out_trade_no },
        reasons: ['not_confirmed_by_query'],
      })),
      fc
        .stringMatching(/^[A-Za-z0-9]{1,32}$/)
        .filter((n) => !watched.some((w) => w.outTradeNo === n))
        .map((out_trade_no) => ({
          fields: { ...genuine, out_trade_no },
          reasons: ['unknown_order'],
        })),
      fc
        .stringMatching(/^\d{1,26}$/)
        .filter((s) => s !== target.syssn)
        .map((syssn) => ({ fields: { ...genuine, syssn }, reasons: ['syssn_mismatch'] })),
      fc
        .constantFrom('1143', '1201', '1142', '2005', '0001', '')
        .map((respcd) => ({ fields: { ...genuine, respcd }, reasons: ['not_a_success'] })),
      fc
        .constantFrom('out_trade_no', 'syssn')
        .map((drop) => ({ fields: { ...genuine, [drop]: undefined }, reasons: ['missing_fields'] }))
    )
    let cases = 0
    await assertProperty(
      fc.asyncProperty(mutation, async ({ fields, reasons }) => {
        cases++
        const before = recorded.length
        const signed = signNotifyForTest(fields, TEST_KEY)
        const answer = await postNotify(b, signed.body, signed.headers)
        for (const w of watched) {
          const now = await b.get(w.id)
          assert.equal(now.status, 'pending', `${JSON.stringify(fields)} moved ${w.id}`)
          assert.equal(now.version, w.version)
        }
        assert.equal(recorded.length, before + 1, 'recorded once')
        const record = recorded.at(-1)!
        assert.equal(record.accepted, false)
        assert.ok(
          reasons.includes(record.reason ?? ''),
          `reason ${record.reason}, expected ${reasons}`
        )
        // Acknowledged (QFPay would retry a mismatch for 15 hours), except what only /query refuted.
        assert.deepEqual(
          answer,
          record.reason === 'not_confirmed_by_query'
            ? { status: 503, text: 'RETRY' }
            : { status: 200, text: 'SUCCESS' }
        )
      }),
      { numRuns: 300 }
    )
    assert.equal(recorded.filter((r) => r.accepted).length, 0)
    await b.settleHooks()
    for (const w of watched) assert.deepEqual(paidHooks(b, w.id), { onPaid: 0, toPaid: 0 })
    t.diagnostic(`${cases} signed mismatching notifies, 0 paid transitions`)

    // Control: the genuine notify still moves the target (so the refusals were the checks' doing).
    const signed = signNotifyForTest(genuine, TEST_KEY)
    assert.deepEqual(await postNotify(b, signed.body, signed.headers), {
      status: 200,
      text: 'SUCCESS',
    })
    assert.equal((await b.get(target.id)).status, 'paid')
  }
)

it('books no refund for a signed refund notify with a wrong amount, payment or refund number', async (t) => {
  const b = await bed(t, {
    amounts: { 'M-R': 100 },
    knobs: { notifyDropRate: 1 },
    checkout: {
      // The refund reaches the gateway and is done there; its answer is lost on the way back.
      gatewayFetch: async (input, init) => {
        const response = await fetch(input, init)
        if (String(input).endsWith('/trade/v1/refund'))
          throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })
        return response
      },
    },
  })
  const { body } = await b.create('M-R', '800201')
  await b.pay(body.id)
  await b.clock.advance(5_000)
  await b.checkout.merchant.reconcile()
  const paid = await b.get(body.id)
  assert.equal(paid.status, 'paid')
  // A refund whose answer is lost stays unknown, so a notify could be the thing that settles it.
  const { refund } = await b.checkout.merchant.refund(body.id, { amount: 30 })
  assert.equal(refund.status, 'unknown')
  const base = {
    notify_type: 'refund',
    respcd: '0000',
    syssn: '99' + String(paid.syssn).slice(2),
    orig_syssn: paid.syssn,
    out_trade_no: refund.outTradeNo,
    txamt: 30,
    txcurrcd: 'CNY',
  }
  const reasons: string[] = []
  for (const fields of [
    { ...base, txamt: 60 },
    { ...base, out_trade_no: newOutTradeNo('refund') },
    { ...base, orig_syssn: '11112222333344445555666677' },
    { ...base, respcd: '1201' },
  ]) {
    const before = (await b.checkout.merchant.refunds(body.id)).map((r) => `${r.id}:${r.status}`)
    const signed = signNotifyForTest(fields, TEST_KEY)
    const answer = await postNotify(b, signed.body, signed.headers)
    assert.deepEqual(answer, { status: 200, text: 'SUCCESS' })
    assert.deepEqual(
      (await b.checkout.merchant.refunds(body.id)).map((r) => `${r.id}:${r.status}`),
      before
    )
    reasons.push((await listRejectedNotifies(b.store, { limit: 1 }))[0]?.reason ?? '')
  }
  assert.deepEqual(reasons, [
    'amount_mismatch',
    'unknown_refund',
    'syssn_mismatch',
    'not_a_success',
  ])
  assert.equal((await b.get(body.id)).refundedAmount, 0)
  // Control: the matching refund notify settles it.
  const signed = signNotifyForTest(base, TEST_KEY)
  assert.deepEqual(await postNotify(b, signed.body, signed.headers), {
    status: 200,
    text: 'SUCCESS',
  })
  assert.equal((await b.checkout.merchant.refunds(body.id))[0]?.status, 'succeeded')
  assert.equal((await b.get(body.id)).refundedAmount, 30)
})
