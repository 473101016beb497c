/**
 * `POST /trade/v1/query` (docs/qfpay-protocol.md#query): batch by comma-separated `syssn`, `out_trade_no`,
 * `pay_type`; `respcd` filter; `start_time`/`end_time` on `sysdtm` (ignored when `syssn` is
 * given, current docs); `page` from 1, `page_size` default 10, max 100. Rows cover payments and
 * refunds, newest first (QFPay documents no order). With the `queryMonthWindow` knob (the
 * `current` profile) it searches like today's gateway: no window means the current calendar
 * month (UTC+8) by `sysdtm`, and a range longer than a month is refused.
 */
import { describeRespcd } from '../qfpay/respcd.ts'
import { parseTxdtm } from '../qfpay/txdtm.ts'
import { OUT_TRADE_NO_PATTERN } from '../qfpay/out-trade-no.ts'
import type { SandboxCore } from './core.ts'
import { fieldError } from './gateway-error.ts'
import { paymentRow, refundRow, type GatewayRecord } from './order-rows.ts'
import { optionalField, type FormFields, type TradeRequest } from './trade-request.ts'
import type { PyJsonValue } from './py-json.ts'

/** `page_size` bounds. */
const DEFAULT_PAGE_SIZE = 10
const MAX_PAGE_SIZE = 100

/** Handles one verified query. Seeing a pending swipe order moves its countdown. */
export function handleQuery(
  core: SandboxCore,
  { merchant, params }: TradeRequest
): Record<string, PyJsonValue> {
  const syssns = list(params, 'syssn', /^\d{1,40}$/)
  const outTradeNos = list(params, 'out_trade_no', OUT_TRADE_NO_PATTERN)
  const payTypes = list(params, 'pay_type', /^\d{6}$/)
  const respcd = optionalField(params, 'respcd', /^\d{4}$/, 'a 4-digit return code')
  const start = time(params, 'start_time')
  const end = time(params, 'end_time')
  if (start !== undefined && end !== undefined && start > end)
    throw fieldError('start_time', 'must not be after end_time')
  const window = core.knobs.queryMonthWindow
    ? monthWindow(core.clock.now(), start, end)
    : { start, end }
  const page = Number(optionalField(params, 'page', /^[1-9]\d{0,5}$/, 'a positive integer') ?? 1)
  const pageSize = Number(
    optionalField(params, 'page_size', /^[1-9]\d{0,2}$/, `an integer from 1 to ${MAX_PAGE_SIZE}`) ??
      DEFAULT_PAGE_SIZE
  )
  if (pageSize > MAX_PAGE_SIZE)
    throw fieldError('page_size', `must be an integer from 1 to ${MAX_PAGE_SIZE}`)

  const matches = (row: { syssn: string; outTradeNo: string; payType: string; sysdtm: string }) => {
    if (syssns && !syssns.has(row.syssn)) return false
    if (outTradeNos && !outTradeNos.has(row.outTradeNo)) return false
    if (payTypes && !payTypes.has(row.payType)) return false
    if (syssns) return true
    const at = parseTxdtm(row.sysdtm)?.getTime() ?? 0
    return (
      (window.start === undefined || at >= window.start) &&
      (window.end === undefined || at <= window.end)
    )
  }
  const rows: Array<{ at: number; seq: number; row: GatewayRecord }> = []
  // Asked by syssn (a confirmed notify) or by out_trade_no (every checkout and reconciler query):
  // read only those orders, not the whole book, so a sandbox holding many orders answers as fast
  // as one holding few. `matches` still applies every filter to what the index found.
  const candidates = syssns
    ? core.book.bySyssns(syssns)
    : outTradeNos
      ? core.book.byNumbers(merchant.appcode, outTradeNos)
      : core.book.list()
  for (const order of candidates) {
    if (order.appcode !== merchant.appcode) continue
    if (
      matches({
        syssn: order.syssn,
        outTradeNo: order.outTradeNo,
        payType: order.payType,
        sysdtm: order.sysdtm,
      })
    ) {
      core.book.observe(order)
      rows.push({ at: order.createdAt, seq: rows.length, row: paymentRow(order) })
    }
    for (const refund of order.refunds) {
      if (
        matches({
          syssn: refund.syssn,
          outTradeNo: refund.outTradeNo,
          payType: order.payType,
          sysdtm: refund.sysdtm,
        })
      ) {
        rows.push({ at: refund.createdAt, seq: rows.length, row: refundRow(order, refund) })
      }
    }
  }
  const filtered = rows
    .filter(({ row }) => respcd === undefined || row.respcd === respcd)
    .sort((a, b) => b.at - a.at || b.seq - a.seq)
  const data = filtered.slice((page - 1) * pageSize, page * pageSize).map(({ row }) => row)
  return {
    respcd: '0000',
    resperr: describeRespcd('0000').meaning,
    respmsg: '',
    page: String(page),
    page_size: String(pageSize),
    data,
  }
}

/** A comma-separated list, each item checked; `undefined` when the field is absent. */
function list(params: FormFields, name: string, pattern: RegExp): Set<string> | undefined {
  const value = params[name]
  if (value === undefined || value === '') return undefined
  const items = value.split(',').map((item) => item.trim())
  for (const item of items)
    if (!pattern.test(item)) throw fieldError(name, `has an invalid item "${item.slice(0, 40)}"`)
  return new Set(items)
}

function time(params: FormFields, name: string): number | undefined {
  const value = params[name]
  if (value === undefined || value === '') return undefined
  const at = parseTxdtm(value)
  if (!at) throw fieldError(name, 'must be a time as YYYY-MM-DD hh:mm:ss')
  return at.getTime()
}

/** Beijing / Hong Kong time, the gateway's calendar. */
const UTC8_MS = 8 * 60 * 60 * 1000
/** "Within one month": no range longer than the longest month. */
const MAX_RANGE_MS = 31 * 24 * 60 * 60 * 1000

/** Today's gateway: a missing bound falls back to the current calendar month (UTC+8). */
function monthWindow(
  now: number,
  start: number | undefined,
  end: number | undefined
): { start: number; end: number } {
  const local = new Date(now + UTC8_MS)
  const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - UTC8_MS
  const monthEnd = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - UTC8_MS - 1
  const window = { start: start ?? monthStart, end: end ?? monthEnd }
  if (window.end - window.start > MAX_RANGE_MS)
    throw fieldError('end_time', 'must be within one month of start_time')
  return window
}
