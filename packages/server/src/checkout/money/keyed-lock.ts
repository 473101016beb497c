/**
 * A per-key mutex for one process. The store's compare-and-set keeps several processes
 * correct; this lock only stops one process from racing itself (two copies of the same notify,
 * a widget retry landing while the first payment call is still in flight, two refunds of one
 * payment), so the gateway sees one call where one is enough.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>()

  /** Runs `fn` after every earlier `run` with the same key has settled. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(fn, fn)
    const tail = result.catch(() => undefined)
    this.#tails.set(key, tail)
    try {
      return await result
    } finally {
      // Forget the key once nobody queued behind us, so the map does not grow forever.
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }
}

/**
 * Coalesces concurrent calls with the same key into one: callers that arrive while a call is
 * running share its result (50 copies of one notify do one `/query` and one write).
 */
export class SingleFlight {
  readonly #running = new Map<string, Promise<unknown>>()

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.#running.get(key) as Promise<T> | undefined
    if (running) return running
    const started = fn().finally(() => this.#running.delete(key))
    this.#running.set(key, started)
    return started
  }
}
