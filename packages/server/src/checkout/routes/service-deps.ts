/**
 * What the money routes (create, cancel, notify, return) receive on top of `CheckoutDeps`: the
 * services that hold the transitions, so a route only adapts HTTP.
 */
import type { CheckoutClaims } from '../http/checkout-claims.ts'
import type { CheckoutDeps } from '../app/context.ts'
import type { NotifyHandler } from '../money/notifies.ts'
import type { PaymentService } from '../money/payments.ts'

/** `CheckoutDeps` plus the money services. */
export interface ServiceDeps extends CheckoutDeps {
  payments: PaymentService
  notifies: NotifyHandler
  /** Binds pending checkouts to the browser that created them; absent = trust every caller. */
  claims?: CheckoutClaims
}
