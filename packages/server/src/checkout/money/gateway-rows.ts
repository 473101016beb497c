/**
 * Reads what the gateway says about one payment (a `/query` row, or no row at all) into the
 * few facts the checkout state machine acts on. This is the only place that interprets a row's
 * `respcd` and `cancel` flag for payments (docs/qfpay-protocol.md#query).
 */
import type { CheckoutFailure } from '../../contract.ts'
import {
  describeRespcd,
  isOrderClosedRespcd,
  isSuccessRespcd,
  isUnsettledRespcd,
} from '../../qfpay/respcd.ts'
import { parseTxdtm } from '../../qfpay/txdtm.ts'
import type { QueryRow } from '../../qfpay/types.ts'

/**
 * - `paid`: the shopper paid (`0000`). `reversed` when a swipe-card reversal gave the money
 *   back (`cancel` 1), `refunded` with `cancel` 3 (whole amount back).
 * - `pending`: not paid yet, or the outcome is still being decided (1143, 1145, 1298…).
 * - `closed`: closed or expired at the gateway (1142, 1181, 1263, 1264): it can no longer be paid
 *   (except by a late wallet success, which comes with a notify).
 * - `failed`: the wallet or bank said no (1201, 2005…).
 * - `missing`: no row: the gateway never saw this `out_trade_no`.
 */
export type PaymentObservation =
  | { kind: 'paid'; syssn: string | undefined; paidAt: string | undefined; reversed: boolean }
  | { kind: 'pending'; syssn: string | undefined }
  | { kind: 'closed'; syssn: string | undefined }
  | { kind: 'failed'; syssn: string | undefined; failure: CheckoutFailure }
  | { kind: 'missing' }
/** The payment rows of a `/query` answer, by `out_trade_no` (refund rows are left out). */
export function paymentRowsByOutTradeNo(rows: readonly QueryRow[]): Map<string, QueryRow> {
  const byNo = new Map<string, QueryRow>()
  for (const row of rows) {
    if (row.order_type !== undefined && row.order_type !== 'payment') continue
    if (typeof row.out_trade_no === 'string' && row.out_trade_no !== '')
      byNo.set(row.out_trade_no, row)
  }
  return byNo
}

/**
 * What one payment row (or its absence) means. Its `cancel` flag, by value (sdk.qfapi.com,
 * 2025-08 and 2026-02): `0` none, `1` swipe-card reversed or refunded, `2` MPM cancelled, `3`
 * refunded, `4` Alipay pre-authorisation finished, `5` partially refunded. QFPay's 2017 FAQ read
 * `2` as "refund succeeded" on the original; both readings mean the money went back, so `1` and
 * `2` on a paid row end the checkout `cancelled`, `2` on an unpaid one means closed, and `3`–`5`
 * keep it paid (refunds are booked by the refund flow, not from this flag).
 */
export function observePayment(row: QueryRow | undefined): PaymentObservation {
  if (!row) return { kind: 'missing' }
  const syssn = typeof row.syssn === 'string' && row.syssn !== '' ? row.syssn : undefined
  const respcd = row.respcd
  if (isSuccessRespcd(respcd)) {
    return {
      kind: 'paid',
      syssn,
      paidAt: gatewayTime(row.paydtm) ?? gatewayTime(row.sysdtm),
      reversed: row.cancel === '1' || row.cancel === '2',
    }
  }
  if (isOrderClosedRespcd(respcd) || row.cancel === '2') return { kind: 'closed', syssn }
  if (isUnsettledRespcd(respcd)) return { kind: 'pending', syssn }
  return { kind: 'failed', syssn, failure: declineFailure(respcd) }
}

/** A gateway time (`YYYY-MM-DD hh:mm:ss`, UTC+8) as ISO-8601 UTC, or `undefined`. */
export function gatewayTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  return parseTxdtm(value)?.toISOString()
}

/** The failure a checkout carries after a declined `/payment`. */
export function declineFailure(respcd: string): CheckoutFailure {
  // QFPay's own resperr is often Chinese; the meaning from our table is shown instead, so what
  // the shopper sees does not depend on the gateway's language.
  const info = describeRespcd(respcd)
  return { code: 'gateway_declined', message: `The payment was declined: ${info.meaning}.`, respcd }
}
