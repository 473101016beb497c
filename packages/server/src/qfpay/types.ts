/**
 * Typed parameters and answers of QFPay's `/trade/v1` endpoints. Field names are QFPay's own
 * wire names (snake_case, as sent), so every line can be checked against QFPay's docs.
 *
 * Sources: the 2017 fields come from QFPay's January 2017 `/trade/v1` document (`mchid`,
 * `pay_type`, `out_trade_no`, `txdtm`, `txamt`, `udid`, `auth_code`, `openid`, `product_name`,
 * `lnglat`; refund's own `out_trade_no`; query's comma-separated batches); the extras from the
 * current docs. Both are listed in docs/qfpay-protocol.md#sources.
 * Amounts are integers in the currency's minor unit, in params and in parsed answers alike.
 *
 * @see docs/qfpay-protocol.md
 */
import type { RespcdClass, RespcdOutcome } from './respcd.ts'

/** Fields every call may carry. */
export interface CommonParams {
  /** Overrides the client's `mchid` for this call (agents). Sent only when set. */
  mchid?: string
  /** Request time `YYYY-MM-DD hh:mm:ss` in UTC+8; defaults to the client's clock (txdtm.ts). */
  txdtm?: string
  /** Device id shown in the merchant portal, ≤ 40 chars. */
  udid?: string
}

/** `POST /trade/v1/payment` (the 2017 fields plus current extras; docs/qfpay-protocol.md#payment). */
export interface PaymentParams extends CommonParams {
  /** 6-digit pay type, e.g. `800201` (pay-types.ts). */
  pay_type: string
  /** Merchant order number, unique across payments *and* refunds. Reuse it, never a new one, to retry. */
  out_trade_no: string
  /** Amount in the currency's minor unit (100 = 1.00 HKD); a positive integer. */
  txamt: number
  /** ISO-4217 currency; required by current docs, absent in 2017 (per-merchant currency). */
  txcurrcd?: string
  /** Swipe-card (CPM) types only: the shopper's barcode. */
  auth_code?: string
  /** 2017-era WeChat payer id. */
  openid?: string
  /** 2017-era name of `goods_name`. */
  product_name?: string
  /** 2017-era `"lat lng"`, one space between. */
  lnglat?: string
  /** Goods description, ≤ 20 characters. */
  goods_name?: string
  /** QR lifetime in minutes (5–120, default 30), pre-order types only. */
  expired_time?: number | string
  /** Per-request notify URL (2017: one URL per appcode, set by QFPay; which wins is undocumented). */
  notify_url?: string
  /** Browser redirect after payment. */
  return_url?: string
  /** `no_credit` forbids credit cards (mainland WeChat). */
  limit_pay?: 'no_credit' | (string & {})
  /** Alipay MPM: `ALIPAYHK` (default) or `ALIPAYCN`. */
  pay_tag?: 'ALIPAYHK' | 'ALIPAYCN' | (string & {})
  /** Time zone of `txdtm`, e.g. `+0800` (the default). */
  txzone?: string
  /** WeChat JSAPI payer openid (800207). */
  sub_openid?: string
  /** JSON object (sent as its JSON text, which is also what is signed). */
  extend_info?: string | Record<string, unknown>
  /** `Y` with `txcurrcd=CNY` charges in RMB on WeChat HK. */
  rmb_tag?: 'Y' | (string & {})
}

/** `POST /trade/v1/refund` (docs/qfpay-protocol.md#refunds). */
export interface RefundParams extends CommonParams {
  /** The original payment's `syssn`. */
  syssn: string
  /** A **new** number for the refund itself, not the payment's (unique across payments and refunds). */
  out_trade_no: string
  /** Refund amount in minor units, also for a full refund. */
  txamt: number
}

/** `POST /trade/v1/close` and `/reversal` (docs/qfpay-protocol.md#close-and-reversal): `syssn` or `out_trade_no`, at least one. */
export interface CancelParams extends CommonParams {
  /** The order's `syssn`. */
  syssn?: string
  /** The order's `out_trade_no`. */
  out_trade_no?: string
  /** The order's amount in minor units (required by current docs and by the 2017 reversal). */
  txamt: number
}

/** A batch field: one value or several, sent comma-joined (as the 2017 query takes them). */
export type Batch = string | readonly string[]

/** `POST /trade/v1/query` (docs/qfpay-protocol.md#query). */
export interface QueryParams {
  mchid?: string
  syssn?: Batch
  out_trade_no?: Batch
  pay_type?: Batch
  /** Filter by the transactions' own `respcd`. */
  respcd?: string
  /** `YYYY-MM-DD hh:mm:ss` (UTC+8) or an instant; filters on `sysdtm`, within one month. */
  start_time?: string | Date
  end_time?: string | Date
  /** Page number, default 1. */
  page?: number
  /** Rows per page, default 10, max 100. */
  page_size?: number
}

/** The envelope of every answer; unknown fields are kept as the gateway sent them. */
export interface QfpayEnvelope {
  respcd: string
  resperr: string
  respmsg: string
  [field: string]: unknown
}

/** Identifiers and times most answers echo (strings, as on the wire; `txamt` as an integer). */
export interface TransactionFields {
  syssn?: string
  out_trade_no?: string
  pay_type?: string
  txamt?: number
  txcurrcd?: string
  txdtm?: string
  sysdtm?: string
  paydtm?: string
  chnlsn?: string
  chnlsn2?: string
  cardcd?: string
  udid?: string
}

/** `/payment` answer. */
export interface PaymentResponse extends QfpayEnvelope, TransactionFields {
  /** MPM: the string to render as a QR code. */
  qrcode?: string
  /** Web/WAP: the URL to redirect to (or render as a QR). */
  pay_url?: string
  /** 800207 JSAPI parameters. */
  pay_params?: Record<string, unknown>
  surcharge_fee?: string
  surcharge_rate?: string
  code_url?: string
}

/** `/refund`, `/close` and `/reversal` answer. */
export interface RefundResponse extends QfpayEnvelope, TransactionFields {
  /** The payment refunded or cancelled. */
  orig_syssn?: string
  cash_fee?: string
  cash_fee_type?: string
  cash_refund_fee?: string
  cash_refund_fee_type?: string
}

/** `/close` and `/reversal` answer; same shape as a refund's. */
export type CancelResponse = RefundResponse

/** One transaction row of `/query`: payments and refunds alike. */
export interface QueryRow extends TransactionFields {
  /** `payment` or `refund` (2018 doc also lists `close`). */
  order_type?: 'payment' | 'refund' | 'close' | (string & {})
  /** The transaction's **own** state: `0000` paid, `1143`/`1145` pending, others failed/closed. */
  respcd: string
  /** Text for the row's `respcd`. */
  errmsg?: string
  /** Cancel/refund flag (values in docs/qfpay-protocol.md#query). */
  cancel?: string
  /** Refund rows only: the refunded payment's `syssn`. */
  origssn?: string
  goods_name?: string
  [field: string]: unknown
}

/** `/query` answer; `page` and `page_size` normalised to numbers. */
export interface QueryResponse extends QfpayEnvelope {
  page: number
  page_size: number
  data: QueryRow[]
}

/** What every non-query method returns for an answer that is an outcome (not a fault). */
export interface QfpayResult<R extends QfpayEnvelope> {
  /** `ok` (`0000`), `pending` (query later, do not resend) or `declined` (definite no). */
  outcome: Exclude<RespcdOutcome, 'error'>
  respcd: string
  /** The code's class in respcd.ts (`success`, `pending`, `failed`, `state-conflict`). */
  respcdClass: RespcdClass
  resperr: string
  respmsg: string
  /** The whole parsed answer, unknown fields included. */
  response: R
  /** `verified` when the answer carried an `X-QF-SIGN` that matched; `absent` when unsigned. */
  signature: 'verified' | 'absent'
}

/** `/payment` result: `status` says what `0000` meant for this pay type. */
export interface PaymentResult extends QfpayResult<PaymentResponse> {
  /**
   * `created`: a pre-order was opened (`qrcode`/`pay_url` issued; not paid yet).
   * `paid`: a swipe-card payment went through. `pending`: query later. `declined`: no money.
   */
  status: 'created' | 'paid' | 'pending' | 'declined'
}

/** `/refund` result. */
export type RefundResult = QfpayResult<RefundResponse>

/** `/close` and `/reversal` result. */
export type CancelResult = QfpayResult<CancelResponse>

/** `/query` result (only a `0000` answer is a result; anything else is thrown). */
export interface QueryResult {
  rows: QueryRow[]
  page: number
  page_size: number
  response: QueryResponse
  signature: 'verified' | 'absent'
}

/** Fields shared by the notifies (payment and refund). */
export interface NotifyFields {
  notify_type?: string
  respcd?: string
  syssn?: string
  out_trade_no?: string
  txamt?: number
  txcurrcd?: string
  txdtm?: string
  sysdtm?: string
  mchid?: string
  [field: string]: unknown
}

/** `notify_type=payment`; a 2016-era notify without `notify_type` is read as one. */
export interface PaymentNotify extends NotifyFields {
  notify_type: 'payment'
  /** `"1"` = payment success. */
  status?: string
  pay_type?: string
  paydtm?: string
  cancel?: string
  goods_name?: string
  goods_info?: string
  chnlsn?: string
  chnlsn2?: string
  cardcd?: string
}

/** `notify_type=refund` (fields from a captured production notify; docs/qfpay-protocol.md#refunds). */
export interface RefundNotify extends NotifyFields {
  notify_type: 'refund'
  orig_syssn?: string
  orig_out_trade_no?: string
  cash_refund_fee?: string
  cash_refund_fee_type?: string
}

/** A verified notify, by kind; `other` keeps a type the project does not act on (2018 `close`). */
export type VerifiedNotify =
  | { kind: 'payment'; notify: PaymentNotify }
  | { kind: 'refund'; notify: RefundNotify }
  | { kind: 'other'; notify: NotifyFields }
