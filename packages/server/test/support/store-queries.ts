/**
 * Test support: read-only queries the built-in stores answer beyond the `Store` contract
 * (`StoreInspection`), reached through whatever wraps the store (lazy, instrumented, gated).
 */
import type { NotifyRecord, Store, StoreInspection } from '../../src/store/store.ts'

/** Rejected notifies, newest first. Throws if `store` is not a built-in one. */
export function listRejectedNotifies(
  store: Store,
  options?: { limit?: number }
): Promise<NotifyRecord[]> {
  const inspect = store as Store & Partial<StoreInspection>
  if (typeof inspect.listRejectedNotifies !== 'function')
    throw new TypeError('Failed to list rejected notifies: not a built-in store.')
  return inspect.listRejectedNotifies(options)
}
