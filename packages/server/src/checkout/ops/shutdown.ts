/**
 * Graceful shutdown of one instance: `close()` first refuses new checkouts (503 `unavailable`,
 * so a load balancer's retry lands on another instance), waits a bounded time for requests in
 * flight (notifies above all: QFPay must get its `SUCCESS` only after the commit), tells every
 * open status stream to reconnect (a last `reconnect` event with a short `retry`, so the
 * browser's EventSource comes back, with `Last-Event-ID`, through the load balancer to an
 * instance that is still up), then stops the workers.
 */
import type { MiddlewareHandler } from 'hono'
import { CheckoutError } from '../app/errors.ts'
import { settledWithin } from '../app/settled-within.ts'

/** How long `close()` waits for requests in flight by default, ms. */
export const DEFAULT_DRAIN_MS = 10_000
/** The `retry` a closing stream hands the browser, ms: soon, but not all streams at once. */
export const RECONNECT_RETRY_MS = 500

/** A stream's way to say goodbye: writes the reconnect event and ends the stream. */
export type StreamCloser = (retryMs: number) => Promise<void>

/** Tracks requests and streams, and the closing flag. One per app. */
export class Lifecycle {
  #closing = false
  #inFlight = 0
  #idleWaiters: (() => void)[] = []
  readonly #streams = new Set<StreamCloser>()

  get closing(): boolean {
    return this.#closing
  }

  get inFlight(): number {
    return this.#inFlight
  }

  /**
   * Middleware: counts every request but event streams (they are ended, not awaited) and refuses
   * new checkouts once closing. Notifies, status reads and cancels are still served while closing:
   * a notify refused here would only come back later.
   */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      if (this.#closing && c.req.method === 'POST' && /\/checkouts\/?$/.test(c.req.path)) {
        c.header('Retry-After', '1')
        c.header('Connection', 'close')
        throw new CheckoutError(
          'unavailable',
          503,
          'This server is shutting down; try again (another server will answer).'
        )
      }
      if (c.req.path.endsWith('/events')) return next()
      this.#inFlight++
      try {
        await next()
      } finally {
        if (--this.#inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake()
      }
    }
  }

  /** Registers an open stream; returns the function that unregisters it. A stream opened while closing is sent away at once. */
  addStream(closer: StreamCloser): () => void {
    if (this.#closing) {
      void closer(RECONNECT_RETRY_MS).catch(() => undefined)
      return () => undefined
    }
    this.#streams.add(closer)
    return () => this.#streams.delete(closer)
  }

  /** Starts closing: new checkouts refused from now on. */
  beginClose(): void {
    this.#closing = true
  }

  /** Resolves when no request is in flight, or after `ms`; true when it drained. */
  async drain(ms: number): Promise<boolean> {
    if (this.#inFlight === 0) return true
    return settledWithin(new Promise<void>((resolve) => this.#idleWaiters.push(resolve)), ms)
  }

  /**
   * Asks every open stream to reconnect elsewhere; resolves when each has written its goodbye,
   * or after `ms`: a client that stopped reading never takes its goodbye (its write waits on
   * backpressure), and it must not hold the shutdown past its budget.
   */
  async endStreams(ms: number, retryMs = RECONNECT_RETRY_MS): Promise<number> {
    const closers = [...this.#streams]
    this.#streams.clear()
    await settledWithin(
      Promise.all(closers.map((close) => close(retryMs).catch(() => undefined))),
      ms
    )
    return closers.length
  }
}
