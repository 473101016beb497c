/**
 * The checkout and refund status rules: which moves are allowed, and the named sets of statuses
 * the server asks about ("is this order paid?", "may this be refunded?"). Each set is written
 * here once; code imports it and SQL builds its `IN (…)` list from it (`store/sql-in.ts`).
 */
import type { CheckoutStatus } from '../contract.ts'
import type { RefundStatus } from './records.ts'

/**
 * The checkout state machine (docs/architecture.md#the-checkout-state-machine). Same-status
 * edges exist only where a second refund may follow a first.
 */
const CHECKOUT_EDGES: Record<CheckoutStatus, readonly CheckoutStatus[]> = {
  pending: ['paid', 'cancelled', 'expired', 'failed'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  // A wallet success can land after we closed or expired the order; it wins (and is flagged).
  cancelled: ['paid'],
  expired: ['paid'],
  failed: [],
  refunded: [],
}

const REFUND_EDGES: Record<RefundStatus, readonly RefundStatus[]> = {
  requested: ['succeeded', 'failed', 'unknown'],
  unknown: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
}

/** Whether the monotonic checkout state machine allows `from -> to`. */
export function canTransition(from: CheckoutStatus, to: CheckoutStatus): boolean {
  return CHECKOUT_EDGES[from].includes(to)
}

/** Whether a refund may move `from -> to` (requested -> succeeded | failed | unknown -> …). */
export function canTransitionRefund(from: RefundStatus, to: RefundStatus): boolean {
  return REFUND_EDGES[from].includes(to)
}

/** Statuses in which the order counts as paid: `create` answers `already_paid`, cancel refuses. */
export const PAID_STATUSES: readonly CheckoutStatus[] = ['paid', 'partially_refunded', 'refunded']

/** Statuses from which a refund may be requested (something paid is not yet all refunded). */
export const REFUNDABLE_STATUSES: readonly CheckoutStatus[] = ['paid', 'partially_refunded']

/** Refund statuses whose amount is reserved against the payment: done or maybe done. */
export const RESERVED_REFUND_STATUSES: readonly RefundStatus[] = [
  'requested',
  'unknown',
  'succeeded',
]

/** Whether the order counts as paid in `status` (see `PAID_STATUSES`). */
export function isPaidStatus(status: CheckoutStatus): boolean {
  return PAID_STATUSES.includes(status)
}

/** Whether a refund may be requested in `status` (see `REFUNDABLE_STATUSES`). */
export function isRefundableStatus(status: CheckoutStatus): boolean {
  return REFUNDABLE_STATUSES.includes(status)
}
