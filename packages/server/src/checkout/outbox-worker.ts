/**
 * Runs the merchant's `onPaid` / `onStatus` hooks from the store's durable outbox. The store
 * writes one entry per hook in the same transaction as the status change, so a hook runs once
 * per transition even across crashes: an entry is completed only after its hook resolved, and a
 * throwing hook is retried with backoff until it succeeds once (at-least-once delivery, with
 * `idempotencyKey` = `<checkout id>:<version>` for the merchant to dedupe on).
 */
import type { OutboxEntry, Store } from '../store/store.ts'
import { isStoreError } from '../store/store-error.ts'
import type { Logger } from './logger.ts'
import type { CheckoutHook } from './options.ts'

/** What the worker needs. */
export interface OutboxWorkerOptions {
  store: Store
  clock: () => Date
  logger: Logger
  onPaid: CheckoutHook | undefined
  onStatus: CheckoutHook | undefined
  /** Poll interval, ms; a store change also wakes the worker at once. Default 1 000. */
  intervalMs?: number
  /** How long a claimed entry is ours before another worker may take it, ms. Default 60 000. */
  leaseMs?: number
  /** Told about every hook run and drain (health and telemetry, ops/hook-observer.ts). */
  observer?: OutboxObserver
}

/** Watches the worker without changing what it does. */
export interface OutboxObserver {
  /** Runs `hook` for `entry`; must call it exactly once and pass its outcome through. */
  run(entry: OutboxEntry, hook: () => Promise<unknown>): Promise<unknown>
  /** A hook threw and its entry was rescheduled. */
  retried(entry: OutboxEntry): void
  /** A drain ended, with how many hooks ran or its error. */
  drained(ran: number | undefined, error?: unknown): void
}

/** Entries per claim. */
const CLAIM_LIMIT = 20
/** Retry backoff: 1 s doubling, capped at 5 minutes. */
const RETRY_BASE_MS = 1_000
const RETRY_CAP_MS = 5 * 60_000
/** How long a store change waits for others before it wakes the worker, ms. */
const KICK_DELAY_MS = 5
/** Claims per drain at most, so a flood cannot hold one drain forever. */
const MAX_CLAIMS_PER_DRAIN = 100

/** Delivers outbox entries to the hooks. */
export class OutboxWorker {
  readonly #o: OutboxWorkerOptions
  #timer: ReturnType<typeof setInterval> | undefined
  #unsubscribe: (() => void) | undefined
  #running: Promise<number> | undefined
  #again = false
  #soonTimer: ReturnType<typeof setTimeout> | undefined
  /** Set by stop(): a drain in progress ends after the claim it is delivering (shutdown). */
  #stopped = false

  constructor(options: OutboxWorkerOptions) {
    this.#o = options
  }

  start(): void {
    if (this.#timer) return
    this.#stopped = false
    this.#timer = setInterval(() => this.#kick(), this.#o.intervalMs ?? 1_000)
    this.#timer.unref?.()
    // A new version may carry a new entry: look soon rather than at the next tick.
    this.#unsubscribe = this.#o.store.subscribe(() => this.#soon())
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    if (this.#soonTimer) clearTimeout(this.#soonTimer)
    this.#soonTimer = undefined
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  /** Delivers every due entry now; resolves with how many hooks ran. Shared by concurrent callers. */
  drain(): Promise<number> {
    if (this.#running) {
      this.#again = true
      return this.#running
    }
    const observer = this.#o.observer
    const running = this.#loop()
      .then(
        (ran) => (observer?.drained(ran), ran),
        (error: unknown) => {
          observer?.drained(undefined, error)
          throw error
        }
      )
      .finally(() => {
        if (this.#running === running) this.#running = undefined
      })
    this.#running = running
    return running
  }

  /** Waits for a drain in progress (close() uses it so a hook is not cut off mid-write). */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined)
  }

  /**
   * A drain a few ms after a change, shared by every change in between: under load one claim
   * (and one completion commit) serves many transitions instead of each costing its own two
   * durable commits. Hooks still start within KICK_DELAY_MS of their commit.
   */
  #soon(): void {
    if (this.#soonTimer) return
    this.#soonTimer = setTimeout(() => {
      this.#soonTimer = undefined
      this.#kick()
    }, KICK_DELAY_MS)
    // Not unref'd (unlike the poll): a committed change has a hook to run, and a script or test
    // that awaits its onPaid must not see the process exit in these few ms with nothing pending.
  }

  #kick(): void {
    this.drain().catch((error: unknown) =>
      this.#o.logger.error('outbox drain failed', { error: describe(error) })
    )
  }

  async #loop(): Promise<number> {
    let ran = 0
    for (let claims = 0; claims < MAX_CLAIMS_PER_DRAIN; claims++) {
      this.#again = false
      const entries = await this.#o.store.claimDue({
        now: this.#o.clock().toISOString(),
        limit: CLAIM_LIMIT,
        leaseMs: this.#o.leaseMs ?? 60_000,
      })
      // Delivered entries of one claim are marked done together: one commit per batch, not one
      // per hook. Still only after each hook resolved (and before the lease can end), so an
      // entry never runs again once done; a crash before the commit re-delivers (at least once).
      const delivered: OutboxEntry[] = []
      const flushAt = Date.now() + (this.#o.leaseMs ?? 60_000) / 4
      try {
        for (const entry of entries) {
          if (await this.#deliver(entry)) delivered.push(entry)
          ran++
          // Slow hooks: do not let done-but-unmarked entries approach the end of their lease.
          if (Date.now() > flushAt && delivered.length > 0)
            await this.#complete(delivered.splice(0))
        }
      } finally {
        if (delivered.length > 0) await this.#complete(delivered)
      }
      // A short claim took everything due at its snapshot: claiming again would come back empty
      // (one wasted statement per change). What commits later kicks a new drain, as for an
      // empty claim.
      if ((entries.length < CLAIM_LIMIT && !this.#again) || this.#stopped) {
        // Stop counting as running in the same microtask as the check: a kick arriving before
        // the promise settles (a commit that landed with our empty claim) starts a new drain
        // instead of joining this one as it ends, and its entry is not left until the next tick.
        this.#running = undefined
        break
      }
    }
    return ran
  }

  /** Runs the entry's hook; true when it resolved (the caller marks it done), false on a retry. */
  async #deliver(entry: OutboxEntry): Promise<boolean> {
    const hook = entry.topic === 'onPaid' ? this.#o.onPaid : this.#o.onStatus
    try {
      if (hook) {
        const run = () =>
          Promise.resolve(
            hook(entry.checkout, {
              idempotencyKey: `${entry.checkoutId}:${entry.version}`,
              previousStatus: entry.fromStatus,
            })
          )
        await (this.#o.observer ? this.#o.observer.run(entry, run) : run())
      }
    } catch (error) {
      const delay = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, entry.attempts - 1))
      const at = new Date(this.#o.clock().getTime() + delay).toISOString()
      this.#o.logger.warn(`${entry.topic} hook failed; will retry`, {
        checkoutId: entry.checkoutId,
        version: entry.version,
        attempt: entry.attempts,
        retryAt: at,
        error: describe(error),
      })
      this.#o.observer?.retried(entry)
      await this.#o.store.failOutbox(entry.id, at, describe(error), entry.attempts)
      return false
    }
    return true
  }

  /**
   * Marks delivered entries done, in one transaction. The hooks have run, so a store fault here
   * (a database restart, a dropped connection) must not make them run again when the lease ends:
   * keep trying for most of the lease, then give up and let the at-least-once redelivery happen.
   */
  async #complete(entries: readonly OutboxEntry[]): Promise<void> {
    const deadline = Date.now() + (this.#o.leaseMs ?? 60_000) / 2
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await this.#o.store.completeOutbox(
          entries.length === 1 ? entries[0]!.id : entries.map((e) => e.id)
        )
      } catch (error) {
        if (Date.now() + delay > deadline || isStoreError(error, 'closed') || !this.#timer)
          throw error
        for (const entry of entries)
          this.#o.logger.warn(`${entry.topic} hook ran but could not be marked done; retrying`, {
            checkoutId: entry.checkoutId,
            version: entry.version,
            error: describe(error),
          })
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }
}

/** A log-safe line: the merchant's error name and message, never a stack. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
