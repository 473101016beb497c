/**
 * `POST {base}/checkouts/:id/cancel`: closes the order upstream (`/close` for
 * online pay types, `/reversal` for swipe-card ones) after a query, so a close racing
 * a payment never leaves a checkout cancelled while the gateway says paid.
 *
 * - pending → 200 with the cancelled checkout (or 409 `already_paid` if it turned out paid);
 * - paid, partially refunded, refunded → 409 `already_paid`;
 * - failed, expired, cancelled → 200 with the checkout as it is (cancelling twice is harmless,
 *   and the widget reads the status it gets);
 * - unknown id, or another mount's checkout → 404; a close the gateway did not confirm → 504 `gateway_timeout` (still pending).
 */
import type { Hono } from 'hono'
import type { CheckoutEnv } from '../context.ts'
import { CheckoutError } from '../errors.ts'
import { PAID_STATUSES } from '../../model/status.ts'
import { checkoutNotFound, servedHere, validCheckoutId } from '../validation.ts'
import { toWireCheckout } from '../../model/wire.ts'
import type { ServiceDeps } from './service-deps.ts'

/** Registers `POST /checkouts/:id/cancel`. */
export function registerCancelRoute(app: Hono<CheckoutEnv>, deps: ServiceDeps): void {
  app.post('/checkouts/:id/cancel', validCheckoutId, async (c) => {
    const { id } = c.req.valid('param')
    // Another mount's checkout is not found here (a public route must not reverse a till's payment).
    const found = await deps.store.get(id)
    if (!found || !servedHere(found, deps.settings)) throw checkoutNotFound()
    const after = await deps.payments.cancel(id)
    if (!after) throw checkoutNotFound()
    if (PAID_STATUSES.includes(after.status)) {
      throw new CheckoutError(
        'already_paid',
        409,
        'Failed to cancel the checkout: it is already paid.'
      )
    }
    c.header('Cache-Control', 'no-store')
    return c.json(toWireCheckout(after))
  })
}
