/**
 * Adversarial: a close racing a payment; a payment after expiry. Pass: never cancelled (or
 * expired) while the gateway says paid; a late payment ends paid and flagged.
 *
 * fast-check's scheduler orders the gateway answers of the cancel (or of the reconciler's
 * expiry: final `/query`, then `/close`), the shopper pressing Pay at the sandbox, and the
 * delivery of the held notify. Whatever the order, when the gateway ends paid the checkout ends
 * paid, and when the gateway closed the order first, the checkout is cancelled/expired and a
 * later wallet success (`late-pay`) moves it to paid with `latePayment` set and one onPaid.
 * checkout-flows.test.ts has the two fixed sequences (pay-then-cancel, cancel-then-late-pay).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../support/replay.ts'
import { bed, paidHooks, until } from './helpers.ts'

const RUNS = Number(process.env['RACE_RUNS'] ?? 60)

for (const ender of ['cancel', 'expiry'] as const) {
  it(
    `never ${ender === 'cancel' ? 'cancels' : 'expires'} a checkout the gateway says is paid, in any interleaving; a late payment ends paid and flagged`,
    { timeout: 120_000 },
    async (t) => {
      let scheduler: fc.Scheduler | undefined
      // Both the sending of each gateway call and the delivery of its answer are scheduled; the
      // shopper's Pay never lands while a call is on the wire (the sandbox acts on a call as one
      // step), so "pay, then close" and "close, then pay" are both reachable.
      let onTheWire = 0
      let gatewayEvents = 0
      const b = await bed(t, {
        knobs: { notifyReorder: true },
        checkout: {
          gateway: {
            fetch: async (input, init) => {
              const s = scheduler
              if (!s) return fetch(input, init)
              const endpoint = String(input).replace(/^.*\/trade\/v1\//, '')
              await s.schedule(Promise.resolve(), `send ${endpoint}`)
              onTheWire++
              gatewayEvents++
              const response = await fetch(input, init).finally(() => onTheWire--)
              return s
                .schedule(Promise.resolve(response), `answer ${endpoint}`)
                .finally(() => gatewayEvents++)
            },
          },
        },
      })
      let run = 0
      const outcomes = new Map<string, number>()
      await assertProperty(
        // `payAfter`: how many gateway events (a call sent, an answer delivered) of the cancel or
        // expiry go by before the shopper presses Pay. Real I/O between the scheduler's steps
        // would otherwise always let the Pay in first.
        fc.asyncProperty(
          fc.scheduler(),
          fc.nat({ max: 5 }),
          fc.boolean(),
          fc.constantFrom('800151', '800201'),
          async (s, payAfter, deliverNotify, payType) => {
            const { body } = await b.create(`C-${ender}-${++run}`, payType)
            const record = await b.get(body.id)
            const syssn = record.syssn as string
            if (ender === 'expiry') await b.clock.advanceTo(Date.parse(record.expiresAt) - 1) // due, but the sandbox has not expired it yet
            scheduler = s
            let payRefused = false
            let enderDone = false
            gatewayEvents = 0
            try {
              const start = <T>(label: string, act: () => Promise<T> | T) =>
                s.schedule(Promise.resolve(), label).then(act)
              const work: Promise<unknown>[] = [
                until(
                  () => (gatewayEvents >= payAfter || enderDone) && onTheWire === 0,
                  10_000
                ).then(() => {
                  try {
                    b.sandbox.pay(syssn)
                  } catch {
                    payRefused = true // the order was closed first: the wallet refuses
                  }
                }),
                (ender === 'cancel'
                  ? start('cancel', () =>
                      b
                        .cancel(body.id)
                        .then(async (r) => ({ status: r.status, body: await r.text() }))
                    )
                  : start(
                      'expiry pass',
                      async () => (await b.clock.advance(2), b.checkout.merchant.reconcile())
                    )
                ).finally(() => (enderDone = true)),
              ]
              if (deliverNotify) work.push(start('notify', () => b.sandbox.drain()))
              await s.waitFor(Promise.all(work))
            } finally {
              scheduler = undefined
            }
            const upstream = b.sandbox.order(syssn)?.state
            const now = await b.get(body.id)
            outcomes.set(
              `${upstream}/${now.status}`,
              (outcomes.get(`${upstream}/${now.status}`) ?? 0) + 1
            )
            if (upstream === 'paid') {
              assert.ok(!payRefused)
              assert.equal(
                now.status,
                'paid',
                `gateway paid, checkout ${now.status}\n${s
                  .report()
                  .map((r) => r.label)
                  .join(' → ')}`
              )
              assert.equal(now.latePayment, false)
            } else {
              assert.ok(payRefused, `gateway ${upstream} yet the shopper's pay went through`)
              assert.equal(now.status, ender === 'cancel' ? 'cancelled' : 'expired')
              // The wallet's success arrives after all (a late payment): paid, flagged.
              b.sandbox.latePay(syssn)
              await b.sandbox.drain()
              const late = await b.get(body.id)
              assert.equal(late.status, 'paid')
              assert.equal(late.latePayment, true)
            }
            await b.sandbox.drain()
            await b.settleHooks()
            assert.deepEqual(paidHooks(b, body.id), { onPaid: 1, toPaid: 1 })
          }
        ),
        { numRuns: RUNS }
      )
      // Which orders the scheduler happened to explore is reported, not asserted: both are
      // forced, every time, by the test below.
      t.diagnostic(`gateway/checkout outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`)
    }
  )

  for (const first of ['pay', 'close'] as const) {
    it(`${ender}, forced order: the shopper's Pay lands ${first === 'pay' ? 'before' : 'after'} the close`, async (t) => {
      // The gateway never expires the order itself: whatever closes it is the checkout's doing.
      const b = await bed(t, { knobs: { notifyReorder: true, neverExpire: true } })
      const { body } = await b.create(`C-${ender}-${first}`, '800201')
      const record = await b.get(body.id)
      const syssn = record.syssn as string
      if (first === 'pay') b.sandbox.pay(syssn) // paid upstream; its notify is held back
      if (ender === 'cancel') await b.cancel(body.id)
      else {
        await b.clock.advanceTo(Date.parse(record.expiresAt) + 1)
        await b.checkout.merchant.reconcile()
      }
      if (first === 'pay') {
        assert.equal(b.sandbox.order(syssn)?.state, 'paid')
        assert.equal((await b.get(body.id)).status, 'paid', 'a paid order was ended')
      } else {
        assert.equal(b.sandbox.order(syssn)?.state, 'closed')
        assert.equal((await b.get(body.id)).status, ender === 'cancel' ? 'cancelled' : 'expired')
        assert.throws(() => b.sandbox.pay(syssn), 'the wallet must refuse a closed order')
        b.sandbox.latePay(syssn) // the wallet's success arrives after all
      }
      await b.sandbox.drain()
      const after = await b.get(body.id)
      assert.deepEqual([after.status, after.latePayment], ['paid', first === 'close'])
      await b.settleHooks()
      assert.deepEqual(paidHooks(b, body.id), { onPaid: 1, toPaid: 1 })
    })
  }
}
