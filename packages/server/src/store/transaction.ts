/**
 * The seam between the shared write logic (`checkout-writes.ts`) and a backend. Each store
 * gives a small transaction adapter: run a function in one transaction, and inside it lock and
 * read the rows a decision needs, then persist exactly what the model decided. The read → plan
 * → apply → notify → emit sequence is written once, above it.
 *
 * Steps return `MaybePromise`: memory and SQLite answer synchronously (SQLite's transaction
 * must not yield, memory's atomicity is "no await before the write"), PostgreSQL with promises.
 * `andThen` chains either without adding a tick where none is needed.
 */
import type {
  CheckoutRecord,
  NotifyInput,
  RecordNotifyResult,
  RefundRecord,
} from '../model/records.ts'
import type { WritePlan } from '../model/plan-write.ts'

/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>

/** Calls `next` with `value`: at once if it is a plain value, after it settles if a promise. */
export function andThen<A, B>(
  value: MaybePromise<A>,
  next: (a: A) => MaybePromise<B>
): MaybePromise<B> {
  return value instanceof Promise ? value.then(next) : next(value)
}

/** An accepted notify to record with a transition, its `receivedAt` already normalised. */
export interface TransitionNotify {
  input: NotifyInput
  receivedAt: string
}

/** What the shared write logic may do inside one transaction. */
export interface WriteTx {
  /** The checkout, locked until the transaction ends (PostgreSQL: `SELECT … FOR UPDATE`). */
  lockCheckout(id: string): MaybePromise<CheckoutRecord | undefined>
  /**
   * The refund and its checkout, both locked; the checkout first everywhere, so two writers
   * never wait on each other in opposite orders.
   */
  lockRefund(id: string): MaybePromise<{ refund?: RefundRecord; checkout?: CheckoutRecord }>
  /**
   * Persist a planned checkout write with a compare-and-set on `expectedVersion`, its outbox
   * rows, the cross-instance poke when it bumped the version, and `notify` when given (once per
   * (syssn, notifyType)). A backend may send these together; it answers what the notify did.
   */
  writeCheckout(
    plan: WritePlan,
    expectedVersion: number,
    notify?: TransitionNotify
  ): MaybePromise<RecordNotifyResult | undefined>
  /** Persist a refund's new status, syssn and failure. */
  writeRefund(refund: RefundRecord): MaybePromise<void>
}

/** One backend's transactions, as the shared write logic uses them. */
export interface StoreTransactions {
  /** Runs `fn` in one transaction; rejects (and rolls back) if it throws. */
  run<T>(fn: (tx: WriteTx) => MaybePromise<T>): Promise<T>
  /** After commit: tell this instance's (and, for PostgreSQL, other instances') subscribers. */
  committed(record: CheckoutRecord): void
  /** The store's clock, ISO. */
  now(): string
}
