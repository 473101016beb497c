/**
 * The notify arrives before the payment call returns; notify and query race; every interleaving
 * fast-check's scheduler finds. Pass: final state paid in 100 % of runs. The case that matters
 * most, the notify answered before the payment answer, is also forced by a test of its own.
 *
 * Each run opens a checkout over loopback. Every gateway answer the checkout's QFPay client
 * receives (`/payment`, the notify's confirming `/query`, the poll's and the merchant's
 * `/query`) is handed to fast-check's scheduler, which decides when each is delivered, and
 * so are the starts of the actors: the notify (and a duplicate of it), a status poll, a
 * `merchant.refresh`, and the widget retrying the create. The shopper has paid at the sandbox
 * before any actor starts, so every interleaving must end paid, with one paid transition.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../support/replay.ts'
import { signNotifyForTest } from '../../src/testing/index.ts'
import { deferred } from '../support/gated-store.ts'
import { bed, paidHooks, postNotify, TEST_KEY, until } from './helpers.ts'

const RUNS = Number(process.env['RACE_RUNS'] ?? 100)

it(
  `ends paid in every interleaving of payment answer, notify, poll, refresh and retry (${RUNS} runs)`,
  { timeout: 120_000 },
  async (t) => {
    let scheduler: fc.Scheduler | undefined
    const b = await bed(t, {
      knobs: { notifyReorder: true },
      checkout: {
        gateway: {
          fetch: (input, init) => {
            const answer = fetch(input, init)
            const endpoint = String(input).replace(/^.*\/trade\/v1\//, '')
            return scheduler ? scheduler.schedule(answer, endpoint) : answer
          },
        },
      },
    })
    let run = 0
    let notifyBeforeCreate = 0
    await assertProperty(
      fc.asyncProperty(
        fc.scheduler(),
        fc.constantFrom('800151', '800201'),
        fc.record({
          duplicate: fc.boolean(),
          poll: fc.boolean(),
          refresh: fc.boolean(),
          retry: fc.boolean(),
        }),
        async (s, payType, actors) => {
          scheduler = s
          const order = `RACE-${++run}`
          try {
            let createAnswered = false
            const created = b.create(order, payType).finally(() => (createAnswered = true))
            // The /payment request reaches the sandbox at once; only its answer is scheduled.
            let outTradeNo = ''
            assert.ok(
              await until(async () => {
                const [row] = await b.store.listPendingByOrder(order)
                outTradeNo = row?.outTradeNo ?? ''
                return b.sandbox.orders().some((o) => o.out_trade_no === outTradeNo)
              }),
              'the sandbox never saw the payment'
            )
            const record = await b.store.getByOutTradeNo(outTradeNo)
            const gatewayOrder = b.sandbox.orders().find((o) => o.out_trade_no === outTradeNo)!
            b.sandbox.pay(gatewayOrder.syssn) // paid upstream; its notify is held back
            const held = b.sandbox.notifies().find((n) => n.syssn === gatewayOrder.syssn)!
            const signed = signNotifyForTest(held.body, TEST_KEY)
            const start = <T>(label: string, act: () => Promise<T>) =>
              s.schedule(Promise.resolve(), label).then(act)
            const work: Promise<unknown>[] = [
              created,
              start('notify', () => postNotify(b, signed.body, signed.headers)).finally(
                () => void (createAnswered || notifyBeforeCreate++)
              ),
            ]
            if (actors.duplicate)
              work.push(start('notify-copy', () => postNotify(b, signed.body, signed.headers)))
            if (actors.poll)
              work.push(
                start('poll', () =>
                  fetch(`${b.appUrl}/qfpay/checkouts/${record!.id}`).then((r) => r.text())
                )
              )
            if (actors.refresh)
              work.push(start('refresh', () => b.checkout.merchant.checkouts.refresh(record!.id)))
            if (actors.retry) work.push(start('retry', () => b.create(order, payType)))
            const answers = await s.waitFor(Promise.all(work))
            const notified = answers[1] as { status: number; text: string }
            // A notify answered before the paid commit could only be RETRY (503), never a lie.
            assert.ok(
              notified.text === 'SUCCESS' || notified.status === 503,
              `notify answered ${notified.status} ${notified.text}`
            )
            const after = await b.get(record!.id)
            assert.equal(
              after.status,
              'paid',
              `ended ${after.status}\n${s
                .report()
                .map((r) => r.label)
                .join(' → ')}`
            )
            await b.settleHooks()
            assert.deepEqual(paidHooks(b, record!.id), { onPaid: 1, toPaid: 1 })
          } finally {
            scheduler = undefined
            // Deliver this run's held notify now: a held notify is let go when the next one joins,
            // and must not reach the app while the next run's scheduler is in charge.
            await b.sandbox.drain()
          }
        }
      ),
      { numRuns: RUNS }
    )
    // How often the scheduler happened to let the notify overtake is reported, not asserted:
    // the test below forces that case every time.
    t.diagnostic(
      `runs where the notify was answered before the create: ${notifyBeforeCreate} of ${run}`
    )
  }
)

it('applies a notify that overtakes the payment answer, and the late answer changes nothing', async (t) => {
  const reached = deferred()
  const release = deferred()
  const b = await bed(t, {
    knobs: { notifyDropRate: 1 },
    checkout: {
      gateway: {
        fetch: async (input, init) => {
          // The sandbox processes /payment at once; only its answer is held back.
          const answer = await fetch(input, init)
          if (String(input).endsWith('/trade/v1/payment')) {
            reached.resolve()
            await release.promise
          }
          return answer
        },
      },
    },
  })
  let createAnswered = false
  const created = b.create('OVERTAKE-1', '800151').finally(() => (createAnswered = true))
  await reached.promise
  const [row] = await b.store.listPendingByOrder('OVERTAKE-1')
  const order = b.sandbox.orders().find((o) => o.out_trade_no === row!.outTradeNo)!
  b.sandbox.pay(order.syssn)
  const dropped = b.sandbox.notifies().find((n) => n.syssn === order.syssn)!
  const signed = signNotifyForTest(dropped.body, TEST_KEY)

  const notified = await postNotify(b, signed.body, signed.headers)
  assert.equal(createAnswered, false, 'the payment answer was not held back')
  assert.deepEqual(notified, { status: 200, text: 'SUCCESS' })
  assert.equal((await b.get(row!.id)).status, 'paid', 'the overtaking notify was not applied')

  release.resolve()
  const answer = await created
  assert.deepEqual([answer.status, answer.body.status], [201, 'paid'])
  const after = await b.get(row!.id)
  assert.deepEqual([after.status, after.syssn], ['paid', order.syssn])
  await b.settleHooks()
  assert.deepEqual(paidHooks(b, row!.id), { onPaid: 1, toPaid: 1 })
})
