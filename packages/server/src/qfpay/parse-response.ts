/**
 * Tolerant reading of QFPay answers and notifies. QFPay says to expect new fields, and its
 * examples show the same field as a string in one place and a bare number in another, so: unknown fields are kept untouched, known text fields become strings, `txamt`
 * becomes an integer, `page`/`page_size` numbers, and a numeric `respcd` gets its leading
 * zeros back (`0` → `0000`).
 *
 * Limit: an id sent as a bare JSON number above 2^53 (a 26-digit `syssn`) has already lost
 * digits inside `JSON.parse`; no example shows one, every example quotes ids.
 *
 * @see docs/qfpay-protocol.md#requests-and-responses
 */
import type {
  NotifyFields,
  QfpayEnvelope,
  QueryResponse,
  QueryRow,
  VerifiedNotify,
} from './types.ts'

/** Fields QFPay documents as text; a number found there is turned back into its decimal text. */
const TEXT_FIELDS = new Set([
  'respcd',
  'resperr',
  'respmsg',
  'errmsg',
  'syssn',
  'orig_syssn',
  'origssn',
  'out_trade_no',
  'orig_out_trade_no',
  'pay_type',
  'txcurrcd',
  'txdtm',
  'sysdtm',
  'paydtm',
  'chnlsn',
  'chnlsn2',
  'cardcd',
  'cardtp',
  'clisn',
  'udid',
  'userid',
  'mchid',
  'order_type',
  'cancel',
  'notify_type',
  'status',
  'goods_name',
  'goods_info',
  'qrcode',
  'pay_url',
  'code_url',
  'surcharge_fee',
  'surcharge_rate',
  'exchange_rate',
  'cash_fee',
  'cash_fee_type',
  'cash_refund_fee',
  'cash_refund_fee_type',
])

/** Integer amount fields in minor units. */
const AMOUNT_FIELDS = new Set(['txamt'])

/** Reads an integer from a number or a decimal string; `undefined` otherwise. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
    const n = Number(value)
    return Number.isSafeInteger(n) ? n : undefined
  }
  return undefined
}

/** Normalises one flat object's known fields; unknown fields pass through as they are. */
export function normaliseFields(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(raw)) {
    if (AMOUNT_FIELDS.has(field)) out[field] = toInteger(value)
    else if (TEXT_FIELDS.has(field) && (typeof value === 'number' || typeof value === 'bigint')) {
      out[field] = field === 'respcd' ? String(value).padStart(4, '0') : String(value)
    } else out[field] = value
  }
  return out
}

/**
 * Reads an answer's envelope and flat fields. Returns `undefined` when the value is not an
 * object with a `respcd` (the caller then raises a `QfpayResponseError`).
 */
export function parseEnvelope<R extends QfpayEnvelope = QfpayEnvelope>(
  json: unknown
): R | undefined {
  if (!isRecord(json) || json['respcd'] === undefined || json['respcd'] === null) return undefined
  const out = normaliseFields(json)
  if (typeof out['respcd'] !== 'string') return undefined
  out['resperr'] = typeof out['resperr'] === 'string' ? out['resperr'] : ''
  out['respmsg'] = typeof out['respmsg'] === 'string' ? out['respmsg'] : ''
  return out as R
}

/**
 * Reads a `/query` answer: rows normalised like flat answers; `page`/`page_size` as numbers,
 * falling back to what was asked for (or QFPay's defaults 1 and 10) when absent or malformed.
 */
export function parseQueryResponse(
  envelope: QfpayEnvelope,
  asked: { page?: number | undefined; page_size?: number | undefined } = {}
): QueryResponse {
  const rows = Array.isArray(envelope['data']) ? envelope['data'] : []
  const data = rows.filter(isRecord).map((row) => {
    const out = normaliseFields(row)
    if (typeof out['respcd'] !== 'string') out['respcd'] = ''
    return out as QueryRow
  })
  return {
    ...envelope,
    page: positiveInteger(envelope['page']) ?? asked.page ?? 1,
    page_size: positiveInteger(envelope['page_size']) ?? asked.page_size ?? 10,
    data,
  }
}

/**
 * Reads a verified notify's JSON into its kind. A notify without `notify_type` (the 2016
 * list has none) is a payment notify; `refund` is a refund notify; anything else (the 2018
 * doc's `close`) is kept as `other` rather than dropped, so the caller can record it.
 */
export function parseNotify(json: Record<string, unknown>): VerifiedNotify {
  const fields = normaliseFields(json) as NotifyFields
  if (fields.notify_type === undefined || fields.notify_type === 'payment') {
    return { kind: 'payment', notify: { ...fields, notify_type: 'payment' } }
  }
  if (fields.notify_type === 'refund')
    return { kind: 'refund', notify: { ...fields, notify_type: 'refund' } }
  return { kind: 'other', notify: fields }
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function positiveInteger(value: unknown): number | undefined {
  const n = toInteger(value)
  return n !== undefined && n > 0 ? n : undefined
}
