/**
 * The checkout domain's records: what a checkout, a refund, an outbox job and a notify are, and
 * the inputs the pure `plan*` decisions take. Types only; no I/O (the record → wire mapping is `wire.ts`). Stores
 * persist these shapes; `store/store.ts` re-exports them for its callers.
 */
import type { Checkout, CheckoutFailure, CheckoutStatus, PayFlow } from '../contract.ts'

export type { Checkout, CheckoutFailure, CheckoutStatus } from '../contract.ts'

/** A checkout as stored: the wire `Checkout` plus what only the server may see. */
export interface CheckoutRecord extends Checkout {
  /** Our QFPay `out_trade_no` for this payment; unique. */
  outTradeNo: string
  /** QFPay's transaction number, once the gateway has told us; unique when set. */
  syssn?: string
  /** Which mount created the checkout (e.g. `public`, `pos`); free-form, not part of any key. */
  mount: string
  /** When the reconciler should next `/query` this checkout; unset = never. */
  nextCheckAt?: string
  /** How many reconciler queries have run, for its backoff. */
  checkAttempts: number
  /** Until when one reconciler instance holds this checkout (`claimChecks`); unset = nobody. */
  checkLeaseUntil?: string
  /** Who holds that lease (the `owner` given to `claimChecks`), for logs and debugging. */
  checkLeaseOwner?: string
  /** True once the gateway confirmed the order closed/reversed, so it cannot be paid any more. */
  upstreamClosed: boolean
  updatedAt: string
}

/** What `create` needs; the store sets `version: 1`, `status: 'pending'`, zero refunds. */
export interface CreateCheckoutInput {
  order: string
  payType: string
  flow: PayFlow
  amount: number
  currency: string
  goodsName?: string
  outTradeNo: string
  expiresAt: string
  mount?: string
  /** Defaults to `newCheckoutId()`. */
  id?: string
  /** Defaults to the store's clock. */
  createdAt?: string
  /** Defaults to `createdAt`: a pending checkout is always on the reconciler's list. */
  nextCheckAt?: string
}

/**
 * Fields a caller may change. Wire-visible ones (`payUrl`, `expiresAt`, `paidAt`, `failure`,
 * `refundedAmount`) bump `version`; the others are bookkeeping and do not (see `Store.transition`).
 * `null` clears `nextCheckAt`.
 */
export interface CheckoutPatch {
  payUrl?: string
  expiresAt?: string
  paidAt?: string
  failure?: CheckoutFailure
  refundedAmount?: number
  syssn?: string
  nextCheckAt?: string | null
  checkAttempts?: number
  upstreamClosed?: boolean
  /** `null` releases the reconciler lease (`claimChecks`) early; bookkeeping, no version bump. */
  checkLeaseUntil?: null
}

/** Why a compare-and-set write did not happen. `current` is the row as it is now. */
export type WriteRejection =
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'conflict'; current: CheckoutRecord }
  | { ok: false; reason: 'illegal_transition'; current: CheckoutRecord }

/** Hooks the outbox drives; one entry per hook per transition. */
export type OutboxTopic = 'onPaid' | 'onStatus'

/** A durable "run this hook for this transition" job. */
export interface OutboxEntry {
  /** `${checkoutId}:${version}:${topic}`: also the hook's idempotency key. */
  id: string
  topic: OutboxTopic
  checkoutId: string
  version: number
  fromStatus: CheckoutStatus
  /** The wire checkout as of `version`; the hook sees this, not whatever the row became later. */
  checkout: Checkout
  /** How many times it has been claimed (1 on the first delivery). */
  attempts: number
  availableAt: string
  leaseUntil?: string
  lastError?: string
  createdAt: string
  completedAt?: string
}

/** What the notify route saw, accepted or not. */
export interface NotifyInput {
  /** The payment's or refund's `syssn`; required when `accepted`. */
  syssn?: string
  outTradeNo?: string
  /** `payment`, `refund`, … as sent; may be unknown junk on a rejected notify. */
  notifyType: string
  checkoutId?: string
  accepted: boolean
  /** Why it was rejected (`bad_signature`, `amount_mismatch`, …); required when not accepted. */
  reason?: string
  /** The body as received; never re-serialised. */
  rawBody: string
  receivedAt: string
}

/** A stored notify. */
export interface NotifyRecord extends NotifyInput {
  id: string
}

/** `duplicate`: an accepted notify for the same (syssn, notifyType) was already stored. */
export interface RecordNotifyResult {
  duplicate: boolean
  record: NotifyRecord
}

/** A refund's life: `unknown` = the gateway may still do it, so its amount stays reserved. */
export type RefundStatus = 'requested' | 'succeeded' | 'failed' | 'unknown'

/** One `/trade/v1/refund` call, persisted before the call is made. */
export interface RefundRecord {
  id: string
  checkoutId: string
  /** A new `out_trade_no` for the refund (unique across payments and refunds). */
  outTradeNo: string
  amount: number
  status: RefundStatus
  /** The refund's own `syssn`, once known. */
  syssn?: string
  failure?: CheckoutFailure
  createdAt: string
  updatedAt: string
}

/** `createRefund` input. */
export interface CreateRefundInput {
  checkoutId: string
  amount: number
  outTradeNo: string
  /** Defaults to `newCheckoutId()`. */
  id?: string
  createdAt?: string
}

/** `exceeds_refundable` carries what is still refundable (amount − succeeded − in flight). */
export type CreateRefundResult =
  | { ok: true; refund: RefundRecord }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_refundable'; status: CheckoutStatus }
  | { ok: false; reason: 'exceeds_refundable'; refundable: number }

/** `updateRefund` input: the new status and what the gateway said. */
export interface RefundPatch {
  status: RefundStatus
  syssn?: string
  failure?: CheckoutFailure
  /** The hooks a resulting checkout transition enqueues (see `TransitionInput.hooks`). */
  hooks?: readonly OutboxTopic[]
}
