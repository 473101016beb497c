/**
 * What the element tells its controller, in a module of its own: the controller
 * (state/checkout-controller.ts, in the entry) and the pay chunk's effects (pay/checkout-effects.ts) both
 * read it, and neither imports the other for it.
 */
import type { CheckoutMode } from './checkout-machine.ts'

/** What the element tells the controller, read at the moment it is needed. */
export interface CheckoutInputs {
  endpoint: string | undefined
  order: string | undefined
  payTypes: string[] | undefined
  mode: CheckoutMode
  checkoutId: string | undefined
}
