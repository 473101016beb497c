/**
 * The reconciler: QFPay notifies only successes and a notify can be lost, so every pending
 * checkout is queried on a backoff schedule until it ends; at `expiresAt` (+ grace) the order is
 * closed upstream and marked expired, after one last query (a payment that lands first wins).
 *
 * Queries are batched (comma-separated `out_trade_no`, at most 100, `page_size` = batch size,
 * so one page holds every answer). `runOnce()` does one pass now; tests call it instead of waiting. The timer is
 * `unref()`ed so it never keeps a process alive.
 *
 * Several instances on one store coordinate through the store's lease (`claimChecks`): a pass
 * takes due checkouts with a lease (default 60 s, owner `hostname:pid:random`), so each pending
 * order is queried by one instance at a time. The lease is released with the rescheduling
 * write, and in the fault path; a crashed instance's leases simply run out.
 */
import { processEnv, randomHex } from '../app/gateway-config.ts'
import { isQfpayError } from '../../qfpay/errors.ts'
import { payTypeInfo } from '../../qfpay/pay-types.ts'
import type { CheckoutPatch, CheckoutRecord, Store } from '../../store/store.ts'
import { observePayment } from '../money/gateway-rows.ts'
import type { Logger } from '../app/logger.ts'
import type { PaymentLookup } from '../money/payment-lookup.ts'
import type { PaymentService } from '../money/payments.ts'
import { MAX_QUERY_BATCH } from '../money/query-window.ts'
import type { CheckoutTransitions } from '../money/transitions.ts'
import { faultCheckAt, nextCheckAt } from './schedule.ts'

/** Reconciler settings (CheckoutOptions.reconciler). */
export interface ReconcilerOptions {
  /** Default true. */
  enabled?: boolean
  /** How often a pass runs, ms. Default 1 000 (a pass only touches due checkouts). */
  intervalMs?: number
  /** Ids per `/query`, 1–100. Default 100. */
  batchSize?: number
  /** How long after `expiresAt` the order is closed, ms. Default 0. */
  graceMs?: number
  /** How long a pass holds the checkouts it claimed before another instance may take them, ms. Default 60 000. */
  leaseMs?: number
  /** Who holds the leases (logs, `checkLeaseOwner`). Default `hostname:pid:random`. */
  owner?: string
}

/** Told about each pass and each contradiction (health and telemetry, ops/monitor.ts). */
export interface ReconcilerObserver {
  /** A pass ended, with its report or its error. */
  passed(report: ReconcileReport | undefined, error?: unknown): void
  /** The gateway says paid while the store still says pending (a lost or late notify). */
  paidUpstreamPendingHere(record: CheckoutRecord): void
}

/** What one pass did. */
export interface ReconcileReport {
  /** Checkouts queried. */
  checked: number
  /** Checkouts whose status changed. */
  changed: number
  /** Checkouts ended as expired (closed upstream). */
  expired: number
}

/** Batches per pass at most, so a backlog cannot hold one pass forever. */
const MAX_BATCHES_PER_PASS = 50
/** Default lease on claimed checkouts: far longer than one batch (a `/query` plus its writes). */
const DEFAULT_LEASE_MS = 60_000

/**
 * This process's reconciler identity: `hostname:pid:random` (random: pids repeat across
 * containers). Read from the environment rather than `node:os`, so the app still loads on
 * fetch runtimes.
 */
export function defaultLeaseOwner(): string {
  const proc = (globalThis as { process?: { pid?: number } }).process
  const host = processEnv()['HOSTNAME'] ?? 'host'
  return `${host}:${proc?.pid ?? 0}:${randomHex(8).toLowerCase()}`
}

/** What the reconciler is built from (app/create-checkout.ts). */
export interface ReconcilerDeps {
  store: Store
  clock: () => Date
  logger: Logger
  lookup: Pick<PaymentLookup, 'queryPayments'>
  transitions: Pick<CheckoutTransitions, 'patch'>
  payments: Pick<PaymentService, 'apply' | 'expire' | 'forgetClose'>
}

/** Runs reconciler passes on a timer and on demand. */
export class Reconciler {
  readonly #svc: ReconcilerDeps
  readonly #intervalMs: number
  readonly #batchSize: number
  readonly #graceMs: number
  readonly #enabled: boolean
  readonly #leaseMs: number
  readonly #owner: string
  #timer: ReturnType<typeof setInterval> | undefined
  #running: Promise<ReconcileReport> | undefined
  #stopping = false
  readonly #observer: ReconcilerObserver | undefined

  constructor(svc: ReconcilerDeps, options: ReconcilerOptions = {}, observer?: ReconcilerObserver) {
    this.#svc = svc
    this.#observer = observer
    this.#enabled = options.enabled ?? true
    this.#intervalMs = options.intervalMs ?? 1_000
    this.#batchSize = Math.max(
      1,
      Math.min(MAX_QUERY_BATCH, Math.trunc(options.batchSize ?? MAX_QUERY_BATCH))
    )
    this.#graceMs = options.graceMs ?? 0
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
    this.#owner = options.owner ?? defaultLeaseOwner()
  }

  start(): void {
    if (!this.#enabled || this.#timer) return
    this.#timer = setInterval(() => {
      this.runOnce().catch((error: unknown) =>
        this.#svc.logger.error('reconciler pass failed', { error: describe(error) })
      )
    }, this.#intervalMs)
    this.#timer.unref?.()
  }

  /** Whether passes run on a timer (health reports it). */
  get enabled(): boolean {
    return this.#enabled
  }

  /**
   * Stops the timer and ends a pass in progress after its current batch (shutdown): every batch
   * gives its leases back when it ends, so after `idle()` this instance holds none and another
   * instance picks the checkouts up on its next pass rather than after the lease runs out.
   */
  stop(): void {
    this.#stopping = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Waits for a pass in progress (close() uses it before closing the store). */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined)
  }

  /** One pass over every due checkout. Concurrent callers share the pass in progress. */
  runOnce(): Promise<ReconcileReport> {
    this.#running ??= this.#pass()
      .then(
        (report) => (this.#observer?.passed(report), report),
        (error: unknown) => {
          this.#observer?.passed(undefined, error)
          throw error
        }
      )
      .finally(() => (this.#running = undefined))
    return this.#running
  }

  async #pass(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, changed: 0, expired: 0 }
    const seen = new Set<string>()
    for (let batchNo = 0; batchNo < MAX_BATCHES_PER_PASS && !this.#stopping; batchNo++) {
      const now = this.#svc.clock()
      const claimed = await this.#svc.store.claimChecks({
        now: now.toISOString(),
        limit: this.#batchSize,
        leaseMs: this.#leaseMs,
        owner: this.#owner,
      })
      const due = claimed.filter((r) => !seen.has(r.id))
      // Checked once this pass already (its write conflicted, so it is still due): give it back
      // at once rather than sit on it for a whole lease; the next pass reads it afresh.
      for (const r of claimed) if (seen.has(r.id)) await this.#release(r)
      if (due.length === 0) break
      for (const r of due) seen.add(r.id)
      await this.#batch(due, now, report)
    }
    return report
  }

  async #batch(due: CheckoutRecord[], now: Date, report: ReconcileReport): Promise<void> {
    const svc = this.#svc
    let rows
    try {
      rows = await svc.lookup.queryPayments(due)
    } catch (error) {
      if (!isQfpayError(error)) {
        // Not a gateway answer (a store or programming fault): give the leases back and rethrow.
        for (const record of due) await this.#release(record).catch(() => undefined)
        throw error
      }
      svc.logger.warn('reconciler query failed; will try again with backoff', {
        error: error.code,
        checkouts: due.length,
      })
      for (const record of due) await this.#backOff(record, now)
      return
    }
    report.checked += due.length
    let fault: unknown
    for (const record of due) {
      try {
        const observation = observePayment(rows.get(record.outTradeNo))
        if (observation.kind === 'paid' && record.status === 'pending')
          this.#observer?.paidUpstreamPendingHere(record)
        let after = await svc.payments.apply(record, observation)
        if (
          after.status === 'pending' &&
          Date.parse(after.expiresAt) + this.#graceMs <= now.getTime()
        ) {
          after = (await svc.payments.expire(after.id, observation)) ?? after
        }
        if (after.status !== record.status) report.changed++
        if (after.status === 'expired' && record.status !== 'expired') report.expired++
        if (after.status === 'pending') await this.#reschedule(after, now)
        else svc.payments.forgetClose(after.id)
      } catch (error) {
        if (isQfpayError(error)) {
          // The gateway refused or lost a call for this one: try it again later, never at once.
          svc.logger.warn('reconciler call failed; will try again with backoff', {
            checkoutId: record.id,
            error: error.code,
          })
          await this.#backOff(record, now).catch(() => undefined)
          continue
        }
        // A store fault (say, a database restart) on one row: give its lease back (not due
        // again before a fault delay) if we still can, go on with the others, and report the
        // pass as failed at the end.
        fault ??= error
        await this.#backOff(record, now).catch(() => undefined)
      }
    }
    if (fault !== undefined) throw fault
  }

  async #reschedule(record: CheckoutRecord, now: Date): Promise<void> {
    const attempts = record.checkAttempts + 1
    const swipe = payTypeInfo(record.payType)?.swipe ?? false
    await this.#release(record, {
      checkAttempts: attempts,
      nextCheckAt: nextCheckAt(now, attempts, swipe, record.expiresAt, this.#graceMs),
    })
  }

  /** Reschedules after a fault: exponential backoff on the checkout's own attempt count. */
  async #backOff(record: CheckoutRecord, now: Date): Promise<void> {
    const attempts = record.checkAttempts + 1
    await this.#release(record, {
      checkAttempts: attempts,
      nextCheckAt: faultCheckAt(now, attempts),
    })
  }

  /**
   * Writes `patch` and ends our lease in one bookkeeping update. If the row moved under us (a
   * notify on another instance, say), only the lease is released: the row stays due and the next
   * pass reads it afresh. A final row keeps its stale lease, which nobody looks at.
   */
  async #release(record: CheckoutRecord, patch: CheckoutPatch = {}): Promise<void> {
    const store = this.#svc.store
    const result = await store.transition(record.id, {
      expectedVersion: record.version,
      ...patch,
      checkLeaseUntil: null,
    })
    if (result.ok || result.reason !== 'conflict' || result.current.status !== 'pending') return
    await this.#svc.transitions.patch(record.id, { checkLeaseUntil: null })
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
