/**
 * QFPay return codes (`respcd`) as data: the single table that says what a code means and what
 * a caller should do about it.
 *
 * Meanings follow QFPay's current table; the grouping is ours (QFPay's own
 * hints: "continue to query" for 1143/1145, back off for system errors). 1143 meant "transaction
 * does not exist" in the 2016 appendix; from 2017 on it is "pending" and that is what we use.
 *
 * @see docs/qfpay-protocol.md#return-codes
 */

/**
 * - `success`: the call worked (`0000`).
 * - `pending`: the outcome is not final: query, never resend.
 * - `retryable`: a transient system error: back off and retry with the same `out_trade_no`.
 * - `request-error`: fix the request; retrying it as it is will fail again.
 * - `state-conflict`: the order is not in a state that allows the call: query, then decide.
 * - `failed`: definite failure; this order will not take money.
 */
export type RespcdClass =
  'success' | 'pending' | 'retryable' | 'request-error' | 'state-conflict' | 'failed'

/** The coarse outcome a caller acts on (results, not errors: only faults are thrown). */
export type RespcdOutcome = 'ok' | 'pending' | 'declined' | 'error'

/** One row of the table. */
export interface RespcdInfo {
  code: string
  meaning: string
  class: RespcdClass
}

type Row = [code: string, meaning: string]

const groups: Record<RespcdClass, Row[]> = {
  success: [['0000', 'success']],
  pending: [
    ['1143', 'not paid yet, or the customer is entering the password'],
    ['1145', 'processing, please wait'],
    ['1298', 'network slow; if the customer may have paid, do not repeat: confirm later'],
    ['1295', 'network slow, waiting for a response'],
    ['2999', 'refund in progress (legacy)'],
    ['1161', 'unknown result, query again (legacy)'],
  ],
  retryable: [
    ['1100', 'system under maintenance'],
    ['1205', 'transaction failed, try again later'],
    ['1296', 'slow network, try later or another method'],
    ['1297', 'bank system busy, try later or another method'],
    ['1252', 'system error while placing the order'],
    ['1254', 'a problem occurred and is being resolved'],
  ],
  'request-error': [
    ['1102', 'duplicate request'],
    ['1103', 'request format error'],
    ['1104', 'request parameter error'],
    ['1105', 'device not activated'],
    ['1106', 'device invalid'],
    ['1107', 'device not allowed'],
    ['1108', 'signature error'],
    ['2011', 'transaction serial number repeats'],
  ],
  'state-conflict': [
    ['1125', 'already refunded'],
    ['1136', 'transaction does not exist or cannot be operated'],
    ['1142', 'order already closed'],
    ['1181', 'order expired'],
    ['1260', 'order already paid'],
    ['1261', 'order not paid'],
    ['1262', 'order refunded'],
    ['1263', 'order cancelled'],
    ['1264', 'order closed'],
    ['1266', 'amount wrong'],
    ['1267', 'order information mismatch'],
    ['1268', 'order does not exist'],
  ],
  failed: [
    ['1101', 'reversal error'],
    ['1147', 'WeChat Pay transaction error'],
    ['1150', 'T0 billing: cancelling not supported'],
    ['1155', 'refund denied'],
    ['1201', 'insufficient balance'],
    ['1202', 'wrong or expired payment code'],
    ['1203', 'merchant account error'],
    ['1204', 'bank error'],
    ['1212', 'use a UnionPay overseas payment code'],
    ['1241', 'store does not exist'],
    ['1242', 'store misconfigured'],
    ['1243', 'store disabled'],
    ['1250', 'transaction forbidden'],
    ['1251', 'store misconfigured'],
    ['1265', 'no refunds between 23:30 and 00:30 or for special promotions'],
    ['1269', 'insufficient same-day unsettled amount for the refund'],
    ['1270', 'currency does not support partial refunds'],
    ['1271', 'transaction does not support partial refunds'],
    ['1272', 'refund exceeds the refundable amount'],
    ['1294', 'transaction prohibited by the bank'],
    ['2005', 'customer payment code wrong or expired'],
  ],
}

/** Every known code, by code. */
export const RESPCD: ReadonlyMap<string, RespcdInfo> = new Map(
  (Object.entries(groups) as [RespcdClass, Row[]][]).flatMap(([cls, rows]) =>
    rows.map(([code, meaning]): [string, RespcdInfo] => [
      code,
      Object.freeze({ code, meaning, class: cls }),
    ])
  )
)

/**
 * Describes a code. An unknown code is a definite failure: a gateway that answers with a code
 * we do not know has not taken money with this call, and treating it as retryable could charge
 * twice.
 */
export function describeRespcd(code: string): RespcdInfo {
  return RESPCD.get(code) ?? { code, meaning: 'unknown return code', class: 'failed' }
}

/** `true` when the client may retry the same request (same `out_trade_no`) after a back-off. */
export function isRetryableRespcd(code: string): boolean {
  return describeRespcd(code).class === 'retryable'
}

/** `true` when the outcome is not known yet and must be learned by `/query`. */
export function isPendingRespcd(code: string): boolean {
  return describeRespcd(code).class === 'pending'
}

/** `true` for `0000`: the call, or the order a row describes, succeeded. */
export function isSuccessRespcd(code: string): boolean {
  return code === '0000'
}

/**
 * `true` while there is no final answer: a pending code, or a `/query` row that carries no
 * code yet (QFPay leaves `respcd` empty on a row it has not settled).
 */
export function isUnsettledRespcd(code: string): boolean {
  return code === '' || isPendingRespcd(code)
}

/**
 * What a state-conflict code says about the order itself, for callers (close, reversal,
 * `/query` rows) that act on it rather than on its class.
 */
const ORDER_STATE_CODES = {
  /** Already paid (1260), refunded (1262), already refunded (1125): money was taken. */
  paid: new Set(['1260', '1262', '1125']),
  /** Closed (1142, 1264), expired (1181), cancelled (1263): it will not take money. */
  closed: new Set(['1142', '1181', '1263', '1264']),
  /** No such order, or none that can be acted on (1136, 1268). */
  missing: new Set(['1136', '1268']),
} as const

/** `true` when a code says the order was paid (so a close or reversal came too late). */
export function isOrderPaidRespcd(code: string): boolean {
  return ORDER_STATE_CODES.paid.has(code)
}

/** `true` when a code says the order was closed, cancelled or expired upstream. */
export function isOrderClosedRespcd(code: string): boolean {
  return ORDER_STATE_CODES.closed.has(code)
}

/** `true` when a code says the gateway has no such order. */
export function isOrderMissingRespcd(code: string): boolean {
  return ORDER_STATE_CODES.missing.has(code)
}

/**
 * `true` for a reused `out_trade_no` (2011; 1102 "duplicate request" where the gateway says it
 * that way): the first request with that number may have taken effect, so the outcome is
 * learned by `/query`, never taken as a refusal.
 */
export function isReusedOutTradeNoRespcd(code: string): boolean {
  return code === '2011' || code === '1102'
}

/** `true` for 1108: the request signature did not verify (wrong key or sign type). */
export function isSignatureRefusedRespcd(code: string): boolean {
  return code === '1108'
}

/**
 * `true` for 1104, a parameter this merchant or order cannot use: at `/payment` most often a
 * pay type the merchant is not enabled for; at `/close` or `/reversal`, the other endpoint may
 * be the one this pay type takes (docs/qfpay-protocol.md#close-and-reversal).
 */
export function isParameterRefusedRespcd(code: string): boolean {
  return code === '1104'
}

/**
 * The caller's outcome for a code: `ok`, `pending`, `declined` (the shopper's wallet or the
 * order's state said no) or `error` (our request or the gateway is at fault).
 */
export function respcdOutcome(code: string): { outcome: RespcdOutcome; retryable: boolean } {
  const cls = describeRespcd(code).class
  switch (cls) {
    case 'success':
      return { outcome: 'ok', retryable: false }
    case 'pending':
      return { outcome: 'pending', retryable: false }
    case 'retryable':
      return { outcome: 'error', retryable: true }
    case 'failed':
    case 'state-conflict':
      return { outcome: 'declined', retryable: false }
    case 'request-error':
      return { outcome: 'error', retryable: false }
  }
}

/**
 * What `0000` from `/payment` means (docs/qfpay-protocol.md#requests-and-responses): for a
 * pre-order the order was *created* and a `pay_url`/`qrcode` issued; for a swipe-card type the
 * shopper *paid*.
 */
export function paymentSuccessMeaning(swipe: boolean): 'created' | 'paid' {
  return swipe ? 'paid' : 'created'
}

/**
 * `true` when a `/close` or `/reversal` answer means "this order cannot be cancelled here":
 * `1297` (QFPay's 2018 API reference §2.5.6, and the code today's docs give for an unsupported
 * cancel), a definite answer rather than a busy bank, so it is neither retried nor thrown.
 */
export function isCancelUnsupported(endpoint: string, code: string): boolean {
  return (endpoint === 'close' || endpoint === 'reversal') && code === '1297'
}
