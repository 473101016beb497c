/**
 * A small per-client counter over a fixed window, for the limits that hono-rate-limiter does
 * not fit (counting only refused notifies, or holding a slot while a stream is open). Keys are
 * `rateLimitKey(settings.clientIp(c))`; the map is bounded so a spray of addresses cannot grow
 * memory without end (the oldest keys are forgotten first).
 */

/** Counts events per key per window. */
export interface ClientWindow {
  /** The count of `key` in the current window, after adding `n` (default 0: just read). */
  add(key: string, n?: number): number
}

/** Creates a counter; `clock` is injected for tests. */
export function createClientWindow(options: {
  windowMs: number
  maxKeys?: number
  clock: () => Date
}): ClientWindow {
  const maxKeys = options.maxKeys ?? 10_000
  const counts = new Map<string, { start: number; count: number }>()
  return {
    add(key, n = 0) {
      const now = options.clock().getTime()
      let entry = counts.get(key)
      if (!entry || now - entry.start >= options.windowMs || now < entry.start) {
        counts.delete(key)
        while (counts.size >= maxKeys) counts.delete(counts.keys().next().value!)
        entry = { start: now, count: 0 }
        counts.set(key, entry)
      }
      entry.count += n
      return entry.count
    },
  }
}
