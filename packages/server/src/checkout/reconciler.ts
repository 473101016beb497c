/**
 * The reconciler: QFPay notifies only successes and a notify can be lost, so every pending
 * checkout is queried on a backoff schedule until it ends; at `expiresAt` (+ grace) the order is
 * closed upstream and marked expired, after one last query (a payment that lands first wins).
 *
 * Queries are batched (comma-separated `out_trade_no`, at most 100, `page_size` = batch size;
 * design.md §7). `runOnce()` does one pass now; tests call it instead of waiting. The timer is
 * `unref()`ed so it never keeps a process alive.
 */
import { isQfpayError } from '../qfpay/errors.ts'
import { payTypeInfo } from '../qfpay/pay-types.ts'
import type { CheckoutRecord } from '../store/store.ts'
import { observePayment } from './gateway-rows.ts'
import { MAX_QUERY_BATCH, type PaymentService } from './payments.ts'
import { FAULT_DELAY_MS, nextCheckAt } from './schedule.ts'

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

/** Runs reconciler passes on a timer and on demand. */
export class Reconciler {
  readonly #svc: PaymentService
  readonly #intervalMs: number
  readonly #batchSize: number
  readonly #graceMs: number
  readonly #enabled: boolean
  #timer: ReturnType<typeof setInterval> | undefined
  #running: Promise<ReconcileReport> | undefined

  constructor(svc: PaymentService, options: ReconcilerOptions = {}) {
    this.#svc = svc
    this.#enabled = options.enabled ?? true
    this.#intervalMs = options.intervalMs ?? 1_000
    this.#batchSize = Math.max(1, Math.min(MAX_QUERY_BATCH, Math.trunc(options.batchSize ?? MAX_QUERY_BATCH)))
    this.#graceMs = options.graceMs ?? 0
  }

  start(): void {
    if (!this.#enabled || this.#timer) return
    this.#timer = setInterval(() => {
      this.runOnce().catch((error: unknown) => this.#svc.logger.error('reconciler pass failed', { error: describe(error) }))
    }, this.#intervalMs)
    this.#timer.unref?.()
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Waits for a pass in progress (close() uses it before closing the store). */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined)
  }

  /** One pass over every due checkout. Concurrent callers share the pass in progress. */
  runOnce(): Promise<ReconcileReport> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined))
    return this.#running
  }

  async #pass(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, changed: 0, expired: 0 }
    const seen = new Set<string>()
    for (let batchNo = 0; batchNo < MAX_BATCHES_PER_PASS; batchNo++) {
      const now = this.#svc.clock()
      const due = (await this.#svc.store.listNonFinal({ dueBefore: now.toISOString(), limit: this.#batchSize })).filter((r) => !seen.has(r.id))
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
      rows = await svc.queryPayments(due)
    } catch (error) {
      if (!isQfpayError(error)) throw error
      svc.logger.warn('reconciler query failed; will try again', { error: error.code, checkouts: due.length })
      const later = new Date(now.getTime() + FAULT_DELAY_MS).toISOString()
      for (const record of due) await svc.store.update(record.id, record.version, { nextCheckAt: later })
      return
    }
    report.checked += due.length
    for (const record of due) {
      const observation = observePayment(rows.get(record.outTradeNo))
      let after = await svc.apply(record, observation)
      if (after.status === 'pending' && Date.parse(after.expiresAt) + this.#graceMs <= now.getTime()) {
        after = (await svc.expire(after.id, observation)) ?? after
      }
      if (after.status !== record.status) report.changed++
      if (after.status === 'expired' && record.status !== 'expired') report.expired++
      if (after.status === 'pending') await this.#reschedule(after, now)
    }
  }

  async #reschedule(record: CheckoutRecord, now: Date): Promise<void> {
    const attempts = record.checkAttempts + 1
    const swipe = payTypeInfo(record.payType)?.swipe ?? false
    const patch = { checkAttempts: attempts, nextCheckAt: nextCheckAt(now, attempts, swipe, record.expiresAt, this.#graceMs) }
    // A conflict means someone else just moved the row; it stays due and the next pass reads it afresh.
    await this.#svc.store.update(record.id, record.version, patch)
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
