/**
 * `GET {base}/checkouts/:id`: the polling fallback of the event stream. A poll of
 * a pending checkout may ask the gateway (`deps.refresh`), at most once per checkout per
 * `refreshEveryMs` whoever polls, so a page left polling cannot turn into a `/query` flood.
 */
import type { Hono } from 'hono'
import type { CheckoutDeps, CheckoutEnv } from '../context.ts'
import { checkoutNotFound, servedHere, validCheckoutId } from '../validation.ts'
import { toWireCheckout } from '../wire.ts'

/** Tuning of the poll-triggered refresh; the defaults suit production. */
export interface StatusRouteOptions {
  /** At most one refresh per checkout per this many ms (by `deps.clock`). Default 5000. */
  refreshEveryMs?: number
  /** How long a poll waits for a refresh before answering the row it has, in ms. Default 1500. */
  refreshWaitMs?: number
  /** How many checkouts' last refresh times are remembered; the oldest are forgotten first. Default 10 000. */
  maxTracked?: number
}

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

/**
 * Per-checkout refresh throttle: an in-memory map id → the last refresh (start time, promise),
 * in start order, bounded by `maxTracked`. Returns the refresh to wait for: a new one when the
 * last is older than the window, else the last one (already settled, or still running).
 */
function createRefreshGate(
  deps: CheckoutDeps,
  options: StatusRouteOptions
): (id: string) => Promise<void> {
  const everyMs = options.refreshEveryMs ?? 5000
  const maxTracked = options.maxTracked ?? 10_000
  const last = new Map<string, { at: number; run: Promise<void> }>()
  return (id) => {
    const now = deps.clock().getTime()
    const seen = last.get(id)
    if (seen && now - seen.at < everyMs && now >= seen.at) return seen.run
    // Forget the oldest first (Map keeps insertion order, and a refresh re-inserts its id).
    last.delete(id)
    while (last.size >= maxTracked) last.delete(last.keys().next().value!)
    const run = deps.refresh(id).catch((error: unknown) => {
      // refresh() only throws for a bug; the poll still answers what the store has.
      deps.logger.error('poll refresh failed', {
        id,
        error: error instanceof Error ? error.message : String(error),
      })
    })
    last.set(id, { at: now, run })
    return run
  }
}

/** Resolves when `work` settles or after `ms`, whichever is first; never rejects. */
async function withinMs(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => {
    // Not unref()ed: the wait is short and always cleared, and an unref()ed timer lets the
    // event loop drain while a stuck refresh is being waited on.
    timer = setTimeout(resolve, ms)
  })
  try {
    await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
