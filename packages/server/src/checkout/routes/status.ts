/**
 * `GET {base}/checkouts/:id`: the polling fallback of the event stream. A poll of
 * a pending checkout may ask the gateway (`deps.refresh`), at most once per checkout per
 * `refreshEveryMs` whoever polls, so a page left polling cannot turn into a `/query` flood.
 */
import type { Hono } from 'hono'
import type { CheckoutDeps, CheckoutEnv } from '../context.ts'
import { rateLimitKey } from '../limit-creations.ts'
import { checkoutNotFound, servedHere, validCheckoutId } from '../validation.ts'
import { toWireCheckout } from '../../model/wire.ts'
import { settledWithin } from '../settled-within.ts'
import { createRefreshGate, type RefreshGateOptions } from './refresh-gate.ts'
import {
  createLongPoll,
  FULL,
  LONG_POLL_RETRY_AFTER_S,
  type LongPollOptions,
  longPollRefused,
  parseAfter,
} from './long-poll.ts'

/** Tuning of the poll-triggered refresh and of the long-poll; the defaults suit production. */
export interface StatusRouteOptions extends RefreshGateOptions, LongPollOptions {}

/**
 * Registers `GET /checkouts/:id` → the wire `Checkout`, `Cache-Control: no-store`.
 *
 * With `?after=<version>` (the widget's fallback when server-sent events fail) a pending
 * checkout still at or below that version is held until it changes or `longPollMs` passes
 * (long-poll.ts), then answered like any poll; a newer or final one is answered at once.
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
  const waitPast = createLongPoll(deps, options)
  app.get('/checkouts/:id', validCheckoutId, async (c) => {
    const { id } = c.req.valid('param')
    const after = parseAfter(c.req.query('after'))
    let row = await deps.store.get(id)
    if (!row || !servedHere(row, deps.settings)) throw checkoutNotFound()
    if (after !== undefined && row.status === 'pending' && row.version <= after) {
      // Long-poll: nothing new yet. Ask the gateway as a plain poll would (same throttle), but
      // do not wait for it: its answer, like a notify's, reaches this request through the hub.
      void refreshOnce(id)
      const client = rateLimitKey(c.get('clientIp') ?? 'unknown')
      const newer = await waitPast(id, after, client, c.req.raw.signal)
      if (newer === FULL) {
        c.header('Retry-After', String(LONG_POLL_RETRY_AFTER_S))
        throw longPollRefused()
      }
      row = newer ?? row
    } else if (after === undefined && row.status === 'pending') {
      await settledWithin(refreshOnce(id), waitMs)
      row = (await deps.store.get(id)) ?? row
    }
    c.header('Cache-Control', 'no-store')
    return c.json(toWireCheckout(row))
  })
}
