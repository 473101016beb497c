/**
 * One store subscription per app, fanned out to every open event stream by checkout id. A
 * stream registers for its own id, so a change wakes only the streams of that checkout: the
 * cost of a commit stays O(streams of that checkout), not O(all streams), with thousands open.
 */
import type { CheckoutChange, Store } from '../store/store.ts'
import type { Logger } from './logger.ts'

/** Fan-out of the store's change feed by checkout id. */
export interface StatusHub {
  /**
   * Calls `listener` with every `{ id, version }` change of checkout `id` until the returned
   * function is called (idempotent). Pokes are hints: re-read the row, and expect duplicates
   * and out-of-order versions (PostgreSQL's LISTEN may deliver either).
   */
  watch(id: string, listener: (change: CheckoutChange) => void): () => void
  /** How many watchers are registered, over all ids (for tests and metrics). */
  readonly size: number
}

/**
 * Creates a hub over `store`. It subscribes to the store while at least one watcher exists and
 * unsubscribes when the last one leaves, so an idle app holds no store listener and needs no
 * `close()`. `createCheckout()` makes one per app and passes it to the routes as `deps.hub`.
 *
 * @example
 * const hub = createStatusHub(store)
 * const stop = hub.watch(id, ({ version }) => console.log('changed to', version))
 */
export function createStatusHub(store: Store, options: { logger?: Logger } = {}): StatusHub {
  const byId = new Map<string, Set<(change: CheckoutChange) => void>>()
  let size = 0
  let unsubscribe: (() => void) | undefined

  const dispatch = (change: CheckoutChange) => {
    const listeners = byId.get(change.id)
    if (!listeners) return
    for (const listener of [...listeners]) {
      // One broken stream must not keep the change from the others.
      try {
        listener({ id: change.id, version: change.version })
      } catch (error) {
        options.logger?.error('status listener threw', { id: change.id, error: String(error) })
      }
    }
  }

  return {
    watch(id, listener) {
      // Wrap, so the same function watching twice holds two independent registrations.
      const entry = (change: CheckoutChange) => listener(change)
      let listeners = byId.get(id)
      if (!listeners) byId.set(id, (listeners = new Set()))
      listeners.add(entry)
      size += 1
      unsubscribe ??= store.subscribe(dispatch)
      let active = true
      return () => {
        if (!active) return
        active = false
        listeners.delete(entry)
        if (listeners.size === 0 && byId.get(id) === listeners) byId.delete(id)
        size -= 1
        if (size === 0) {
          unsubscribe?.()
          unsubscribe = undefined
        }
      }
    },
    get size() {
      return size
    },
  }
}

/** One hub per store for callers that were not handed one (`deps.hub` unset). */
const sharedHubs = new WeakMap<Store, StatusHub>()

/** The hub to use: the one given, else one shared by everything on this store. */
export function hubFor(store: Store, given?: StatusHub, logger?: Logger): StatusHub {
  if (given) return given
  let hub = sharedHubs.get(store)
  if (!hub) sharedHubs.set(store, (hub = createStatusHub(store, logger ? { logger } : {})))
  return hub
}
