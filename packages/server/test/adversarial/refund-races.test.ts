/**
 * Adversarial: two concurrent refunds of 60 on a payment of 100, 200 runs; a refund retried
 * after a timeout. Pass: refunded total <= paid in every run; no double refund.
 *
 * The two refunds come from two app instances on two connections to one SQLite file (two
 * servers of one shop), so neither instance's in-process lock helps: the store's atomic
 * reservation must. fast-check's scheduler orders the gateway answers; amounts are 60 + 60 in
 * most runs and arbitrary in the rest. After each run the store, the checkout and the sandbox
 * (the gateway's own ledger) must agree, and the gateway must hold one refund per refund row.
 * checkout-flows.test.ts has one run of 60 + 60 on one memory store.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AsyncLocalStorage } from 'node:async_hooks'
import { it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../support/replay.ts'
import { createSqliteStore } from '../../src/store/sqlite.ts'
import { bed, bedBehindProxy, startSecondInstance } from './helpers.ts'

const RUNS = Number(process.env['REFUND_RUNS'] ?? 200)

it(
  `keeps the refunded total within the paid amount over ${RUNS} runs of two concurrent refunds from two instances`,
  { timeout: 120_000 },
  async (t) => {
    // tmpfs when there is one: the property is about atomicity, not fsync speed.
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'qfpay-row8-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    let clock = () => new Date()
    const storeA = createSqliteStore({ filename: join(dir, 'checkout.db'), clock: () => clock() })
    const storeB = createSqliteStore({ filename: join(dir, 'checkout.db'), clock: () => clock() })
    t.after(async () => {
      await storeA.close()
      await storeB.close()
    })
    // Only the refunds' own gateway calls are scheduled (by async context): the sandbox's refund
    // notifies reach the app in real time, racing the refunds, and are never left orphaned.
    const race = new AsyncLocalStorage<fc.Scheduler>()
    const gatewayFetch: typeof fetch = (input, init) => {
      const answer = fetch(input, init)
      const scheduler = race.getStore()
      return scheduler
        ? scheduler.schedule(answer, String(input).replace(/^.*\/trade\/v1\//, ''))
        : answer
    }
    const b = await bed(t, {
      store: storeA,
      amounts: {},
      knobs: { notifyReorder: true },
      // 200 runs on a clock that stands still: far more calls than QFPay's 400 a minute, and the
      // budget is not what this test is about (gateway-budget.test.ts is).
      checkout: {
        gateway: { fetch: gatewayFetch, requestsPerMinute: false },
      },
    })
    clock = () => new Date(b.clock.now())
    const second = await startSecondInstance(t, b, storeB, {
      gateway: { fetch: gatewayFetch, requestsPerMinute: false },
    })
    let run = 0
    const tally = { both: 0, one: 0 }
    await assertProperty(
      fc.asyncProperty(
        fc.scheduler(),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant([60, 60] as const) },
          {
            weight: 1,
            arbitrary: fc.tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 })),
          }
        ),
        async (s, [x, y]) => {
          const order = `R-${++run}`
          // A swipe-card payment on the cashier mount is paid in one gateway call, which keeps 200
          // runs fast; refunds are the same /refund whatever the pay type.
          const { body } = await b.create(
            order,
            run % 2 ? '800108' : '800208',
            '130000000000000000'
          )
          const paid = await b.get(body.id)
          assert.equal(paid.status, 'paid')
          const scale = paid.amount / 100 // the bed's orders are 1000: amounts are per hundred
          const results = await s.waitFor(
            Promise.allSettled([
              race.run(s, () => b.checkout.merchant.refunds.create(body.id, { amount: x * scale })),
              race.run(s, () => second.app.merchant.refunds.create(body.id, { amount: y * scale })),
            ])
          )
          await b.sandbox.drain() // the refund notifies, early or late, must not add anything
          const refunds = await storeA.listRefunds(body.id)
          const succeeded = refunds.filter((r) => r.status === 'succeeded')
          const total = succeeded.reduce((sum, r) => sum + r.amount, 0)
          const upstream = b.sandbox.order(paid.syssn as string)!
          const after = await b.get(body.id)
          assert.ok(total <= paid.amount, `refunded ${total} of ${paid.amount}`)
          assert.equal(after.refundedAmount, total)
          assert.equal(upstream.refundedAmount, total, 'the gateway refunded what the store says')
          assert.equal(
            upstream.refunds.length,
            succeeded.length,
            'one gateway refund per successful refund row'
          )
          assert.deepEqual(
            upstream.refunds.map((r) => r.out_trade_no).sort(),
            succeeded.map((r) => r.outTradeNo).sort()
          )
          assert.ok(
            refunds.every((r) => r.status === 'succeeded' || r.status === 'failed'),
            'nothing left unknown on a healthy gateway'
          )
          const fulfilled = results.filter((r) => r.status === 'fulfilled').length
          if (x + y <= 100) {
            assert.equal(succeeded.length, 2)
            tally.both++
          } else {
            assert.equal(succeeded.length, 1, `${x} + ${y}: ${succeeded.length} succeeded`)
            assert.equal(fulfilled, 1)
            const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
            assert.equal((refused.reason as { code?: string }).code, 'conflict')
            tally.one++
          }
          assert.equal(after.status, total === paid.amount ? 'refunded' : 'partially_refunded')
        }
      ),
      { numRuns: RUNS }
    )
    t.diagnostic(`runs: ${JSON.stringify(tally)}`)
  }
)

it(
  'refunds once when a refund is retried after a timeout, whether the gateway acted before or after the retry',
  { timeout: 30_000 },
  async (t) => {
    // Refund notifies are lost too, so only the retry's /query can settle the first refund.
    const { b, proxy } = await bedBehindProxy(t, {
      checkout: {
        gateway: { timeoutMs: 600 },
      },
    })
    proxy.lateMs = 2_000 // after the first call gave up (600 ms) and after the retry settled
    for (const fault of ['hang_after', 'reset_after', 'late'] as const) {
      const { body } = await b.create(`RT-${fault}`, '800201')
      await b.pay(body.id)
      const paid = await b.get(body.id)
      b.sandbox.setOrderKnobs(paid.outTradeNo, { notifyDropRate: 1 })
      proxy.decide = (endpoint) => (endpoint === 'refund' ? fault : 'pass')
      const first = await b.checkout.merchant.refunds.create(body.id, { amount: 600 })
      assert.equal(
        first.refund.status,
        'unknown',
        `${fault}: the outcome of a lost answer is unknown`
      )
      proxy.decide = () => 'pass'
      // The merchant's code retries the same refund at once (the gateway may not have acted yet).
      const retry = await b.checkout.merchant.refunds.create(body.id, { amount: 600 })
      assert.equal(retry.refund.id, first.refund.id, `${fault}: the retry answers the first refund`)
      assert.equal(retry.refund.status, 'succeeded')
      // The held original reaches the gateway after the retry ('late'): a reused number, refused.
      await new Promise((resolve) => setTimeout(resolve, fault === 'late' ? 2_300 : 0))
      await b.checkout.merchant.reconcile()
      const upstream = b.sandbox.order(paid.syssn as string)!
      assert.equal(
        upstream.refunds.length,
        1,
        `${fault}: ${upstream.refunds.length} refunds at the gateway`
      )
      assert.equal(upstream.refundedAmount, 600)
      assert.equal((await b.get(body.id)).refundedAmount, 600)
      // A third call is a new refund of what is left, not a repeat.
      await assert.rejects(b.checkout.merchant.refunds.create(body.id, { amount: 600 }), {
        code: 'conflict',
      })
    }
  }
)
