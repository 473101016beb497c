/**
 * Which `/query` calls find a set of orders on today's gateway.
 *
 * QFPay's current docs: a `/query` without `start_time`/`end_time` searches only the current
 * calendar month (UTC+8) by `sysdtm`, the order's creation time at the gateway; a lookup across
 * months needs both bounds, and the range stays within one month. Time filters are ignored when
 * `syssn` is given, yet QFPay's 2017 FAQ says a `syssn` from another month is only found inside
 * the window. So every status query here sends a window around the orders' creation, and asks
 * by `syssn` when it is known (by `out_trade_no` otherwise): both readings of the docs find the
 * order. Sources and the disagreement: docs/qfpay-protocol.md, "Today's gateway".
 */
import { formatTxdtm } from '../../qfpay/txdtm.ts'

/** How far either side of an order's creation the usual window reaches (clock skew, slow calls). */
export const WINDOW_MARGIN_MS = 2 * 60 * 60 * 1000
/** The wider window tried when the gateway says "paid" but the usual window finds nothing. */
export const WIDE_WINDOW_MARGIN_MS = 3 * 24 * 60 * 60 * 1000
/** Longest window sent: shorter than any calendar month, so every reading of "within a month" holds. */
export const MAX_WINDOW_MS = 27 * 24 * 60 * 60 * 1000
/** QFPay's `/query` takes at most 100 ids per call (`page_size` max 100). */
export const MAX_QUERY_BATCH = 100

/** What a status query needs to know about one order. */
export interface WindowedOrder {
  outTradeNo: string
  syssn?: string | undefined
  /** ISO-8601 instant the order was created (ours, a few ms before the gateway's `sysdtm`). */
  createdAt: string
}

/** One `/query` call: the ids to ask for and the window (UTC+8 strings). */
export interface QueryPlan {
  by: 'syssn' | 'out_trade_no'
  ids: string[]
  start_time: string
  end_time: string
}

/**
 * Groups orders into as few `/query` calls as possible: by `syssn` where known, by
 * `out_trade_no` otherwise, at most 100 ids each, each window covering every order's creation
 * ± `margin` and never longer than `MAX_WINDOW_MS`.
 */
export function planQueries<T extends WindowedOrder>(
  orders: readonly T[],
  margin = WINDOW_MARGIN_MS
): QueryPlan[] {
  const sorted = [...orders].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
  const plans: QueryPlan[] = []
  for (const by of ['syssn', 'out_trade_no'] as const) {
    const mine = sorted.filter((o) => (by === 'syssn') === (o.syssn !== undefined))
    let group: T[] = []
    const flush = () => {
      if (group.length === 0) return
      const first = Date.parse((group[0] as T).createdAt)
      const last = Date.parse((group.at(-1) as T).createdAt)
      plans.push({
        by,
        ids: group.map((o) => (by === 'syssn' ? (o.syssn as string) : o.outTradeNo)),
        start_time: formatTxdtm(first - margin),
        end_time: formatTxdtm(last + margin),
      })
      group = []
    }
    for (const order of mine) {
      const first = group[0] ? Date.parse(group[0].createdAt) : undefined
      const at = Date.parse(order.createdAt)
      if (
        group.length >= MAX_QUERY_BATCH ||
        (first !== undefined && at - first + 2 * margin > MAX_WINDOW_MS)
      )
        flush()
      group.push(order)
    }
    flush()
  }
  return plans
}
