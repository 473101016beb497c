/**
 * The in-process side of `Store.subscribe`: a set of listeners told `{ id, version }` after a
 * commit. PostgreSQL feeds it from LISTEN; memory and SQLite call `emit` right after their
 * transaction returns.
 */
import type { CheckoutChange } from './store.ts'

/** Fan-out of checkout changes to in-process listeners. */
export class ChangeFeed {
  #listeners = new Set<(change: CheckoutChange) => void>()
  #onError: (error: unknown) => void

  constructor(
    onError: (error: unknown) => void = (error) =>
      console.error('[qfpay-checkout] change listener threw', error)
  ) {
    this.#onError = onError
  }

  /** Add a listener; the returned function removes it (idempotent). */
  subscribe(listener: (change: CheckoutChange) => void): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (change: CheckoutChange) => listener(change)
    this.#listeners.add(entry)
    return () => void this.#listeners.delete(entry)
  }

  /** Tell every listener. A throwing listener must not undo or fail the write that committed. */
  emit(change: CheckoutChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener({ id: change.id, version: change.version })
      } catch (error) {
        this.#onError(error)
      }
    }
  }

  /** Drop every listener (on close). */
  clear(): void {
    this.#listeners.clear()
  }
}
