/**
 * Today's `/query` searches only the current calendar month (UTC+8) unless a window is sent:
 * an order created just before midnight on the last day of a month and paid just after must
 * still end `paid`, once, through the notify, the reconciler and a refused close alike.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import type { CheckoutRecord } from '../../store/store.ts'
import type { QfpayClient } from '../../qfpay/client.ts'
import type { QueryParams, QueryResult, QueryRow } from '../../qfpay/types.ts'
import { type Bed, type BedOptions, startBed } from '../../../test/support/checkout-test-bed.ts'
import { createGatewayBudget, gatewayClients } from '../money/gateway-budget.ts'
import { PaymentLookup } from '../money/payment-lookup.ts'
import { planQueries } from '../money/query-window.ts'

/** 23:50 on 31 January, UTC+8. */
const JAN_31_2350 = Date.parse('2025-01-31T15:50:00Z')

async function bed(t: TestContext, options: BedOptions = {}): Promise<Bed> {
  const b = await startBed({
    clockStart: JAN_31_2350,
    knobs: { queryMonthWindow: true },
    ...options,
  })
  t.after(() => b.close())
  return b
}

function onPaid(b: Bed, id: string): number {
  return b.hooks.filter((h) => h.topic === 'onPaid' && h.checkout.id === id).length
}

describe('a payment across the end of a month (gateway searches one month by default)', () => {
  it('WeChat order created 23:50 on 31 Jan, paid 00:02 on 1 Feb: paid, one onPaid', async (t) => {
    const b = await bed(t)
    const { status, body } = await b.create('MW-1', '800201')
    assert.equal(status, 201)
    await b.clock.advance(12 * 60_000) // 00:02 on 1 February, UTC+8
    await b.pay(body.id)
    assert.equal(b.sandbox.notifies()[0]?.state, 'delivered')
    assert.equal((await b.get(body.id)).status, 'paid')
    await b.settleHooks()
    assert.equal(onPaid(b, body.id), 1)
  })

  it('the reconciler confirms it when the notify is lost', async (t) => {
    const b = await bed(t, { knobs: { queryMonthWindow: true, notifyDropRate: 1 } })
    const { body } = await b.create('MW-2', '800201')
    await b.clock.advance(12 * 60_000)
    await b.pay(body.id)
    assert.equal(b.sandbox.notifies()[0]?.state, 'dropped')
    const report = await b.checkout.merchant.reconcile()
    assert.equal(report.changed, 1)
    assert.equal((await b.get(body.id)).status, 'paid')
    await b.settleHooks()
    assert.equal(onPaid(b, body.id), 1)
  })
})

describe('a refund across the end of a month', () => {
  it('a refund made at 23:55 on 31 Jan whose answer was lost settles at 00:05 on 1 Feb, once', async (t) => {
    const calls: string[] = []
    const b = await bed(t, {
      clockStart: JAN_31_2350,
      knobs: { queryMonthWindow: true, notifyDropRate: 1 },
      checkout: {
        gateway: {
          // The refund reaches the gateway and is done there; its answer is lost on the way back.
          fetch: async (input, init) => {
            const endpoint = new URL(String(input)).pathname.replace('/trade/v1/', '')
            calls.push(endpoint)
            const response = await fetch(input, init)
            if (endpoint === 'refund')
              throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })
            return response
          },
        },
      },
    })
    const { body } = await b.create('MW-R', '800201')
    await b.pay(body.id)
    await b.clock.advance(5_000)
    await b.checkout.merchant.reconcile()
    assert.equal((await b.get(body.id)).status, 'paid')
    await b.clock.advance(4 * 60_000) // 23:55
    const { refund } = await b.checkout.merchant.refunds.create(body.id, { amount: 300 })
    assert.equal(refund.status, 'unknown')
    await b.clock.advance(10 * 60_000) // 00:05 on 1 February
    await b.checkout.merchant.reconcile()
    const [settled] = await b.checkout.merchant.refunds.list(body.id)
    assert.equal(settled?.status, 'succeeded')
    assert.equal(calls.filter((c) => c === 'refund').length, 1, 'the refund was never sent twice')
    assert.equal((await b.get(body.id)).refundedAmount, 300)
  })
})

describe('query windows', () => {
  it('asks by syssn when known, by out_trade_no otherwise, each inside a window around creation', () => {
    const plans = planQueries([
      { outTradeNo: 'A', syssn: '20250131000001', createdAt: '2025-01-31T15:50:00.000Z' },
      { outTradeNo: 'B', createdAt: '2025-01-31T15:55:00.000Z' },
    ])
    assert.deepEqual(plans, [
      {
        by: 'syssn',
        ids: ['20250131000001'],
        start_time: '2025-01-31 21:50:00',
        end_time: '2025-02-01 01:50:00',
      },
      {
        by: 'out_trade_no',
        ids: ['B'],
        start_time: '2025-01-31 21:55:00',
        end_time: '2025-02-01 01:55:00',
      },
    ])
  })

  it('splits orders created weeks apart into windows shorter than a month', () => {
    const plans = planQueries([
      { outTradeNo: 'A', createdAt: '2025-01-01T00:00:00.000Z' },
      { outTradeNo: 'B', createdAt: '2025-03-01T00:00:00.000Z' },
    ])
    assert.equal(plans.length, 2)
  })

  it('logs "paid upstream but not found" at error level and retries over a wider window', async () => {
    const calls: QueryParams[] = []
    const row: QueryRow = {
      out_trade_no: 'W-1',
      syssn: '20250131000009',
      respcd: '0000',
      order_type: 'payment',
    }
    const client = {
      query: async (params: QueryParams = {}): Promise<QueryResult> => {
        calls.push(params)
        // Found only by the wide window (as if the gateway's clock were hours off).
        const rows = calls.length === 1 ? [] : [row]
        return { rows, page: 1, page_size: 1, response: {} as never, signature: 'absent' }
      },
    } as unknown as QfpayClient
    const errors: string[] = []
    const now = new Date(JAN_31_2350)
    const svc = new PaymentLookup({
      clients: gatewayClients(client, createGatewayBudget({ clock: () => now })),
      logger: { info: () => {}, warn: () => {}, error: (m) => void errors.push(m) },
    })
    const record = {
      id: 'chk_1',
      outTradeNo: 'W-1',
      createdAt: now.toISOString(),
    } as CheckoutRecord
    const seen = await svc.observe(record, 'reconciler', {
      evidence: 'the close answered already paid',
    })
    assert.equal(seen.kind, 'paid')
    assert.equal(calls.length, 2)
    assert.match(errors[0] ?? '', /paid upstream but not found/)
    const span = (p: QueryParams) =>
      Date.parse(String(p.end_time)) - Date.parse(String(p.start_time))
    assert.ok(span(calls[1] as QueryParams) > span(calls[0] as QueryParams))
  })
})
