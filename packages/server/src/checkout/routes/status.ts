/**
 * `GET {base}/checkouts/:id`: the polling fallback of the event stream. A poll of
 * a pending checkout may ask the gateway through `deps.refresh`, which the app builds throttled
 * (refresh-gate.ts: at most once per checkout per window, whoever polls), so a page left polling
 * cannot turn into a `/query` flood.
 */
import type { Hono } from 'hono'
import type { CheckoutDeps, CheckoutEnv } from '../app/context.ts'
import { rateLimitKey } from '../http/limit-creations.ts'
import { checkoutNotFound, servedHere, validCheckoutId } from '../http/validation.ts'
import { toWireCheckout } from '../../model/wire.ts'
import { settledWithin } from '../app/settled-within.ts'
import {
  createLongPoll,
  FULL,
  LONG_POLL_RETRY_AFTER_S,
  type LongPollOptions,
  longPollRefused,
  parseAfter,
} from './long-poll.ts'

/** Tuning of the poll's wait for a refresh and of the long-poll; the defaults suit production. */
export interface StatusRouteOptions extends LongPollOptions {
  /** How long a poll waits for a refresh before answering the row it has, in ms. Default 1500. */
  refreshWaitMs?: number
}

/**
 * Registers `GET /checkouts/:id` → the wire `Checkout`, `Cache-Control: no-store`.
 *
 * With `?after=<version>` (the widget's fallback when server-sent events fail) a pending
 * checkout still at or below that version is held until it changes or `longPollMs` passes
 * (long-poll.ts), then answered like any poll; a newer or final one is answered at once.
 *
 * When the checkout is pending it asks `deps.refresh(id)` (a new gateway query, or the one already
 * running or just run inside the throttle's window) and waits for it at most `refreshWaitMs`,
 * then answers the freshest row:
 * usually the shopper sees "paid" on this very poll, yet a slow gateway never holds a poll for
 * its whole timeout (the refresh keeps running and the next poll or the stream shows it).
 */
export function registerStatusRoute(
  app: Hono<CheckoutEnv>,
  deps: CheckoutDeps,
  options: StatusRouteOptions = {}
): void {
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
      void deps.refresh(id)
      const client = rateLimitKey(c.get('clientIp') ?? 'unknown')
      const newer = await waitPast(id, after, client, c.req.raw.signal)
      if (newer === FULL) {
        c.header('Retry-After', String(LONG_POLL_RETRY_AFTER_S))
        throw longPollRefused()
      }
      row = newer ?? row
    } else if (after === undefined && row.status === 'pending') {
      await settledWithin(deps.refresh(id), waitMs)
      row = (await deps.store.get(id)) ?? row
    }
    c.header('Cache-Control', 'no-store')
    return c.json(toWireCheckout(row))
  })
}
