/**
 * Daily reconciliation: what QFPay says happened on one day against what the store says.
 * QFPay counts days in UTC+8 and filters `/query` by the transaction's `sysdtm`, so the window
 * is `YYYY-MM-DD 00:00:00` to `23:59:59` UTC+8; every page (100 rows each) is read.
 *
 * Found and reported:
 * - `paid_upstream_not_here`: QFPay has the payment, the store does not say paid. Fixed through
 *   the same transition the reconciler uses (so `onPaid` runs, once, from the outbox).
 * - `paid_upstream_unknown_here`: a paid `out_trade_no` this store never issued (another
 *   system on the same merchant account, or a store that lost rows).
 * - `paid_here_not_upstream`: the store says paid, QFPay does not (checked again one by one).
 * - `amount_mismatch`: both say paid, with different amounts.
 * - `refund_mismatch`: the refunded totals differ.
 */
import { PAID_STATUSES } from '../../model/status.ts'
import type { CheckoutRecord } from '../../store/store.ts'
import type { QueryRow } from '../../qfpay/types.ts'
import { isSuccessRespcd } from '../../qfpay/respcd.ts'
import { observePayment } from '../gateway-rows.ts'
import type { PaymentService } from '../payments.ts'

/** One disagreement between QFPay and the store. */
export interface DayDiscrepancy {
  kind:
    | 'paid_upstream_not_here'
    | 'paid_upstream_unknown_here'
    | 'paid_here_not_upstream'
    | 'amount_mismatch'
    | 'refund_mismatch'
  outTradeNo: string
  checkoutId?: string
  syssn?: string
  statusHere?: string
  /** The payment row's respcd upstream; `missing` when QFPay has no row. */
  upstream?: string
  amountHere?: number
  amountUpstream?: number
  refundedHere?: number
  refundedUpstream?: number
  /** For `paid_upstream_not_here`: the status after the fix (`paid` when it worked). */
  fixedTo?: string
}

/** What `reconcileDay` found. */
export interface DayReport {
  date: string
  /** The UTC+8 day as UTC instants, end exclusive. */
  window: { start: string; end: string }
  upstream: { pages: number; payments: number; paid: number; refunds: number }
  here: { checkouts: number; paid: number }
  discrepancies: DayDiscrepancy[]
  /** How many `paid_upstream_not_here` were fixed. */
  fixed: number
}

/** Rows per `/query` page (QFPay's maximum). */
const PAGE_SIZE = 100
/** Pages read at most (100 000 rows): a bound, so a broken pager cannot loop forever. */
const MAX_PAGES = 1_000
/** Store rows read per `list()` page. */
const LIST_PAGE = 200
/** How far before the window the store is read, ms: a checkout created just before midnight can be paid after it. */
const LOOKBACK_MS = 2 * 60 * 60_000

/** Runs the comparison for `date` (`YYYY-MM-DD`, a UTC+8 day). */
export async function reconcileDay(svc: PaymentService, date: string): Promise<DayReport> {
  const window = dayWindow(date)
  const { payments, refunds, pages } = await readUpstream(svc, date)
  const here = await readHere(svc, window)
  const report: DayReport = {
    date,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    upstream: {
      pages,
      payments: payments.size,
      paid: [...payments.values()].filter(isPaidRow).length,
      refunds: refunds.length,
    },
    here: { checkouts: here.length, paid: here.filter(isPaidHere).length },
    discrepancies: [],
    fixed: 0,
  }
  const refundRows = new Map<string, QueryRow>()
  for (const row of refunds) if (typeof row.syssn === 'string') refundRows.set(row.syssn, row)
  const add = (d: DayDiscrepancy) => report.discrepancies.push(d)

  for (const [outTradeNo, row] of payments) {
    if (!isPaidRow(row)) continue
    const record = await svc.store.getByOutTradeNo(outTradeNo)
    const syssn = typeof row.syssn === 'string' ? row.syssn : undefined
    if (!record) {
      add({ kind: 'paid_upstream_unknown_here', outTradeNo, ...(syssn ? { syssn } : {}) })
      continue
    }
    const base = { outTradeNo, checkoutId: record.id, ...(syssn ? { syssn } : {}) }
    let current = record
    if (!isPaidHere(record)) {
      current = await svc.apply(record, observePayment(row))
      if (isPaidHere(current)) report.fixed++
      add({
        kind: 'paid_upstream_not_here',
        ...base,
        statusHere: record.status,
        upstream: row.respcd,
        fixedTo: current.status,
      })
    }
    await compareAmounts(svc, current, row, refundRows, add)
  }

  // Paid here, absent from the day's pages: ask about each one directly before saying so (its
  // sysdtm may fall on the other side of midnight).
  const unseen = here.filter((r) => isPaidHere(r) && !isPaidRow(payments.get(r.outTradeNo)))
  const direct = unseen.length > 0 ? await svc.queryPayments(unseen) : new Map()
  for (const record of unseen) {
    const row = direct.get(record.outTradeNo)
    if (isPaidRow(row)) {
      await compareAmounts(svc, record, row, refundRows, add)
      continue
    }
    add({
      kind: 'paid_here_not_upstream',
      outTradeNo: record.outTradeNo,
      checkoutId: record.id,
      ...(record.syssn ? { syssn: record.syssn } : {}),
      statusHere: record.status,
      upstream: row?.respcd ?? 'missing',
      amountHere: record.amount,
    })
  }
  return report
}

/** The UTC+8 day `date` as UTC instants. Throws on anything but a real `YYYY-MM-DD`. */
export function dayWindow(date: string): { start: Date; end: Date } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const start = match ? new Date(`${date}T00:00:00+08:00`) : new Date(NaN)
  if (Number.isNaN(start.getTime()))
    throw new RangeError(`Failed to reconcile: "${date}" is not a date as YYYY-MM-DD.`)
  // Reject 2024-02-31 and the like, which Date would roll over.
  const back = new Date(start.getTime() + 8 * 60 * 60_000).toISOString().slice(0, 10)
  if (back !== date)
    throw new RangeError(`Failed to reconcile: "${date}" is not a date as YYYY-MM-DD.`)
  return { start, end: new Date(start.getTime() + 24 * 60 * 60_000) }
}

async function readUpstream(svc: PaymentService, date: string) {
  const payments = new Map<string, QueryRow>()
  const refunds: QueryRow[] = []
  let page = 1
  for (; page <= MAX_PAGES; page++) {
    const result = await svc.client.query({
      start_time: `${date} 00:00:00`,
      end_time: `${date} 23:59:59`,
      page,
      page_size: PAGE_SIZE,
    })
    for (const row of result.rows) {
      if (row.order_type === 'refund') refunds.push(row)
      else if ((row.order_type ?? 'payment') === 'payment' && typeof row.out_trade_no === 'string')
        payments.set(row.out_trade_no, row)
    }
    if (result.rows.length < PAGE_SIZE) break
  }
  return { payments, refunds, pages: Math.min(page, MAX_PAGES) }
}

/** The store's checkouts created inside the window (newest first, paged). */
async function readHere(svc: PaymentService, window: { start: Date; end: Date }) {
  const inside: CheckoutRecord[] = []
  const stopAt = window.start.getTime() - LOOKBACK_MS
  for (let before: string | undefined; ;) {
    const rows = await svc.store.list({ limit: LIST_PAGE, ...(before ? { before } : {}) })
    for (const r of rows) {
      const at = Date.parse(r.createdAt)
      if (at >= window.start.getTime() && at < window.end.getTime()) inside.push(r)
    }
    const last = rows.at(-1)
    // An empty page ends it (not a short one: a store may cap `limit` below what we asked).
    if (!last || Date.parse(last.createdAt) < stopAt) break
    before = last.id
  }
  return inside
}

async function compareAmounts(
  svc: PaymentService,
  record: CheckoutRecord,
  row: QueryRow,
  refundRows: Map<string, QueryRow>,
  add: (d: DayDiscrepancy) => void
): Promise<void> {
  const base = {
    outTradeNo: record.outTradeNo,
    checkoutId: record.id,
    ...(typeof row.syssn === 'string' ? { syssn: row.syssn } : {}),
  }
  const upstreamAmount = amountOf(row)
  if (upstreamAmount !== record.amount)
    add({
      kind: 'amount_mismatch',
      ...base,
      amountHere: record.amount,
      amountUpstream: upstreamAmount,
    })
  const refundedUpstream = await upstreamRefunded(svc, record, row, refundRows)
  if (refundedUpstream !== record.refundedAmount)
    add({
      kind: 'refund_mismatch',
      ...base,
      refundedHere: record.refundedAmount,
      refundedUpstream,
    })
}

/**
 * What QFPay refunded of one payment: its refund rows among the day's pages, plus this store's
 * own refunds asked about by number (a refund made on a later day is not in the day's pages),
 * each refund counted once by its `syssn`. The row's `cancel` flag 3 (fully refunded) settles
 * the total when the rows fall short.
 */
async function upstreamRefunded(
  svc: PaymentService,
  record: CheckoutRecord,
  row: QueryRow,
  refundRows: Map<string, QueryRow>
): Promise<number> {
  const syssn = typeof row.syssn === 'string' ? row.syssn : undefined
  if (!syssn) return 0
  const rows = new Map([...refundRows].filter(([, r]) => r.origssn === syssn))
  const ours = await svc.store.listRefunds(record.id)
  if (ours.length > 0) {
    const result = await svc.client.query({
      out_trade_no: ours.map((r) => r.outTradeNo),
      page_size: Math.min(PAGE_SIZE, ours.length),
    })
    for (const r of result.rows)
      if (r.order_type === 'refund' && r.origssn === syssn && typeof r.syssn === 'string')
        rows.set(r.syssn, r)
  }
  let total = 0
  for (const r of rows.values()) if (isSuccessRespcd(r.respcd)) total += amountOf(r)
  if (row.cancel === '3') total = Math.max(total, amountOf(row))
  return total
}

function isPaidRow(row: QueryRow | undefined): row is QueryRow {
  return row !== undefined && isSuccessRespcd(row.respcd) && row.cancel !== '1'
}

function isPaidHere(record: CheckoutRecord): boolean {
  return PAID_STATUSES.includes(record.status)
}

function amountOf(row: QueryRow): number {
  return Number(row.txamt ?? 0)
}
