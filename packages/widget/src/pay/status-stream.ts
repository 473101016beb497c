/**
 * Live status of one checkout: an EventSource on `{endpoint}/checkouts/:id/events`, falling
 * back when the stream fails twice to long-polling `GET {endpoint}/checkouts/:id?after=<version>`
 * (the server holds it until the version changes, so "paid" shows as fast as on the stream), and
 * to plain polling only when long-polls fail twice in a row; paused while the tab is hidden.
 * Every status it hears goes to `onStatus`; the machine drops stale versions.
 */
import type { Checkout } from '@qfpay-checkout/server/contract'
import type { ApiResult } from '../state/api.ts'
import type { Clock } from '../state/checkout-env.ts'
import type { Connection, WidgetError } from '../state/checkout-machine.ts'

export type { Clock } from '../state/checkout-env.ts'

/** First polling interval, ms: every 2 s. */
export const POLL_MIN_MS = 2_000
/** Longest polling interval, ms: backing off to 10 s. */
export const POLL_MAX_MS = 10_000
/** Growth of the polling interval after each poll. */
export const POLL_BACKOFF = 1.5
/** Stream failures after which the widget polls instead: two. */
export const STREAM_MAX_FAILURES = 2
/** Delay before reopening a stream the browser closed for good, ms. */
export const STREAM_REOPEN_MS = 1_000
/**
 * Long-poll failures in a row after which the widget polls plainly: two. A failure is an error
 * answer, or an answer with nothing new that came back sooner than {@link POLL_MIN_MS} (nothing
 * held it: a server or proxy that does not long-poll).
 */
export const LONG_POLL_MAX_FAILURES = 2

/** What {@link StatusStream} takes. */
export interface StatusStreamOptions {
  eventsUrl: string
  /** `GET` the checkout; with `after`, a long-poll held until its version passes `after`. */
  poll: (signal: AbortSignal, after?: number) => Promise<ApiResult<Checkout>>
  /** The version the widget already has (the long-poll's first `after`). */
  version: number
  /** Undefined where the browser has no EventSource: the widget polls from the start. */
  EventSource: typeof EventSource | undefined
  clock: Clock
  onStatus: (checkout: Checkout) => void
  onConnection: (connection: Connection) => void
  /** A poll the server refused for good (e.g. 404): the widget shows an error. */
  onError: (error: WidgetError) => void
  signal: AbortSignal
}

/** One checkout's live status link. Start it once; abort its signal to end it. */
export class StatusStream {
  #o: StatusStreamOptions
  #source: EventSource | undefined
  #timer: unknown
  #failures = 0
  #polling = false
  #pollDelay = POLL_MIN_MS
  #paused = false
  #version: number
  #longFailures = 0

  constructor(options: StatusStreamOptions) {
    this.#o = options
    this.#version = options.version
    options.signal.addEventListener('abort', () => this.#close(), { once: true })
  }

  /** Open the stream (or start polling where there is no EventSource). */
  start(): void {
    if (this.#o.EventSource) this.#open()
    else this.#startPolling()
  }

  /** Stop all traffic while the tab is hidden. */
  pause(): void {
    this.#paused = true
    this.#close()
  }

  /** Back in view, online again or back from the wallet: check now and try the stream again. */
  resume(): void {
    if (this.#o.signal.aborted) return
    this.#paused = false
    this.#close()
    this.#failures = 0
    this.#longFailures = 0
    this.#polling = false
    this.#pollDelay = POLL_MIN_MS
    void this.checkNow()
    this.start()
  }

  /**
   * One immediate `GET`, outside the polling schedule. Also while paused: a hidden tab stops
   * the stream and the schedule, not a check someone asked for (`refresh()`).
   */
  async checkNow(): Promise<void> {
    if (this.#o.signal.aborted) return
    const result = await this.#o.poll(this.#o.signal)
    if (this.#o.signal.aborted) return
    if (result.ok) this.#see(result.value)
    else if (!result.error.retryable) this.#o.onError(result.error)
  }

  /** Pass a status on, remembering the newest version for the next long-poll. */
  #see(checkout: Checkout): void {
    this.#version = Math.max(this.#version, checkout.version)
    this.#o.onStatus(checkout)
  }

  #open(): void {
    const Source = this.#o.EventSource!
    const source = new Source(this.#o.eventsUrl)
    this.#source = source
    source.addEventListener('status', (event) => {
      let checkout: Checkout
      try {
        checkout = JSON.parse((event as MessageEvent<string>).data) as Checkout
      } catch {
        return
      }
      this.#failures = 0
      this.#o.onConnection('live')
      this.#see(checkout)
    })
    source.addEventListener('error', () => {
      if (this.#source !== source) return
      this.#failures += 1
      // CONNECTING: the browser reconnects by itself and sends Last-Event-ID.
      if (this.#failures < STREAM_MAX_FAILURES && source.readyState !== source.CLOSED) return
      source.close()
      this.#source = undefined
      if (this.#failures >= STREAM_MAX_FAILURES) this.#startPolling()
      else this.#schedule(() => this.#open(), STREAM_REOPEN_MS)
    })
  }

  #startPolling(): void {
    this.#polling = true
    this.#o.onConnection('polling')
    this.#schedule(() => void this.#pollOnce(), 0)
  }

  /**
   * One long-poll while they work (the next starts as soon as one answers), else one plain
   * poll; either way the next is scheduled here.
   */
  async #pollOnce(): Promise<void> {
    const { clock, signal } = this.#o
    const long = this.#longFailures < LONG_POLL_MAX_FAILURES
    const after = this.#version
    const asked = clock.now()
    const result = await this.#o.poll(signal, long ? after : undefined)
    if (signal.aborted || this.#paused || !this.#polling) return
    if (long) {
      const held = result.ok && (result.value.version > after || clock.now() - asked >= POLL_MIN_MS)
      this.#longFailures = held ? 0 : this.#longFailures + 1
    }
    if (result.ok) {
      this.#o.onConnection('polling')
      this.#see(result.value)
      if (result.value.status !== 'pending') return
      if (long && this.#longFailures === 0) {
        this.#pollDelay = POLL_MIN_MS
        return this.#schedule(() => void this.#pollOnce(), 0)
      }
    } else if (result.error.retryable) {
      // A long-poll the server would not hold (429: too many waiting) is not a lost connection.
      if (!long || result.error.code === 'network_error') this.#o.onConnection('offline')
    } else {
      this.#o.onError(result.error)
      return
    }
    const delay = this.#pollDelay
    this.#pollDelay = Math.min(POLL_MAX_MS, Math.round(this.#pollDelay * POLL_BACKOFF))
    this.#schedule(() => void this.#pollOnce(), delay)
  }

  #schedule(fn: () => void, ms: number): void {
    this.#o.clock.clearTimeout(this.#timer)
    this.#timer = this.#o.clock.setTimeout(fn, ms)
  }

  #close(): void {
    this.#o.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#source?.close()
    this.#source = undefined
  }
}
