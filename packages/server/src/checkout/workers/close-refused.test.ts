/**
 * A close the gateway refuses must not turn into a flood: QFPay allows 400 requests a minute
 * per merchant, and a 429 then blocks `/payment` for every shopper. The reconciler runs every
 * simulated minute for hours on a manual clock; every gateway call is counted.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { type Bed, type BedOptions, startBed } from '../../../test/support/checkout-test-bed.ts'

interface Counted {
  b: Bed
  calls: string[]
}

async function bed(t: TestContext, knobs: BedOptions['knobs']): Promise<Counted> {
  const calls: string[] = []
  const b = await startBed({
    knobs,
    checkout: {
      gateway: {
        fetch: async (input, init) => {
          calls.push(new URL(String(input)).pathname.replace('/trade/v1/', ''))
          return fetch(input, init)
        },
      },
    },
  })
  t.after(() => b.close())
  return { b, calls }
}

/** Runs the reconciler once a simulated minute for `minutes`; the calls made meanwhile. */
async function reconcileFor(c: Counted, minutes: number): Promise<string[]> {
  const from = c.calls.length
  for (let i = 0; i < minutes; i++) {
    await c.b.clock.advance(60_000)
    await c.b.checkout.merchant.reconcile()
  }
  return c.calls.slice(from)
}

describe('a close the gateway refuses', () => {
  it('1297 ("cancel not supported"): a handful of calls an hour, then expired once the gateway expires it', async (t) => {
    const c = await bed(t, { closeRefusal: '1297' })
    const { body } = await c.b.create('CR-1', '800151')
    // The checkout expires after 15 minutes; the gateway's order (no expired_time for this pay
    // type) after 30, its default.
    await reconcileFor(c, 15) // pending: queried on its normal schedule
    assert.equal((await c.b.get(body.id)).status, 'pending')
    const overdue = await reconcileFor(c, 14)
    assert.equal((await c.b.get(body.id)).status, 'pending', 'not closed upstream yet')
    assert.ok(
      overdue.filter((e) => e === 'close').length <= 1,
      `closes while overdue: ${overdue.join(',')}`
    )
    assert.ok(overdue.length <= 8, `calls in the 14 overdue minutes: ${overdue.length}`)
    const rest = await reconcileFor(c, 60 - 14)
    assert.ok(
      overdue.length + rest.length <= 10,
      `calls in the hour after expiry: ${[...overdue, ...rest].join(',')}`
    )
    const after = await c.b.get(body.id)
    assert.equal(after.status, 'expired')
    assert.equal(after.upstreamClosed, true, 'the gateway says it expired')
    assert.deepEqual(await reconcileFor(c, 60), [], 'an ended checkout is never queried again')
  })

  it('1104 (request error): backs off instead of retrying every second', async (t) => {
    const c = await bed(t, { closeRefusal: '1104' })
    await c.b.create('CR-2', '800151')
    await reconcileFor(c, 15)
    const hour = await reconcileFor(c, 60)
    // Each attempt: a query, a close, and a reversal (1104 may mean "the other endpoint").
    assert.ok(hour.length <= 30, `calls in an overdue hour: ${hour.length} (${hour.join(',')})`)
  })

  it('"0000" without a syssn of its own is not "closed": the checkout waits for the gateway', async (t) => {
    const c = await bed(t, { closeRefusal: 'no_syssn' })
    const { body } = await c.b.create('CR-3', '800151')
    await reconcileFor(c, 16)
    const record = await c.b.get(body.id)
    assert.equal(record.status, 'pending')
    assert.equal(record.upstreamClosed, false)
    // The shopper can still pay the order the gateway did not close.
    await c.b.pay(body.id)
    assert.equal((await c.b.get(body.id)).status, 'paid')
  })

  it("the shopper's repeated cancel does not reach the gateway each time", async (t) => {
    const c = await bed(t, { closeRefusal: '1104' })
    const { body } = await c.b.create('CR-4', '800201')
    const from = c.calls.length
    const answers: number[] = []
    for (let i = 0; i < 10; i++) answers.push((await c.b.cancel(body.id)).status)
    assert.deepEqual(answers, Array(10).fill(504))
    // One query, one close and (1104 may mean "the other endpoint") one reversal: then nothing.
    assert.ok(c.calls.length - from <= 3, `calls: ${c.calls.slice(from).join(',')}`)
  })

  it('1297 on a shopper cancel: the checkout is cancelled here, and the gateway asked once', async (t) => {
    const c = await bed(t, { closeRefusal: '1297' })
    const { body } = await c.b.create('CR-5', '800201')
    const from = c.calls.length
    const first = await c.b.cancel(body.id)
    assert.equal(first.status, 200)
    assert.equal(((await first.json()) as { status: string }).status, 'cancelled')
    for (let i = 0; i < 5; i++) assert.equal((await c.b.cancel(body.id)).status, 200)
    assert.deepEqual(c.calls.slice(from), ['query', 'close'])
  })
})
