/**
 * The cap on pending checkouts per client. Each pending checkout is a gateway order that the
 * reconciler and every poll of it may query, so one client holding dozens of them could spend
 * the merchant's gateway quota. Each client's recent checkout ids are remembered (bounded);
 * before a new one is opened, those still pending are counted from the store.
 */
import type { Store } from '../../store/store.ts'
import { CheckoutError } from '../app/errors.ts'

/** Checks and records pending checkouts per client key. */
export interface PendingPerClient {
  /** Throws 429 `rate_limited` when `client` already holds `max` pending checkouts. */
  check(client: string): Promise<void>
  /** Remembers that `client` opened `checkoutId`. */
  add(client: string, checkoutId: string): void
}

/** Creates the tracker. `maxClients` bounds memory (the oldest clients are forgotten first). */
export function createPendingPerClient(options: {
  store: Store
  max: number
  clock: () => Date
  maxClients?: number
}): PendingPerClient {
  const maxClients = options.maxClients ?? 10_000
  const byClient = new Map<string, string[]>()
  return {
    async check(client) {
      const ids = byClient.get(client)
      if (!ids || ids.length < options.max) return
      const now = options.clock().toISOString()
      const open: string[] = []
      for (const id of ids) {
        const row = await options.store.get(id)
        if (row?.status === 'pending' && row.expiresAt > now) open.push(id)
      }
      byClient.set(client, open)
      if (open.length >= options.max) {
        throw new CheckoutError(
          'rate_limited',
          429,
          'Failed to create the checkout: this address has too many unfinished checkouts. Finish or cancel one first.'
        )
      }
    },
    add(client, checkoutId) {
      const ids = byClient.get(client) ?? []
      byClient.delete(client)
      while (byClient.size >= maxClients) byClient.delete(byClient.keys().next().value!)
      if (!ids.includes(checkoutId)) ids.push(checkoutId)
      byClient.set(client, ids)
    },
  }
}
