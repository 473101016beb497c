/**
 * The durable state layer of the checkout server (docs/architecture.md#the-stores-promises):
 * one `Store`, made of one small interface per record kind (checkouts, refunds, outbox jobs,
 * notifies), that memory, SQLite and PostgreSQL implement with the same semantics, proven by
 * the store contract suite (`@qfpay-checkout/server/testing`, `describeStoreContract`).
 *
 * Conventions every implementation keeps:
 * - Times are ISO-8601 UTC strings in `Date.prototype.toISOString()` form
 *   (`2024-05-01T10:30:00.000Z`). Stores normalise what they are given, so the fixed-width form
 *   sorts lexicographically in SQLite TEXT columns; PostgreSQL maps them to `timestamptz`.
 * - Amounts are integers in the currency's minor unit, as on the wire.
 * - Races are outcomes, not exceptions: a moved `version`, an illegal transition or an
 *   over-refund come back as `{ ok: false, reason }`. Faults (a broken disk, a duplicate
 *   `outTradeNo`, a closed store) throw.
 * - Every method is async, because PostgreSQL is, even where SQLite is synchronous.
 * - The decisions (status graph, what a write changes, what may be refunded) are the pure
 *   functions of `../model/`; a store only reads, locks and persists.
 */
import type { CheckoutStatus } from '../contract.ts'
import type {
  CheckoutPatch,
  CheckoutRecord,
  CreateCheckoutInput,
  CreateRefundInput,
  CreateRefundResult,
  NotifyInput,
  NotifyRecord,
  OutboxEntry,
  OutboxTopic,
  RecordNotifyResult,
  RefundPatch,
  RefundRecord,
  WriteRejection,
} from '../model/records.ts'

export type {
  Checkout,
  CheckoutFailure,
  CheckoutPatch,
  CheckoutRecord,
  CheckoutStatus,
  CreateCheckoutInput,
  CreateRefundInput,
  CreateRefundResult,
  NotifyInput,
  NotifyRecord,
  OutboxEntry,
  OutboxTopic,
  RecordNotifyResult,
  RefundPatch,
  RefundRecord,
  RefundStatus,
  WriteRejection,
} from '../model/records.ts'

/**
 * `created`: a new pending row. `existing`: a checkout for the same (order, payType) was already
 * pending and is returned instead. `already_paid`: some checkout of this order is paid (or
 * refunded), returned so the caller can answer 409 `already_paid`.
 */
export type CreateCheckoutResult =
  | { kind: 'created'; checkout: CheckoutRecord }
  | { kind: 'existing'; checkout: CheckoutRecord }
  | { kind: 'already_paid'; checkout: CheckoutRecord }

/**
 * `transition` input: the patch to apply, guarded by the version the caller read, and the status
 * to move to (omitted = a plain patch, no status change).
 */
export interface TransitionInput extends CheckoutPatch {
  expectedVersion: number
  status?: CheckoutStatus
  /**
   * An accepted notify to record in the SAME transaction (one durable commit instead of two):
   * stored iff the transition commits, deduplicated per (syssn, notifyType) like `recordNotify`
   * (a duplicate does not stop the transition). Must be `accepted` with a `syssn`.
   */
  notify?: NotifyInput
  /**
   * The hooks to enqueue outbox entries for; default both. An app without `onStatus` passes
   * `['onPaid']`, so it pays no outbox row (and no completion commit) for a hook it lacks.
   */
  hooks?: readonly OutboxTopic[]
}

/** The outcome of `transition`. */
export type WriteResult =
  | {
      ok: true
      checkout: CheckoutRecord
      bumped: boolean
      /** Present when `TransitionInput.notify` was given: what recording it did. */
      notify?: RecordNotifyResult
    }
  | WriteRejection

/** On success to `succeeded`, `checkout` is the payment after its refund transition. */
export type UpdateRefundResult =
  | { ok: true; refund: RefundRecord; checkout?: CheckoutRecord }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'illegal_transition'; current: RefundRecord }

/** What the change feed carries: enough to re-read, nothing more (fits a LISTEN/NOTIFY poke). */
export interface CheckoutChange {
  id: string
  version: number
}

/** What a lease claim (`claimChecks`, `claimDue`) takes: one shape for both. */
export interface LeaseInput {
  /** The claimer's current time (ISO): due means due by `now`, with no lease beyond it. */
  now: string
  /** Most rows to claim. */
  limit: number
  /** How long the claimer holds them; the lease ends at `now + leaseMs`. */
  leaseMs: number
  /** Who claims (e.g. hostname:pid); stored as `checkLeaseOwner` on checkouts, for debugging. */
  owner?: string
}

/** Options every store factory accepts. */
export interface StoreOptions {
  /** The clock for defaults (`createdAt`, `updatedAt`, outbox `availableAt`). Tests inject one. */
  clock?: () => Date
  /** Where a throwing change listener is reported; defaults to `console.error`. */
  onListenerError?: (error: unknown) => void
}

/** Checkouts: create, read, the one compare-and-set write, and the reconciler's lease. */
export interface CheckoutStore {
  /** Insert a pending checkout, atomically: one pending per (order, payType), none once paid. */
  create(input: CreateCheckoutInput): Promise<CreateCheckoutResult>
  get(id: string): Promise<CheckoutRecord | undefined>
  getByOutTradeNo(outTradeNo: string): Promise<CheckoutRecord | undefined>
  /** Pending checkouts of `order`, oldest first (to close them before a new one goes out). */
  listPendingByOrder(order: string): Promise<CheckoutRecord[]>
  /** Newest first; `before` is the id of the last checkout of the previous page. */
  list(options?: {
    status?: CheckoutStatus
    limit?: number
    before?: string
  }): Promise<CheckoutRecord[]>
  /**
   * The one compare-and-set write. Checks `expectedVersion`; with `status`, the move must be
   * allowed (`canTransition`; `cancelled|expired -> paid` also sets `latePayment`), bumps
   * `version` by 1, enqueues `onStatus` (and `onPaid` when entering `paid`; only the `hooks`
   * given, when given) and records `notify` (when given) in the same transaction. Without
   * `status` it is a patch: `version` is bumped (and subscribers told) only when a wire-visible
   * field changes, so reconciler bookkeeping does not wake every open event stream.
   */
  transition(id: string, input: TransitionInput): Promise<WriteResult>
  /** Pending checkouts with `nextCheckAt <= dueBefore`, by `nextCheckAt` then `id` (health). */
  listNonFinal(options: { dueBefore: string; limit: number }): Promise<CheckoutRecord[]>
  /**
   * The reconciler's lease, so several instances never `/query` one order at the same time:
   * atomically pick up to `limit` pending checkouts with `nextCheckAt <= now` whose lease is
   * unset or ended (`checkLeaseUntil <= now`), by `nextCheckAt` then `id`, and lease them to
   * `owner` until `now + leaseMs`. No two concurrent claimers get the same checkout. The lease
   * is bookkeeping: `version` and `updatedAt` stay, nobody is told. It ends by itself (a
   * crashed instance's checkouts come back after `leaseMs`) or early with
   * `transition(id, { expectedVersion, checkLeaseUntil: null, nextCheckAt })`.
   */
  claimChecks(lease: LeaseInput): Promise<CheckoutRecord[]>
}

/** Refunds: persisted before the gateway call, bounded by what is still refundable. */
export interface RefundStore {
  /** Persist a refund before calling the gateway; bounded by the paid amount, per payment. */
  createRefund(input: CreateRefundInput): Promise<CreateRefundResult>
  /** Move a refund on; `succeeded` also moves the checkout (refundedAmount, status) atomically. */
  updateRefund(id: string, patch: RefundPatch): Promise<UpdateRefundResult>
  getRefund(id: string): Promise<RefundRecord | undefined>
  getRefundByOutTradeNo(outTradeNo: string): Promise<RefundRecord | undefined>
  /** Refunds of a checkout, oldest first. */
  listRefunds(checkoutId: string): Promise<RefundRecord[]>
}

/** The outbox: durable hook jobs, written with the transition that caused them. */
export interface OutboxStore {
  /** Lease up to `limit` due entries (oldest first) for `leaseMs`; no two claimers get one entry. */
  claimDue(lease: LeaseInput): Promise<OutboxEntry[]>
  /** Mark an entry (or several, in one transaction: one durable commit) done for good. */
  completeOutbox(entryId: string | readonly string[]): Promise<void>
  /**
   * Release an entry for a retry at `nextAttemptAt`. With `attempt`, applies only if nobody has
   * re-claimed it since (its `attempts` still equals `attempt`). Returns whether it applied.
   */
  failOutbox(
    entryId: string,
    nextAttemptAt: string,
    error: string,
    attempt?: number
  ): Promise<boolean>
}

/** Notifies: every one the route saw; accepted ones count once per (syssn, notifyType). */
export interface NotifyStore {
  /** Store a notify; an accepted one is stored once per (syssn, notifyType). */
  recordNotify(input: NotifyInput): Promise<RecordNotifyResult>
  hasAcceptedNotify(syssn: string, notifyType: string): Promise<boolean>
  /**
   * Deletes rejected notifies received before `before` (ISO time); returns how many. Accepted
   * ones are kept: they are what makes a notify count once. Optional for a merchant's own store;
   * the checkout app calls it on a schedule when it exists.
   */
  pruneRejectedNotifies?(before: string): Promise<number>
}

/**
 * The checkout server's durable state: the four record kinds, plus the change feed and close.
 * See each implementation for its storage details and the store contract suite for the
 * behaviour all of them share.
 */
export interface Store extends CheckoutStore, RefundStore, OutboxStore, NotifyStore {
  /** Called after commit for every new version (creation is version 1). Returns unsubscribe. */
  subscribe(listener: (change: CheckoutChange) => void): () => void
  close(): Promise<void>
}

/**
 * Read-only queries the built-in stores answer beyond `Store`, for tests and operators
 * (`listRejectedNotifies(store)` in the test support). Not part of the contract: the checkout
 * app never calls them, so a merchant's own store need not have them.
 */
export interface StoreInspection {
  /** Rejected notifies, newest first (at most `limit`, default 50, capped at 500). */
  listRejectedNotifies(options?: { limit?: number }): Promise<NotifyRecord[]>
}

export { isStoreError, StoreError, type StoreErrorCode } from './store-error.ts'
