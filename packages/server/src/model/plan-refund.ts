/**
 * The refund rules as pure functions: whether a refund may be requested (bounded by what is
 * still refundable) and what a refund's status change writes, including the payment's own
 * transition when it succeeds. No I/O here.
 */
import type {
  CheckoutRecord,
  CreateRefundInput,
  CreateRefundResult,
  RefundPatch,
  RefundRecord,
} from './records.ts'
import { assertMinorUnits, normaliseTime, planWrite, type WritePlan } from './plan-write.ts'
import { RESERVED_REFUND_STATUSES, canTransitionRefund, isRefundableStatus } from './status.ts'

/** Decide whether a refund may be requested, given the payment and its existing refunds. */
export function planRefund(
  checkout: CheckoutRecord | undefined,
  refunds: readonly RefundRecord[],
  input: CreateRefundInput,
  id: string,
  now: string
): CreateRefundResult {
  assertMinorUnits('refund amount', input.amount, 1)
  if (!checkout) return { ok: false, reason: 'not_found' }
  if (!isRefundableStatus(checkout.status)) {
    return { ok: false, reason: 'not_refundable', status: checkout.status }
  }
  const reserved = refunds
    .filter((r) => RESERVED_REFUND_STATUSES.includes(r.status))
    .reduce((sum, r) => sum + r.amount, 0)
  const refundable = checkout.amount - reserved
  if (input.amount > refundable) return { ok: false, reason: 'exceeds_refundable', refundable }
  const createdAt = normaliseTime(input.createdAt ?? now)
  return {
    ok: true,
    refund: {
      id,
      checkoutId: checkout.id,
      outTradeNo: input.outTradeNo,
      amount: input.amount,
      status: 'requested',
      createdAt,
      updatedAt: createdAt,
    },
  }
}

/** What a successful refund update asks the store to persist. */
export interface RefundUpdatePlan {
  ok: true
  refund: RefundRecord
  /** Present when the refund succeeded: the checkout's refund transition. */
  checkoutWrite?: WritePlan
}

/**
 * Plan a refund status change. A success moves the payment through a regular transition
 * (partially_refunded, or refunded once the whole amount is back), in the same transaction.
 */
export function planRefundUpdate(
  refund: RefundRecord | undefined,
  checkout: CheckoutRecord | undefined,
  patch: RefundPatch,
  now: string
):
  | RefundUpdatePlan
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'illegal_transition'; current: RefundRecord } {
  if (!refund) return { ok: false, reason: 'not_found' }
  if (!canTransitionRefund(refund.status, patch.status))
    return { ok: false, reason: 'illegal_transition', current: refund }
  const next: RefundRecord = { ...refund, status: patch.status, updatedAt: now }
  if (patch.syssn !== undefined) next.syssn = patch.syssn
  if (patch.failure !== undefined) next.failure = { ...patch.failure }
  if (patch.status !== 'succeeded') return { ok: true, refund: next }

  if (!checkout)
    throw new Error(
      `Failed to apply refund ${refund.id}: checkout ${refund.checkoutId} is missing.`
    )
  const refundedAmount = checkout.refundedAmount + refund.amount
  const status = refundedAmount >= checkout.amount ? 'refunded' : 'partially_refunded'
  const write = planWrite(checkout, checkout.version, { refundedAmount }, status, now, patch.hooks)
  // createRefund reserved the amount while the payment was refundable, so this cannot fail.
  if (!write.ok)
    throw new Error(`Failed to apply refund ${refund.id}: checkout is ${checkout.status}.`)
  return { ok: true, refund: next, checkoutWrite: write }
}
