/**
 * The per-checkout refresh throttle shared by the routes a shopper can hit (`GET
 * /checkouts/:id`, `GET /return`): at most one gateway query per checkout per window, and
 * callers inside the window join the query already running (single flight).
 */
import type { CheckoutDeps } from '../app/context.ts'

/** Tuning of the shopper-triggered refresh; the defaults suit production. */
export interface RefreshGateOptions {
  /** At most one refresh per checkout per this many ms (by `deps.clock`). Default 5000. */
  refreshEveryMs?: number
  /** How many checkouts' last refresh times are remembered; the oldest are forgotten first. Default 10 000. */
  maxTracked?: number
}

/**
 * Per-checkout refresh throttle: an in-memory map id → the last refresh (start time, promise),
 * in start order, bounded by `maxTracked`. Returns the refresh to wait for: a new one when the
 * last is older than the window, else the last one (already settled, or still running).
 */
export function createRefreshGate(
  deps: Pick<CheckoutDeps, 'clock' | 'logger' | 'refresh'>,
  options: RefreshGateOptions = {}
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
