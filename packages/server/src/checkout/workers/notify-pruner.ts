/**
 * Rejected notifies are stored for the operator (docs/architecture.md#the-stores-promises), so a
 * stream of forged ones must not grow the store without bound: an hourly job deletes those older
 * than the retention. Stores without the method (a merchant's own) are left alone.
 */
import type { Store } from '../../store/store.ts'
import type { Logger } from '../app/logger.ts'

/** Rejected notifies are kept this long for the operator, then pruned. */
export const REJECTED_NOTIFY_RETENTION_MS = 7 * 24 * 3600_000
/** How often the prune runs. */
const PRUNE_EVERY_MS = 3600_000

/**
 * Deletes rejected notifies older than the retention; `0` for a store without the method.
 * Exported for the test that proves the store stays bounded.
 */
export async function pruneRejectedNotifies(store: Store, clock: () => Date): Promise<number> {
  if (typeof store.pruneRejectedNotifies !== 'function') return 0
  const before = new Date(clock().getTime() - REJECTED_NOTIFY_RETENTION_MS).toISOString()
  return store.pruneRejectedNotifies(before)
}

/** The hourly prune: runs once at `start()`, then every hour (unref'd) until `stop()`. */
export function createNotifyPruner(deps: { store: Store; clock: () => Date; logger: Logger }): {
  start(): void
  stop(): void
} {
  let timer: ReturnType<typeof setInterval> | undefined
  const prune = () =>
    pruneRejectedNotifies(deps.store, deps.clock)
      .then((removed) => {
        if (removed > 0) deps.logger.info('pruned old rejected notifies', { removed })
      })
      .catch((error: unknown) =>
        deps.logger.warn('failed to prune rejected notifies', { error: String(error) })
      )
  return {
    start() {
      if (timer) return
      void prune()
      timer = setInterval(prune, PRUNE_EVERY_MS)
      ;(timer as { unref?: () => void }).unref?.()
    },
    stop() {
      clearInterval(timer)
      timer = undefined
    },
  }
}
