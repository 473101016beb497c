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
 * Mapping onto PostgreSQL (the rules live in `transitions.ts`, shared by every store):
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
import type { Checkout, CheckoutFailure, CheckoutStatus, PayFlow } from '../contract.ts'

export type { Checkout, CheckoutFailure, CheckoutStatus } from '../contract.ts'

/** A checkout as stored: the wire `Checkout` plus what only the server may see. */
export interface CheckoutRecord extends Checkout {
  /** Our QFPay `out_trade_no` for this payment; unique. */
  outTradeNo: string
  /** QFPay's transaction number, once the gateway has told us; unique when set. */
  syssn?: string
  /** Which mount created the checkout (e.g. `public`, `pos`); free-form, not part of any key. */
  mount: string
  /** When the reconciler should next `/query` this checkout; unset = never. */
  nextCheckAt?: string
  /** How many reconciler queries have run, for its backoff. */
  checkAttempts: number
  /** Until when one reconciler instance holds this checkout (`claimChecks`); unset = nobody. */
  checkLeaseUntil?: string
  /** Who holds that lease (the `owner` given to `claimChecks`), for logs and debugging. */
  checkLeaseOwner?: string
  /** True once the gateway confirmed the order closed/reversed, so it cannot be paid any more. */
  upstreamClosed: boolean
  updatedAt: string
}

/** What `create` needs; the store sets `version: 1`, `status: 'pending'`, zero refunds. */
export interface CreateCheckoutInput {
  order: string
  payType: string
  flow: PayFlow
  amount: number
  currency: string
  goodsName?: string
  outTradeNo: string
  expiresAt: string
  mount?: string
  /** Defaults to `newCheckoutId()`. */
  id?: string
  /** Defaults to the store's clock. */
  createdAt?: string
  /** Defaults to `createdAt`: a pending checkout is always on the reconciler's list. */
  nextCheckAt?: string
}

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
 * Fields a caller may change. Wire-visible ones (`payUrl`, `expiresAt`, `paidAt`, `failure`,
 * `refundedAmount`) bump `version`; the others are bookkeeping and do not (see `Store.update`).
 * `null` clears `nextCheckAt`.
 */
export interface CheckoutPatch {
  payUrl?: string
  expiresAt?: string
  paidAt?: string
  failure?: CheckoutFailure
  refundedAmount?: number
  syssn?: string
  nextCheckAt?: string | null
  checkAttempts?: number
  upstreamClosed?: boolean
  /** `null` releases the reconciler lease (`claimChecks`) early; bookkeeping, no version bump. */
  checkLeaseUntil?: null
}

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

/** Why a compare-and-set write did not happen. `current` is the row as it is now. */
export type WriteRejection =
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'conflict'; current: CheckoutRecord }
  | { ok: false; reason: 'illegal_transition'; current: CheckoutRecord }

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

/** Hooks the outbox drives; one entry per hook per transition. */
export type OutboxTopic = 'onPaid' | 'onStatus'

/** A durable "run this hook for this transition" job. */
export interface OutboxEntry {
  /** `${checkoutId}:${version}:${topic}`: also the hook's idempotency key. */
  id: string
  topic: OutboxTopic
  checkoutId: string
  version: number
  fromStatus: CheckoutStatus
  /** The wire checkout as of `version`; the hook sees this, not whatever the row became later. */
  checkout: Checkout
  /** How many times it has been claimed (1 on the first delivery). */
  attempts: number
  availableAt: string
  leaseUntil?: string
  lastError?: string
  createdAt: string
  completedAt?: string
}

/** What the notify route saw, accepted or not. */
export interface NotifyInput {
  /** The payment's or refund's `syssn`; required when `accepted`. */
  syssn?: string
  outTradeNo?: string
  /** `payment`, `refund`, … as sent; may be unknown junk on a rejected notify. */
  notifyType: string
  checkoutId?: string
  accepted: boolean
  /** Why it was rejected (`bad_signature`, `amount_mismatch`, …); required when not accepted. */
  reason?: string
  /** The body as received; never re-serialised. */
  rawBody: string
  receivedAt: string
}

/** A stored notify. */
export interface NotifyRecord extends NotifyInput {
  id: string
}

/** `duplicate`: an accepted notify for the same (syssn, notifyType) was already stored. */
export interface RecordNotifyResult {
  duplicate: boolean
  record: NotifyRecord
}

/** A refund's life: `unknown` = the gateway may still do it, so its amount stays reserved. */
export type RefundStatus = 'requested' | 'succeeded' | 'failed' | 'unknown'

/** One `/trade/v1/refund` call, persisted before the call is made. */
export interface RefundRecord {
  id: string
  checkoutId: string
  /** A new `out_trade_no` for the refund (unique across payments and refunds). */
  outTradeNo: string
  amount: number
  status: RefundStatus
  /** The refund's own `syssn`, once known. */
  syssn?: string
  failure?: CheckoutFailure
  createdAt: string
  updatedAt: string
}

/** `createRefund` input. */
export interface CreateRefundInput {
  checkoutId: string
  amount: number
  outTradeNo: string
  /** Defaults to `newCheckoutId()`. */
  id?: string
  createdAt?: string
}

/** `exceeds_refundable` carries what is still refundable (amount − succeeded − in flight). */
export type CreateRefundResult =
  | { ok: true; refund: RefundRecord }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_refundable'; status: CheckoutStatus }
  | { ok: false; reason: 'exceeds_refundable'; refundable: number }

/** `updateRefund` input: the new status and what the gateway said. */
export interface RefundPatch {
  status: RefundStatus
  syssn?: string
  failure?: CheckoutFailure
  /** The hooks a resulting checkout transition enqueues (see `TransitionInput.hooks`). */
  hooks?: readonly OutboxTopic[]
}

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

/**
 * The checkout state machine (docs/architecture.md#the-checkout-state-machine). Same-status
 * edges exist only where a second refund may follow a first.
 */
const CHECKOUT_EDGES: Record<CheckoutStatus, readonly CheckoutStatus[]> = {
  pending: ['paid', 'cancelled', 'expired', 'failed'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  // A wallet success can land after we closed or expired the order; it wins (and is flagged).
  cancelled: ['paid'],
  expired: ['paid'],
  failed: [],
  refunded: [],
}

const REFUND_EDGES: Record<RefundStatus, readonly RefundStatus[]> = {
  requested: ['succeeded', 'failed', 'unknown'],
  unknown: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
}

/** Whether the monotonic checkout state machine allows `from -> to`. */
export function canTransition(from: CheckoutStatus, to: CheckoutStatus): boolean {
  return CHECKOUT_EDGES[from].includes(to)
}

/** Whether a refund may move `from -> to` (requested -> succeeded | failed | unknown -> …). */
export function canTransitionRefund(from: RefundStatus, to: RefundStatus): boolean {
  return REFUND_EDGES[from].includes(to)
}

export { isStoreError, StoreError, type StoreErrorCode } from './store-error.ts'
