/**
 * Asking the gateway what happened to payments: `/query` by `syssn` where known, by
 * `out_trade_no` otherwise, always inside a window around each order's creation
 * (query-window.ts: today's gateway searches only the current month without one), under the
 * merchant's gateway budget at the caller's priority.
 */
import type { QfpayClient } from '../../qfpay/client.ts'
import type { QueryRow } from '../../qfpay/types.ts'
import type { CheckoutRecord } from '../../store/store.ts'
import type { Logger } from '../app/logger.ts'
import type { GatewayClients, GatewayPriority } from './gateway-budget.ts'
import { observePayment, paymentRowsByOutTradeNo, type PaymentObservation } from './gateway-rows.ts'
import { planQueries, WIDE_WINDOW_MARGIN_MS, WINDOW_MARGIN_MS } from './query-window.ts'

/** What the lookup is built from. */
export interface PaymentLookupOptions {
  /** The QFPay client behind the budget, one per priority (`gatewayClients`). */
  clients: GatewayClients
  logger: Logger
}

/** Queries payments at the gateway and reads the answer (see the file comment). */
export class PaymentLookup {
  readonly #clients: Record<GatewayPriority, Pick<QfpayClient, 'query'>>
  readonly #logger: Logger

  constructor(options: PaymentLookupOptions) {
    this.#clients = options.clients
    this.#logger = options.logger
  }

  /** Rows by `out_trade_no` for `records`, asked at `priority` (see the file comment). */
  async queryPayments(
    records: readonly Pick<CheckoutRecord, 'outTradeNo' | 'syssn' | 'createdAt'>[],
    priority: GatewayPriority = 'reconciler',
    margin = WINDOW_MARGIN_MS
  ): Promise<Map<string, QueryRow>> {
    const rows = new Map<string, QueryRow>()
    for (const plan of planQueries(records, margin)) {
      const { by, ids, start_time, end_time } = plan
      const result = await this.#clients[priority].query({
        [by]: ids,
        start_time,
        end_time,
        page_size: ids.length,
      })
      for (const [no, row] of paymentRowsByOutTradeNo(result.rows)) rows.set(no, row)
    }
    return rows
  }

  /**
   * What the gateway says about one payment now (throws on gateway faults), asked under the
   * gateway budget at `priority`. `paid` is evidence that the gateway took the money (a verified
   * notify's `syssn`, or a close refused as "already paid"): the query asks by that `syssn`, and
   * when even so nothing is found, the contradiction is logged at error level and the query is
   * tried again over a wider window.
   */
  async observe(
    record: CheckoutRecord,
    priority: GatewayPriority = 'reconciler',
    paid?: { syssn?: string | undefined; evidence: string }
  ): Promise<PaymentObservation> {
    const lookup = { ...record, syssn: record.syssn ?? paid?.syssn }
    const first = observePayment(
      (await this.queryPayments([lookup], priority)).get(record.outTradeNo)
    )
    if (first.kind !== 'missing' || !paid) return first
    this.#logger.error(
      'paid upstream but not found by /query; querying again over a wider window',
      { checkoutId: record.id, outTradeNo: record.outTradeNo, evidence: paid.evidence }
    )
    const wide = await this.queryPayments(
      [{ ...record, syssn: undefined }],
      priority,
      WIDE_WINDOW_MARGIN_MS
    )
    const second = observePayment(wide.get(record.outTradeNo))
    if (second.kind === 'missing')
      this.#logger.error('paid upstream but still not found by /query; the reconciler will retry', {
        checkoutId: record.id,
        outTradeNo: record.outTradeNo,
      })
    return second
  }
}
