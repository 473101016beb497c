/**
 * The wire contract between `<qfpay-checkout>` and the merchant's checkout routes
 * (docs/architecture.md#routes-of-the-checkout-app). Type-only: the widget imports it with `import type`, so nothing here
 * may carry runtime code.
 *
 * Conventions: camelCase fields; amounts are integers in the currency's minor unit; times are
 * ISO-8601 UTC strings; `payType` is QFPay's 6-digit code as a string.
 */

/** Where the shopper pays: a QR shown on the page, a redirect to the wallet, or a scanned code. */
export type PayFlow = 'qr' | 'redirect' | 'code'

/** The wallet behind a pay type. */
export type Wallet = 'alipay' | 'wechat'

/** One enabled way to pay, as `GET {base}/config` lists it. */
export interface PayMethod {
  payType: string
  wallet: Wallet
  flow: PayFlow
}

/** `GET {base}/config` */
export interface CheckoutConfig {
  currency: string
  methods: PayMethod[]
}

/** Every status a checkout can have (docs/architecture.md#the-checkout-state-machine). */
export type CheckoutStatus =
  'pending' | 'paid' | 'failed' | 'expired' | 'cancelled' | 'refunded' | 'partially_refunded'

/** Statuses after which nothing changes for the shopper (refunds are the merchant's business). */
export type FinalCheckoutStatus = Exclude<CheckoutStatus, 'pending'>

/** Why a checkout failed, when the gateway said so. */
export interface CheckoutFailure {
  code: string
  message: string
  respcd?: string
}

/**
 * One checkout = one QFPay order. `version` grows with every change, so a client that holds
 * both a stream and a poll keeps the newest.
 */
export interface Checkout {
  /** Unguessable token (>= 128 random bits), not the `out_trade_no`. */
  id: string
  version: number
  status: CheckoutStatus
  /** The merchant's order reference, as the widget sent it. */
  order: string
  payType: string
  flow: PayFlow
  /** Minor units, decided by the server's `resolveOrder`. */
  amount: number
  currency: string
  goodsName?: string
  /** ISO-8601 UTC. */
  createdAt: string
  /** ISO-8601 UTC: when the QR or pay URL stops working. */
  expiresAt: string
  /** The gateway's `pay_url` / `qrcode`, unchanged. */
  payUrl?: string
  paidAt?: string
  /** Minor units refunded so far. */
  refundedAmount: number
  /** True when a payment landed after the checkout was cancelled or had expired. */
  latePayment: boolean
  failure?: CheckoutFailure
}

/** `POST {base}/checkouts` body. A browser-sent amount is never read. */
export interface CreateCheckoutRequest {
  payType: string
  order: string
  /** Only for flow `code` (swipe card), on the cashier mount. */
  authCode?: string
}

/** Snake-case error codes of the `{ error }` body. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'forbidden'
  | 'origin_not_allowed'
  | 'not_found'
  | 'checkout_not_found'
  | 'order_not_found'
  | 'pay_type_not_enabled'
  | 'pay_type_not_available'
  | 'already_paid'
  | 'checkout_final'
  | 'conflict'
  | 'rate_limited'
  | 'gateway_error'
  | 'gateway_declined'
  | 'gateway_timeout'
  | 'internal_error'
  | 'unavailable'

/** HTTP statuses the routes answer errors with. */
export type ErrorStatus = 400 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502 | 503 | 504

/** The one error shape every route answers with. */
export interface ErrorBody {
  error: {
    code: ErrorCode
    message: string
    field?: string
    respcd?: string
  }
}

/** The SSE event name: frames are `event: status`, `id: <version>`, `data: <Checkout JSON>`. */
export type StatusEventName = 'status'
