/**
 * `POST {base}/checkouts`: `{ payType, order, authCode? }` → the wire Checkout.
 * 201 for a new checkout, 200 (same body) for the pending one of the same order and pay type
 * when this browser created it (checkout-claims.ts); anyone else gets 409 `conflict`, no id.
 * A shopper's decline answers the failed checkout with 201 (status `failed`, `failure` set): the
 * widget shows a failed checkout as failed, and the answer is the same whether the decline came
 * back at once (swipe card) or later through `GET /checkouts/:id`. A lost gateway answer is
 * 504 `gateway_timeout`; retrying returns the same checkout without a second order.
 */
import type { Hono } from 'hono'
import type { CheckoutEnv } from '../context.ts'
import { createPayment } from '../create-payment.ts'
import { rateLimitKey } from '../limit-creations.ts'
import { createPendingPerClient } from '../pending-per-client.ts'
import { validCreateCheckoutBody } from '../validation.ts'
import { toWireCheckout } from '../../model/wire.ts'
import type { ServiceDeps } from './service-deps.ts'

/** Registers `POST /checkouts`. */
export function registerCreateRoute(app: Hono<CheckoutEnv>, deps: ServiceDeps): void {
  const pending = createPendingPerClient({
    store: deps.store,
    max: deps.settings.maxPendingPerClient,
    clock: deps.clock,
  })
  app.post('/checkouts', validCreateCheckoutBody, async (c) => {
    const body = c.req.valid('json')
    const guard = deps.claims && {
      claims: deps.claims,
      pending,
      client: rateLimitKey(deps.settings.clientIp(c)),
    }
    const { checkout, created } = await createPayment(deps.payments, body, c, guard)
    c.header('Cache-Control', 'no-store')
    return c.json(toWireCheckout(checkout), created ? 201 : 200)
  })
}
