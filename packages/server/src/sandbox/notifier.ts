/**
 * Sends QFPay's asynchronous notifies the way the gateway does: POST,
 * `application/json`, a body in Python `json.dumps` bytes, `Content-Length`, and
 * `X-QF-SIGN` = upper MD5(raw body + key). Anything but HTTP 200 with body `SUCCESS` is retried
 * after 2 m, 10 m, 10 m, 60 m, 2 h, 6 h and 15 h (current docs; docs/qfpay-protocol.md#notify-retries), each divided by the time
 * scale, on the injected clock. Every attempt is logged for `GET /__sandbox/notifies`.
 */
import { signBody } from '../qfpay/sign.ts'
import type { SandboxClock } from './clock.ts'
import { chance, type SandboxKnobs } from './knobs.ts'
import { pyJsonDumps } from './py-json.ts'
import type { GatewayRecord } from './order-rows.ts'

/** Retry intervals after the first attempt, in ms (QFPay's current docs, 2020–2026). */
export const NOTIFY_RETRY_DELAYS_MS: readonly number[] = [2, 10, 10, 60, 120, 360, 900].map(
  (minutes) => minutes * 60_000
)

/** Give a merchant this long to answer one attempt (QFPay documents no timeout; 10 s is ours). */
const ATTEMPT_TIMEOUT_MS = 10_000

/** One delivery attempt. */
export interface NotifyAttempt {
  /** ISO-8601, on the sandbox clock. */
  at: string
  status?: number
  /** What the merchant answered (first 1,000 characters). */
  body?: string
  error?: string
}

/** One notify and its delivery history. */
export interface NotifyRecord {
  id: number
  syssn: string
  notifyType: 'payment' | 'refund'
  url: string | undefined
  /** The exact bytes sent (ASCII: every non-ASCII character is a `\uXXXX` escape). */
  body: string
  /**
   * `scheduled`: waiting for its next attempt; `held`: kept back for reordering;
   * `delivered`: the merchant said SUCCESS; `failed`: the schedule ran out; `dropped`: lost on
   * purpose by a knob; `no_url`: the merchant has no notify URL.
   */
  state: 'scheduled' | 'held' | 'delivering' | 'delivered' | 'failed' | 'dropped' | 'no_url'
  attempts: NotifyAttempt[]
  nextAttemptAt?: string
  /** The second copy sent by the duplicate knob. */
  duplicate?: boolean
}

/** What the notifier needs from the sandbox. */
export interface NotifierOptions {
  clock: SandboxClock
  fetch: typeof globalThis.fetch
  timeScale: number
  random: () => number
}

/** Delivers notifies and keeps their log. */
export class Notifier {
  readonly #records: NotifyRecord[] = []
  readonly #keys = new Map<number, string>()
  readonly #timers = new Map<number, unknown>()
  readonly #inflight = new Set<Promise<void>>()
  readonly #abort = new AbortController()
  #nextId = 1

  constructor(private readonly options: NotifierOptions) {}

  /** The delivery log, oldest first. */
  log(): NotifyRecord[] {
    return this.#records
  }

  /** Queues one notify; knobs may drop, duplicate, delay or hold it. */
  send(input: {
    syssn: string
    notifyType: 'payment' | 'refund'
    fields: GatewayRecord
    key: string
    url: string | undefined
    knobs: SandboxKnobs
  }): NotifyRecord {
    const { knobs } = input
    const record = this.#record(input, false)
    if (!record.url) return record
    if (chance(knobs.notifyDropRate, this.options.random)) {
      record.state = 'dropped'
      return record
    }
    const copies = [record]
    if (chance(knobs.notifyDuplicateRate, this.options.random))
      copies.push(this.#record(input, true))
    for (const copy of copies) {
      if (knobs.notifyReorder) copy.state = 'held'
      else this.#schedule(copy, knobs.notifyDelayMs)
    }
    // Reordering: once two are held, release them newest first (a refund before its payment).
    const held = this.#records.filter((r) => r.state === 'held')
    if (knobs.notifyReorder && held.length >= 2)
      for (const r of held.reverse()) this.#schedule(r, knobs.notifyDelayMs)
    return record
  }

  /** Sends the notify of an order again, as a fresh delivery with its own schedule. */
  resend(previous: NotifyRecord, key: string): NotifyRecord {
    const record: NotifyRecord = {
      id: this.#nextId++,
      syssn: previous.syssn,
      notifyType: previous.notifyType,
      url: previous.url,
      body: previous.body,
      state: 'scheduled',
      attempts: [],
    }
    this.#records.push(record)
    this.#keys.set(record.id, key)
    this.#schedule(record, 0)
    return record
  }

  /**
   * Runs one attempt of every waiting notify now (held ones newest first) and waits for all
   * deliveries in flight. Failed attempts are rescheduled on the normal schedule.
   */
  async drain(): Promise<NotifyRecord[]> {
    const held = this.#records.filter((r) => r.state === 'held').reverse()
    const scheduled = this.#records.filter((r) => r.state === 'scheduled')
    for (const record of [...held, ...scheduled]) {
      this.#clearTimer(record)
      this.#start(record)
    }
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight])
    return this.#records
  }

  /** Stops every timer and aborts deliveries in flight. */
  close(): void {
    for (const handle of this.#timers.values()) this.options.clock.clearTimeout(handle)
    this.#timers.clear()
    this.#abort.abort()
  }

  #record(
    input: {
      syssn: string
      notifyType: 'payment' | 'refund'
      fields: GatewayRecord
      key: string
      url: string | undefined
    },
    duplicate: boolean
  ): NotifyRecord {
    const record: NotifyRecord = {
      id: this.#nextId++,
      syssn: input.syssn,
      notifyType: input.notifyType,
      url: input.url,
      body: pyJsonDumps(input.fields),
      state: input.url ? 'scheduled' : 'no_url',
      attempts: [],
      ...(duplicate ? { duplicate } : {}),
    }
    this.#records.push(record)
    this.#keys.set(record.id, input.key)
    return record
  }

  #schedule(record: NotifyRecord, delayMs: number): void {
    record.state = 'scheduled'
    if (delayMs <= 0) {
      delete record.nextAttemptAt
      this.#start(record)
      return
    }
    const { clock } = this.options
    record.nextAttemptAt = new Date(clock.now() + delayMs).toISOString()
    this.#timers.set(
      record.id,
      clock.setTimeout(() => {
        this.#timers.delete(record.id)
        this.#start(record)
      }, delayMs)
    )
  }

  #start(record: NotifyRecord): void {
    if (this.#abort.signal.aborted) return
    const run = this.#attempt(record).finally(() => this.#inflight.delete(run))
    this.#inflight.add(run)
  }

  async #attempt(record: NotifyRecord): Promise<void> {
    const { clock, fetch } = this.options
    record.state = 'delivering'
    delete record.nextAttemptAt
    const attempt: NotifyAttempt = { at: new Date(clock.now()).toISOString() }
    record.attempts.push(attempt)
    const bytes = new TextEncoder().encode(record.body)
    try {
      const response = await fetch(record.url as string, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': String(bytes.byteLength),
          'X-QF-SIGN': signBody(bytes, this.#keys.get(record.id) as string),
        },
        body: bytes,
        redirect: 'manual',
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      })
      attempt.status = response.status
      attempt.body = (await response.text()).slice(0, 1000)
      // QFPay wants exactly SUCCESS (upper case); surrounding whitespace is forgiven.
      if (response.status === 200 && attempt.body.trim() === 'SUCCESS') {
        record.state = 'delivered'
        return
      }
    } catch (error) {
      attempt.error = error instanceof Error ? error.message : String(error)
    }
    if (this.#abort.signal.aborted) return
    const retry = NOTIFY_RETRY_DELAYS_MS[record.attempts.length - 1]
    if (retry === undefined) record.state = 'failed'
    else this.#schedule(record, retry / this.options.timeScale)
  }

  #clearTimer(record: NotifyRecord): void {
    const handle = this.#timers.get(record.id)
    if (handle !== undefined) this.options.clock.clearTimeout(handle)
    this.#timers.delete(record.id)
  }
}
