/**
 * The one place a stored checkout becomes what a browser may see. It copies an allowlist of the
 * contract's fields rather than deleting known server fields, so a field added to
 * `CheckoutRecord` later (a gateway id, a lease, a note) stays on the server by default.
 */
import type { Checkout, CheckoutFailure } from '../contract.ts'
import type { CheckoutRecord } from './records.ts'

/**
 * Every key of the wire `Checkout`. `satisfies` makes the compiler fail when `contract.ts`
 * gains or loses a field and this list does not follow.
 */
const WIRE_KEYS = {
  id: true,
  version: true,
  status: true,
  order: true,
  payType: true,
  flow: true,
  amount: true,
  currency: true,
  goodsName: true,
  createdAt: true,
  expiresAt: true,
  payUrl: true,
  paidAt: true,
  refundedAmount: true,
  latePayment: true,
  failure: true,
} as const satisfies Record<keyof Checkout, true>

/** The contract's `Checkout` keys, in contract order (tests compare against it). */
export const CHECKOUT_WIRE_KEYS = Object.keys(WIRE_KEYS) as ReadonlyArray<keyof Checkout>

/**
 * Maps a stored checkout to the wire `Checkout` of `contract.ts`: only the contract's keys,
 * optional ones only when set, and `failure` rebuilt field by field. Server-only fields
 * (`outTradeNo`, `syssn`, `mount`, `nextCheckAt`, `checkAttempts`, `upstreamClosed`,
 * `updatedAt`, and anything added later) never leave the server.
 *
 * @example
 * return c.json(toWireCheckout(await store.get(id)))
 */
export function toWireCheckout(record: CheckoutRecord): Checkout {
  const wire: Checkout = {
    id: record.id,
    version: record.version,
    status: record.status,
    order: record.order,
    payType: record.payType,
    flow: record.flow,
    amount: record.amount,
    currency: record.currency,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    refundedAmount: record.refundedAmount,
    latePayment: record.latePayment,
  }
  if (record.goodsName !== undefined) wire.goodsName = record.goodsName
  if (record.payUrl !== undefined) wire.payUrl = record.payUrl
  if (record.paidAt !== undefined) wire.paidAt = record.paidAt
  if (record.failure !== undefined) wire.failure = toWireFailure(record.failure)
  return wire
}

function toWireFailure(failure: CheckoutFailure): CheckoutFailure {
  const wire: CheckoutFailure = { code: failure.code, message: failure.message }
  if (failure.respcd !== undefined) wire.respcd = failure.respcd
  return wire
}
