/**
 * `GET {base}/checkouts/:id`: the polling fallback of the event stream (design.md §2). A poll of
 * a pending checkout may ask the gateway (`deps.refresh`), at most once per checkout per
 * `refreshEveryMs` whoever polls, so a page left polling cannot turn into a `/query` flood.
 */
import type { Hono } from 'hono'
import type { CheckoutDeps, CheckoutEnv } from '../context.ts'
import type { StatusRouteOptions } from './refresh-gate.ts'
import { checkoutNotFound, servedHere, validCheckoutId } from '../validation.ts'
import { toWireCheckout } from '../wire.ts'
import { createRefreshGate, withinMs } from './refresh-gate.ts'

export type { StatusRouteOptions } from './refresh-gate.ts'

/**
 * Registers `GET /checkouts/:id` → the wire `Checkout`, `Cache-Control: no-store`.
 *
 * When the checkout is pending and no refresh of it ran in the last `refreshEveryMs`, it starts
 * `deps.refresh(id)` and waits for it at most `refreshWaitMs`, then answers the freshest row:
 * usually the shopper sees "paid" on this very poll, yet a slow gateway never holds a poll for
 * its whole timeout (the refresh keeps running and the next poll or the stream shows it). A poll
 * inside the window joins the running refresh (same cap) instead of starting another.
 */
export function registerStatusRoute(
  app: Hono<CheckoutEnv>,
  deps: CheckoutDeps,
  options: StatusRouteOptions = {}
): void {
  const refreshOnce = createRefreshGate(deps, options)
  const waitMs = options.refreshWaitMs ?? 1500
  app.get('/checkouts/:id', validCheckoutId, async (c) => {
    const { id } = c.req.valid('param')
    let row = await deps.store.get(id)
    if (!row || !servedHere(row, deps.settings)) throw checkoutNotFound()
    if (row.status === 'pending') {
      await withinMs(refreshOnce(id), waitMs)
      row = (await deps.store.get(id)) ?? row
    }
    c.header('Cache-Control', 'no-store')
    return c.json(toWireCheckout(row))
  })
}
