/**
 * Attacks on the merchant's gateway quota (QFPay: 400 requests a minute per merchant, HTTP 429
 * beyond; the sandbox enforces it with its `rateLimit` knob). Anonymous traffic that makes the
 * app query the gateway (`/return` visits, status polls, many pending checkouts) must not leave
 * the next shopper's `/payment` without quota.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import type { CheckoutOptions } from '../../src/checkout/app/options.ts'
import { type Bed, startBed } from '../support/checkout-test-bed.ts'
import { mergeCheckoutOptions } from '../support/merge-options.ts'

/** A bed whose gateway enforces QFPay's limits, counting the app's calls per endpoint. */
async function bed(t: TestContext, checkout: Partial<CheckoutOptions> = {}) {
  const calls = { query: 0, payment: 0 }
  const b = await startBed({
    knobs: { rateLimit: true },
    checkout: mergeCheckoutOptions(
      {
        gateway: {
          fetch: (input, init) => {
            const path = new URL(input instanceof Request ? input.url : String(input)).pathname
            if (path.endsWith('/query')) calls.query++
            if (path.endsWith('/payment')) calls.payment++
            return fetch(input, init)
          },
        },
      },
      checkout
    ),
  })
  t.after(() => b.close())
  return { b, calls }
}

/** `POST /qfpay/checkouts` from the client named `client` (see `clientIp` below). */
async function createFrom(b: Bed, client: string, order: string) {
  const response = await fetch(`${b.appUrl}/qfpay/checkouts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Test-Client': client },
    body: JSON.stringify({ payType: '800151', order }),
  })
  return { status: response.status, body: (await response.json()) as { id: string } }
}

/** Each request names its client in a header, so one test plays many shoppers. */
const clientIp = (c: { req: { header(n: string): string | undefined } }) =>
  c.req.header('x-test-client') ?? 'none'

describe('gateway quota', () => {
  it('serves 450 replays of one /return URL with one /query, and the next shopper still gets a checkout', async (t) => {
    const { b, calls } = await bed(t)
    const mine = await b.create('RET-Q', '800151')
    const record = await b.get(mine.body.id)
    const before = calls.query
    const url = `${b.appUrl}/qfpay/return?out_trade_no=${record.outTradeNo}`
    for (let round = 0; round < 9; round++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => fetch(url, { redirect: 'manual' }))
      )
      for (const answer of answers) {
        assert.equal(answer.status, 303)
        await answer.body?.cancel()
      }
    }
    assert.ok(calls.query - before <= 1, `450 /return visits sent ${calls.query - before} queries`)
    const next = await b.create('NEXT-1', '800151')
    assert.equal(next.status, 201)
  })

  it('keeps headroom for /payment while 60 pending checkouts are polled every 5 s', async (t) => {
    const { b, calls } = await bed(t, {
      http: { clientIp, perClient: { checkoutsPerMinute: false } },
    })
    const ids: string[] = []
    for (let i = 0; i < 60; i++) {
      const created = await createFrom(b, `client-${i}`, `POLL-${i}`)
      assert.equal(created.status, 201)
      ids.push(created.body.id)
    }
    await b.clock.advance(1_000)
    // Six rounds of polling every checkout, each once its refresh window has passed.
    for (let round = 0; round < 6; round++) {
      for (const id of ids) {
        const answer = await fetch(`${b.appUrl}/qfpay/checkouts/${id}`)
        assert.equal(answer.status, 200)
        await answer.body?.cancel()
      }
      await b.clock.advance(5_000)
    }
    // Shopper-triggered queries stop at half of QFPay's 400 a minute (payments included).
    assert.ok(calls.query + calls.payment <= 200, `sent ${calls.query + calls.payment} requests`)
    const next = await createFrom(b, 'late-shopper', 'NEXT-2')
    assert.equal(next.status, 201)
  })

  it('caps the pending checkouts one client may hold at 10 (429 for the 11th)', async (t) => {
    const { b } = await bed(t, {
      http: { clientIp, perClient: { checkoutsPerMinute: false } },
    })
    for (let i = 0; i < 10; i++) assert.equal((await createFrom(b, 'one', `CAP-${i}`)).status, 201)
    const eleventh = await createFrom(b, 'one', 'CAP-10')
    assert.equal(eleventh.status, 429)
    assert.equal((await createFrom(b, 'another', 'CAP-10')).status, 201)
  })
})
