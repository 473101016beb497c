/**
 * Turns a call's typed params into the form fields QFPay receives and signs.
 *
 * Rules (docs/qfpay-protocol.md#signing): empty values are never sent (so the two readings of the
 * empty-value rule agree); `mchid` only when configured or given; numbers in decimal; `txdtm`
 * defaults to the client's clock in UTC+8; query batches are comma-joined (as in 2017). Only the
 * documented fields of each endpoint are picked, so a stray property (or a secret) on a params
 * object from untyped code is never sent.
 *
 * Caller mistakes (a fractional amount, a malformed `txdtm`) throw `TypeError`/`RangeError`:
 * they are bugs in the caller, not gateway faults, so they are not `QfpayError`s.
 */
import { endpointAction } from './errors.ts'
import { isSwipePayType } from './pay-types.ts'
import { formatTxdtm, isTxdtm } from './txdtm.ts'
import type {
  Batch,
  CancelParams,
  CommonParams,
  PaymentParams,
  QueryParams,
  RefundParams,
} from './types.ts'

/** The five `/trade/v1` endpoints the client calls. */
export type Endpoint = 'payment' | 'refund' | 'close' | 'reversal' | 'query'

/** Form fields as sent: every value a non-empty string. */
export type FormFields = Record<string, string>

/** What the client adds to every call. */
export interface FormContext {
  /** The configured `mchid`, if any. */
  mchid?: string | undefined
  /** The clock for a default `txdtm`. */
  now: () => Date | number
}

/** Largest `page_size` QFPay accepts. */
const MAX_PAGE_SIZE = 100

/** `/payment` fields. */
export function paymentFields(params: PaymentParams, ctx: FormContext): FormFields {
  const doing = endpointAction('payment')
  requireText(params.pay_type, 'pay_type', doing)
  requireText(params.out_trade_no, 'out_trade_no', doing)
  if (isSwipePayType(params.pay_type))
    requireText(params.auth_code, 'auth_code', doing, `for swipe-card pay type ${params.pay_type}`)
  const extend = params.extend_info
  return compact({
    ...common(params, ctx, doing),
    pay_type: params.pay_type,
    out_trade_no: params.out_trade_no,
    txamt: amount(params.txamt, doing),
    txcurrcd: params.txcurrcd,
    auth_code: params.auth_code,
    openid: params.openid,
    product_name: params.product_name,
    lnglat: params.lnglat,
    goods_name: params.goods_name,
    expired_time: params.expired_time,
    notify_url: params.notify_url,
    return_url: params.return_url,
    limit_pay: params.limit_pay,
    pay_tag: params.pay_tag,
    txzone: params.txzone,
    sub_openid: params.sub_openid,
    // How a JSON-valued field is signed is undocumented; its text, verbatim, is both
    // sent and signed, which is what a form-encoding client naturally does.
    extend_info: typeof extend === 'object' && extend !== null ? JSON.stringify(extend) : extend,
    rmb_tag: params.rmb_tag,
  })
}

/** `/refund` fields: `syssn` is the payment's, `out_trade_no` the refund's own (new, unique). */
export function refundFields(params: RefundParams, ctx: FormContext): FormFields {
  const doing = endpointAction('refund')
  requireText(params.syssn, 'syssn', doing)
  requireText(params.out_trade_no, 'out_trade_no', doing, '(a new number for the refund)')
  return compact({
    ...common(params, ctx, doing),
    syssn: params.syssn,
    out_trade_no: params.out_trade_no,
    txamt: amount(params.txamt, doing),
  })
}

/** `/close` and `/reversal` fields (the same request for both). */
export function cancelFields(
  endpoint: 'close' | 'reversal',
  params: CancelParams,
  ctx: FormContext
): FormFields {
  const doing = endpointAction(endpoint)
  if (isBlank(params.syssn) && isBlank(params.out_trade_no)) {
    throw new TypeError(`Failed to ${doing}: pass syssn or out_trade_no.`)
  }
  return compact({
    ...common(params, ctx, doing),
    syssn: params.syssn,
    out_trade_no: params.out_trade_no,
    txamt: amount(params.txamt, doing),
  })
}

/** `/query` fields; batches comma-joined. No `txdtm`: the query table has none. */
export function queryFields(params: QueryParams, ctx: FormContext): FormFields {
  const doing = endpointAction('query')
  return compact({
    mchid: params.mchid ?? ctx.mchid,
    syssn: batch(params.syssn, 'syssn', doing),
    out_trade_no: batch(params.out_trade_no, 'out_trade_no', doing),
    pay_type: batch(params.pay_type, 'pay_type', doing),
    respcd: params.respcd,
    start_time: time(params.start_time, 'start_time', doing),
    end_time: time(params.end_time, 'end_time', doing),
    page: positive(params.page, 'page', doing),
    page_size: positive(params.page_size, 'page_size', doing, MAX_PAGE_SIZE),
  })
}

function common(params: CommonParams, ctx: FormContext, doing: string): Record<string, unknown> {
  return {
    mchid: params.mchid ?? ctx.mchid,
    txdtm: params.txdtm === undefined ? formatTxdtm(ctx.now()) : time(params.txdtm, 'txdtm', doing),
    udid: params.udid,
  }
}

/** Drops empty values and writes the rest as strings. */
function compact(fields: Record<string, unknown>): FormFields {
  const out: FormFields = {}
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null || value === '') continue
    out[name] = String(value)
  }
  return out
}

function amount(value: unknown, doing: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(
      `Failed to ${doing}: txamt must be a positive integer in the currency's minor unit (100 = 1.00 HKD).`
    )
  }
  return value
}

function positive(
  value: number | undefined,
  name: string,
  doing: string,
  max = Number.MAX_SAFE_INTEGER
): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`Failed to ${doing}: ${name} must be an integer from 1 to ${max}.`)
  }
  return value
}

function batch(value: Batch | undefined, name: string, doing: string): string | undefined {
  if (value === undefined) return undefined
  const items = typeof value === 'string' ? [value] : [...value]
  for (const item of items) {
    // A comma inside one item would silently split it into two ids on the gateway.
    if (typeof item !== 'string' || (items.length > 1 && (item === '' || item.includes(',')))) {
      throw new TypeError(
        `Failed to ${doing}: each ${name} must be a non-empty string without commas.`
      )
    }
  }
  return items.join(',')
}

function time(value: string | Date | undefined, name: string, doing: string): string | undefined {
  if (value === undefined || value === '') return undefined
  if (value instanceof Date) return formatTxdtm(value)
  if (!isTxdtm(value))
    throw new TypeError(`Failed to ${doing}: ${name} must look like "2024-05-01 10:30:00" (UTC+8).`)
  return value
}

function requireText(value: unknown, name: string, doing: string, note = ''): void {
  if (isBlank(value))
    throw new TypeError(`Failed to ${doing}: ${name} is required${note ? ` ${note}` : ''}.`)
}

function isBlank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === ''
}
