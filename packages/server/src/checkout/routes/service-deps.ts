/**
 * What the money routes (create, cancel, notify, return) receive on top of `CheckoutDeps`: the
 * services that hold the transitions, so a route only adapts HTTP.
 */
import type { CheckoutClaims } from '../http/checkout-claims.ts'
import type { CheckoutDeps } from '../app/context.ts'
import type { createPayment } from '../money/create-payment.ts'
import type { NotifyHandler } from '../money/notifies.ts'
import type { PaymentService } from '../money/payments.ts'

/** `CheckoutDeps` plus the money services, each as narrow as the routes use it. */
export interface ServiceDeps extends CheckoutDeps {
  /** Opens (or finds) the checkout a `POST /checkouts` asks for (money/create-payment.ts). */
  openPayment: (
    ...args: DropFirst<Parameters<typeof createPayment>>
  ) => ReturnType<typeof createPayment>
  /** Cancels a pending checkout (`POST /checkouts/:id/cancel`). */
  payments: Pick<PaymentService, 'cancel'>
  notifies: NotifyHandler
  /** Binds pending checkouts to the browser that created them; absent = trust every caller. */
  claims?: CheckoutClaims
}

/** A function's parameters after the first (the dependencies it is bound to). */
type DropFirst<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never
