/**
 * The durable state layer of the checkout server (docs/architecture.md#the-stores-promises):
 * one small `Store` interface that memory, SQLite and PostgreSQL implement with the same
 * semantics, proven by `store-contract.ts`.
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
 *
 * Mapping onto PostgreSQL (the rules live in `../model/`, shared by every store):
 * - `create`: one transaction; `INSERT … ON CONFLICT (order_ref, pay_type) WHERE status =
 *   'pending' DO NOTHING`, then read the existing row; take `pg_advisory_xact_lock(hashtext(order))`
 *   first so the already-paid check and the insert see the same order state.
 * - `transition` / `update`: `SELECT … FOR UPDATE`, `planWrite`, `UPDATE … WHERE id AND version`,
 *   insert the outbox rows, `pg_notify('qfpay_checkout_changes', '{"id","version"}')` (sent at commit).
 * - `claimDue`: `UPDATE outbox SET attempts = attempts + 1, lease_until = … WHERE id IN (SELECT id
 *   … ORDER BY available_at, id LIMIT n FOR UPDATE SKIP LOCKED) RETURNING *`.
 * - `createRefund` / `updateRefund`: lock the checkout row `FOR UPDATE`, which serialises refunds
 *   of one payment; then `planRefund` / `planRefundUpdate`.
 * - `claimChecks`: like `claimDue`, on `checkouts` (`check_lease_until`, `check_lease_owner`).
 * The implementation is `postgres.ts`; its channel is `qfpay_checkout_changes`.
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
export { toCheckout } from '../model/records.ts'
export { canTransition, canTransitionRefund } from '../model/status.ts'

/**
 * `created`: a new pending row. `existing`: a checkout for the same (order, payType) was already
 * pending and is returned instead. `already_paid`: some checkout of this order is paid (or
 * refunded), returned so the caller can answer 409 `already_paid`.
 */
export type CreateCheckoutResult =
  | { kind: 'created'; checkout: CheckoutRecord }
  | { kind: 'existing'; checkout: CheckoutRecord }
  | { kind: 'already_paid'; checkout: CheckoutRecord }

/** `transition` input: the status to move to, guarded by the version the caller read. */
export interface TransitionInput extends CheckoutPatch {
  expectedVersion: number
  status: CheckoutStatus
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

/** The outcome of `transition` / `update`. */
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

/** `claimChecks` input. */
export interface ClaimChecksInput {
  /** The claimer's current time (ISO): due means `nextCheckAt <= now` and no lease beyond it. */
  now: string
  /** Most checkouts to claim. */
  limit: number
  /** How long the claimer holds them; `checkLeaseUntil = now + leaseMs`. */
  leaseMs: number
  /** Who claims (e.g. hostname:pid); stored as `checkLeaseOwner`. */
  owner: string
}

/** Options every store factory accepts. */
export interface StoreOptions {
  /** The clock for defaults (`createdAt`, `updatedAt`, outbox `availableAt`). Tests inject one. */
  clock?: () => Date
  /** Where a throwing change listener is reported; defaults to `console.error`. */
  onListenerError?: (error: unknown) => void
}

/**
 * The checkout server's durable state. See each implementation for its storage details and
 * `store-contract.ts` for the behaviour all of them share.
 */
export interface Store {
  /** Insert a pending checkout, atomically: one pending per (order, payType), none once paid. */
  create(input: CreateCheckoutInput): Promise<CreateCheckoutResult>
  get(id: string): Promise<CheckoutRecord | undefined>
  getByOutTradeNo(outTradeNo: string): Promise<CheckoutRecord | undefined>
  getBySyssn(syssn: string): Promise<CheckoutRecord | undefined>
  /** Pending checkouts of `order`, oldest first (to close them before a new one goes out). */
  listPendingByOrder(order: string): Promise<CheckoutRecord[]>
  /** A paid, partially refunded or refunded checkout of `order`, if any. */
  findPaidByOrder(order: string): Promise<CheckoutRecord | undefined>
  /**
   * Compare-and-set a status change (`canTransition` must allow it; `cancelled|expired -> paid`
   * also sets `latePayment`). Bumps `version` by 1, enqueues `onStatus` (and `onPaid` when
   * entering `paid`; only the `hooks` given, when given) and records `notify` (when given) in
   * the same transaction, then notifies subscribers.
   */
  transition(id: string, input: TransitionInput): Promise<WriteResult>
  /**
   * Compare-and-set a patch without a status change. `version` is still checked; it is bumped
   * (and subscribers told) only when a wire-visible field actually changes, so reconciler
   * bookkeeping does not wake every open event stream.
   */
  update(id: string, expectedVersion: number, patch: CheckoutPatch): Promise<WriteResult>
  /** Pending checkouts with `nextCheckAt <= dueBefore`, by `nextCheckAt` then `id`. */
  listNonFinal(options: { dueBefore: string; limit: number }): Promise<CheckoutRecord[]>
  /**
   * The reconciler's lease, so several instances never `/query` one order at the same time:
   * atomically pick up to `limit` pending checkouts with `nextCheckAt <= now` whose lease is
   * unset or ended (`checkLeaseUntil <= now`), by `nextCheckAt` then `id`, and lease them to
   * `owner` until `now + leaseMs`. No two concurrent claimers get the same checkout. The lease
   * is bookkeeping: `version` and `updatedAt` stay, nobody is told. It ends by itself (a
   * crashed instance's checkouts come back after `leaseMs`) or early with
   * `update(id, version, { checkLeaseUntil: null, nextCheckAt })`.
   */
  claimChecks(options: ClaimChecksInput): Promise<CheckoutRecord[]>
  /** Newest first; `before` is the id of the last checkout of the previous page. */
  list(options?: {
    status?: CheckoutStatus
    limit?: number
    before?: string
  }): Promise<CheckoutRecord[]>

  /** Lease up to `limit` due entries (oldest first) for `leaseMs`; no two claimers get one entry. */
  claimDue(now: string, limit: number, leaseMs: number): Promise<OutboxEntry[]>
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
  getOutbox(entryId: string): Promise<OutboxEntry | undefined>

  /** Store a notify; an accepted one is stored once per (syssn, notifyType). */
  recordNotify(input: NotifyInput): Promise<RecordNotifyResult>
  hasAcceptedNotify(syssn: string, notifyType: string): Promise<boolean>
  /** Rejected notifies, newest first. */
  listRejectedNotifies(options?: { limit?: number }): Promise<NotifyRecord[]>
  /**
   * Deletes rejected notifies received before `before` (ISO time); returns how many. Accepted
   * ones are kept: they are what makes a notify count once. Optional for a merchant's own store;
   * the checkout app calls it on a schedule when it exists.
   */
  pruneRejectedNotifies?(before: string): Promise<number>

  /** Persist a refund before calling the gateway; bounded by the paid amount, per payment. */
  createRefund(input: CreateRefundInput): Promise<CreateRefundResult>
  /** Move a refund on; `succeeded` also moves the checkout (refundedAmount, status) atomically. */
  updateRefund(id: string, patch: RefundPatch): Promise<UpdateRefundResult>
  getRefund(id: string): Promise<RefundRecord | undefined>
  getRefundByOutTradeNo(outTradeNo: string): Promise<RefundRecord | undefined>
  /** Refunds of a checkout, oldest first. */
  listRefunds(checkoutId: string): Promise<RefundRecord[]>

  /** Called after commit for every new version (creation is version 1). Returns unsubscribe. */
  subscribe(listener: (change: CheckoutChange) => void): () => void
  close(): Promise<void>
}

/** A fault the store reports by `code` (check `code`, not `instanceof`: two copies may load). */
export class StoreError extends Error {
  readonly code: 'unique_violation' | 'closed' | 'schema_too_new'
  constructor(code: StoreError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreError'
    this.code = code
  }
}
