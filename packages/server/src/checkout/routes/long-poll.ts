/**
 * The long-poll behind `GET {base}/checkouts/:id?after=<version>`: the fallback of a browser
 * whose network breaks server-sent events (some corporate proxies, some in-app browsers). The
 * request is held until the checkout's version passes `after`, or `waitMs` passes, then answers
 * the normal status body; so a shopper without a stream still sees "paid" within one change,
 * not one polling interval. The wait rides on the app's `StatusHub` (one store subscription,
 * one row read per change for every waiter of that checkout): holding requests costs no store
 * polling. Held requests are capped per client and per instance, because each holds a socket.
 */
import type { CheckoutRecord } from '../../store/store.ts'
import type { CheckoutDeps } from '../app/context.ts'
import { CheckoutError } from '../app/errors.ts'

/** Tuning of the long-poll; the defaults suit production. */
export interface LongPollOptions {
  /**
   * How long a request with `?after=` is held when nothing changes, in ms. Default 25 000: below
   * the 30–60 s idle timeouts of common proxies, so the answer comes from us, not from them.
   */
  longPollMs?: number
  /** Requests held at once for one client address (`clientIp`). Default 20. */
  maxLongPollsPerClient?: number
  /** Requests held at once by this app instance. Default 10 000. */
  maxLongPolls?: number
}

/** Seconds a refused long-poll is told to wait (`Retry-After`): one plain polling interval. */
export const LONG_POLL_RETRY_AFTER_S = 2

/** What a waiter answers when a cap is reached: nothing was held. */
export const FULL = Symbol('long-poll full')

/** Waits for a newer version of one checkout, for one request. */
export type WaitPast = (
  id: string,
  after: number,
  client: string,
  signal: AbortSignal
) => Promise<CheckoutRecord | undefined | typeof FULL>

/** The 429 of a refused long-poll; the route sets `Retry-After` first. */
export function longPollRefused(): CheckoutError {
  return new CheckoutError(
    'rate_limited',
    429,
    'Failed to hold the status request: too many are waiting. Poll the checkout instead.'
  )
}

/**
 * Creates the waiter of one status route. `wait(id, after, client, signal)` resolves with the
 * first row whose version is above `after` (or that is gone: `undefined`), or with the row as it
 * stands after `longPollMs` or when the app closes (`deps.held`), or when `signal` aborts (the
 * client left). Over a cap it holds
 * nothing and answers {@link FULL}: the route answers 429 and the widget polls plainly once.
 */
export function createLongPoll(deps: CheckoutDeps, options: LongPollOptions = {}): WaitPast {
  const hub = deps.hub
  const waitMs = options.longPollMs ?? 25_000
  const perClientCap = options.maxLongPollsPerClient ?? 20
  const totalCap = options.maxLongPolls ?? 10_000
  const held = new Map<string, number>()
  let total = 0

  return async (id, after, client, signal) => {
    const mine = held.get(client) ?? 0
    if (total >= totalCap || mine >= perClientCap) return FULL
    held.set(client, mine + 1)
    total += 1
    let unwatch = () => {}
    let timer: NodeJS.Timeout | undefined
    let onAbort = () => {}
    let unhold: (() => void) | undefined
    try {
      return await new Promise<CheckoutRecord | undefined>((resolve, reject) => {
        const offer = (row: CheckoutRecord | undefined) => {
          if (!row || row.version > after) resolve(row)
        }
        // Watch before the read, so a change committed in between is not missed.
        unwatch = hub.watchRows(id, (read) =>
          read.error === undefined ? offer(read.row) : reject(read.error)
        )
        const answerNow = () => void deps.store.get(id).then(resolve, reject)
        timer = setTimeout(answerNow, waitMs)
        unhold = deps.held?.opened(answerNow)
        onAbort = () => resolve(undefined)
        signal.addEventListener('abort', onAbort, { once: true })
        if (signal.aborted) resolve(undefined)
        deps.store.get(id).then(offer, reject)
      })
    } finally {
      unwatch()
      unhold?.()
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      total -= 1
      const left = (held.get(client) ?? 1) - 1
      if (left <= 0) held.delete(client)
      else held.set(client, left)
    }
  }
}

/**
 * `?after=` as a version: `undefined` when absent; a 400 `invalid_request` when it is not a
 * plain non-negative integer (a wrong value must not silently turn into a plain poll).
 */
export function parseAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,15}$/.test(value)) {
    throw new CheckoutError(
      'invalid_request',
      400,
      'Failed to read the status request: after must be a non-negative integer version.'
    )
  }
  return Number(value)
}
