/**
 * Adversarial: the notify never arrives (`notifyDropRate: 1`). Pass: the reconciler reaches
 * paid, or expired after expiry + grace.
 *
 * A property over when the shopper pays (never, or any moment up to the last second before
 * expiry), the reconciler's grace, and how far the clock jumps between passes: after every pass
 * the checkout is never expired before its `expiresAt` and never expired while the gateway
 * says paid; at the end it is paid when the shopper paid, otherwise expired with no order left
 * open upstream. checkout-notify.test.ts has the single happy case (paid found by a pass).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../support/replay.ts'
import { bed, paidHooks } from './helpers.ts'

const EXPIRES_IN_S = 900

for (const graceMs of [0, 90_000]) {
  it(
    `reaches paid, or expired after expiry + grace (${graceMs} ms), when no notify ever arrives`,
    { timeout: 60_000 },
    async (t) => {
      const b = await bed(t, {
        knobs: { notifyDropRate: 1 },
        checkout: {
          expiresInSeconds: EXPIRES_IN_S,
          reconciler: { enabled: false, graceMs },
        },
      })
      let run = 0
      await assertProperty(
        fc.asyncProperty(
          fc.option(fc.integer({ min: 0, max: EXPIRES_IN_S * 1000 - 1_000 }), { nil: undefined }),
          fc.integer({ min: 10_000, max: 75_000 }),
          fc.constantFrom('800151', '800201'),
          async (payAfterMs, stepMs, payType) => {
            const { body } = await b.create(`LOST-${graceMs}-${++run}`, payType)
            const record = await b.get(body.id)
            const createdAt = b.clock.now()
            const expiresAt = Date.parse(record.expiresAt)
            const end = expiresAt + graceMs + 2 * 75_000
            let paidUpstream = false
            while (b.clock.now() < end) {
              await b.clock.advance(stepMs)
              if (
                payAfterMs !== undefined &&
                !paidUpstream &&
                b.clock.now() - createdAt >= payAfterMs &&
                b.clock.now() < expiresAt
              ) {
                // The sandbox's own expiry timer has not fired yet: the shopper can still pay.
                if (b.sandbox.order(record.syssn as string)?.state === 'created') {
                  b.sandbox.pay(record.syssn as string)
                  paidUpstream = true
                }
              }
              await b.checkout.merchant.reconcile()
              const now = await b.get(body.id)
              if (now.status === 'expired') {
                assert.ok(b.clock.now() >= expiresAt, 'expired before its expiresAt')
                assert.ok(!paidUpstream, 'expired although the gateway says paid')
              }
            }
            const after = await b.get(body.id)
            assert.equal(
              b.sandbox.notifies().find((n) => n.syssn === record.syssn)?.state ?? 'none',
              paidUpstream ? 'dropped' : 'none'
            )
            if (paidUpstream) {
              assert.equal(after.status, 'paid')
              await b.settleHooks()
              assert.deepEqual(paidHooks(b, body.id), { onPaid: 1, toPaid: 1 })
            } else {
              assert.equal(after.status, 'expired')
              assert.notEqual(
                b.sandbox.order(record.syssn as string)?.state,
                'created',
                'an order was left payable upstream'
              )
            }
          }
        ),
        { numRuns: 12 }
      )
    }
  )
}

it('keeps querying a checkout whose gateway answers fail, and still ends it (paid) once the gateway recovers', async (t) => {
  let failing = true
  const b = await bed(t, {
    knobs: { notifyDropRate: 1 },
    checkout: {
      gateway: {
        fetch: async (input, init) => {
          if (failing && String(input).endsWith('/query'))
            return new Response('<html>502</html>', { status: 502 })
          return fetch(input, init)
        },
      },
    },
  })
  const { body } = await b.create('LOST-F', '800201')
  await b.pay(body.id)
  for (let i = 0; i < 5; i++) {
    await b.clock.advance(15_000)
    await b.checkout.merchant.reconcile()
  }
  assert.equal((await b.get(body.id)).status, 'pending')
  failing = false
  // Faults back off exponentially, to two minutes at most: within that the recovery is seen.
  await b.clock.advance(2 * 60_000)
  await b.checkout.merchant.reconcile()
  assert.equal((await b.get(body.id)).status, 'paid')
})
