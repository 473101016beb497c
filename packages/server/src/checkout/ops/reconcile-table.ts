/**
 * The daily reconciliation report as a table a person reads in a terminal or an email: one
 * line per discrepancy, the counts above, the verdict below. Plain ASCII, fixed-width columns.
 */
import type { DayDiscrepancy, DayReport } from './reconcile-day.ts'

const KIND_LABELS: Record<DayDiscrepancy['kind'], string> = {
  paid_upstream_not_here: 'paid upstream, not here',
  paid_upstream_unknown_here: 'paid upstream, unknown here',
  paid_here_not_upstream: 'paid here, not upstream',
  amount_mismatch: 'amount mismatch',
  refund_mismatch: 'refund mismatch',
}

/** Renders `report` as text (no trailing newline). */
export function formatDayReport(report: DayReport): string {
  const head = [
    `QFPay reconciliation for ${report.date} (UTC+8; ${report.window.start} to ${report.window.end})`,
    `Upstream: ${report.upstream.payments} payments (${report.upstream.paid} paid), ${report.upstream.refunds} refunds, ${report.upstream.pages} page(s). Here: ${report.here.checkouts} checkouts (${report.here.paid} paid).`,
  ]
  if (report.discrepancies.length === 0) return [...head, 'No discrepancies.'].join('\n')
  const rows = report.discrepancies.map((d) => [
    KIND_LABELS[d.kind],
    d.checkoutId ?? '-',
    d.outTradeNo,
    here(d),
    upstream(d),
    d.kind === 'paid_upstream_not_here' ? `fixed: now ${d.fixedTo}` : 'check by hand',
  ])
  const table = [['KIND', 'CHECKOUT', 'OUT_TRADE_NO', 'HERE', 'UPSTREAM', 'ACTION'], ...rows]
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)))
  const lines = table.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  )
  const n = report.discrepancies.length
  return [
    ...head,
    '',
    ...lines,
    '',
    `${n} discrepanc${n === 1 ? 'y' : 'ies'} (${report.fixed} fixed).`,
  ].join('\n')
}

function here(d: DayDiscrepancy): string {
  if (d.kind === 'amount_mismatch') return `amount ${d.amountHere}`
  if (d.kind === 'refund_mismatch') return `refunded ${d.refundedHere}`
  if (d.kind === 'paid_upstream_unknown_here') return 'no checkout'
  return `${d.statusHere ?? '-'}${d.amountHere !== undefined ? ` ${d.amountHere}` : ''}`
}

function upstream(d: DayDiscrepancy): string {
  if (d.kind === 'amount_mismatch') return `amount ${d.amountUpstream}`
  if (d.kind === 'refund_mismatch') return `refunded ${d.refundedUpstream}`
  if (d.kind === 'paid_here_not_upstream') return `respcd ${d.upstream}`
  return 'paid (0000)'
}
