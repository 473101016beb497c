/**
 * An in-memory `Store` for tests. Same semantics as SQLite and PostgreSQL (the contract suite
 * proves it): every method does its reads and writes synchronously before its first `await`,
 * which makes each call one atomic step on Node's single thread, the stand-in for a transaction.
 */
import { ChangeFeed } from './change-feed.ts'
import { checkoutWrites } from './checkout-writes.ts'
import { newCheckoutId } from './ids.ts'
import {
  type CheckoutRecord,
  type NotifyInput,
  type NotifyRecord,
  type OutboxEntry,
  type RecordNotifyResult,
  type RefundRecord,
  type Store,
  type StoreInspection,
  type StoreOptions,
  StoreError,
} from './store.ts'
import {
  PAID_STATUSES,
  checkNotifyInput,
  newCheckoutRecord,
  normaliseTime,
  planRefund,
  type WritePlan,
} from '../model/index.ts'
import type { StoreTransactions } from './transaction.ts'

/** Default and largest page for `list` / `listRejectedNotifies`. */
const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500

/**
 * Create an empty in-memory store. Tests only: nothing survives the process.
 *
 * @example
 * const store = createMemoryStore({ clock: () => new Date('2024-05-01T00:00:00Z') })
 */
export function createMemoryStore(options: StoreOptions = {}): Store & StoreInspection {
  const clock = options.clock ?? (() => new Date())
  const now = () => clock().toISOString()
  const checkouts = new Map<string, CheckoutRecord>()
  const outbox = new Map<string, OutboxEntry>()
  const notifies: NotifyRecord[] = []
  const refunds = new Map<string, RefundRecord>()
  const feed = new ChangeFeed(options.onListenerError)
  let closed = false

  // Callers get copies, so mutating a returned record cannot change the store behind its back.
  const copy = <T>(value: T): T => structuredClone(value)
  const open = () => {
    if (closed) throw new StoreError('closed', 'Failed to use store: it is closed.')
  }
  const all = () => [...checkouts.values()]
  const findBy = (pred: (c: CheckoutRecord) => boolean) => {
    const found = all().find(pred)
    return found && copy(found)
  }
  const read = <T>(value: T | undefined) => value && copy(value)
  const unique = (what: string, taken: boolean) => {
    if (taken)
      throw new StoreError('unique_violation', `Failed to store ${what}: it already exists.`)
  }
  const applyWrite = (plan: WritePlan) => {
    const { next } = plan
    if (next.syssn !== undefined)
      unique(
        `syssn ${next.syssn}`,
        all().some((c) => c.syssn === next.syssn && c.id !== next.id)
      )
    checkouts.set(next.id, copy(next))
    for (const entry of plan.outbox) outbox.set(entry.id, copy(entry))
  }
  /** Store a checked notify; an accepted one once per (syssn, notifyType). */
  const insertNotify = (input: NotifyInput): RecordNotifyResult => {
    if (input.accepted) {
      const existing = notifies.find(
        (n) => n.accepted && n.syssn === input.syssn && n.notifyType === input.notifyType
      )
      if (existing) return { duplicate: true, record: copy(existing) }
    }
    // Drop keys passed as undefined, so records look the same as the SQL stores' rows.
    const fields = Object.entries(input).filter(([, v]) => v !== undefined)
    const record = {
      ...Object.fromEntries(fields),
      receivedAt: normaliseTime(input.receivedAt),
      id: String(notifies.length + 1),
    } as NotifyRecord
    notifies.push(record)
    return { duplicate: false, record: copy(record) }
  }
  /** Orders by a key ascending then id ascending; 0 only for the same row. */
  const by =
    <T extends { id: string }>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a) !== key(b) ? (key(a) < key(b) ? -1 : 1) : a.id === b.id ? 0 : a.id < b.id ? -1 : 1
  const byCreated = by<CheckoutRecord>((c) => c.createdAt)
  const byCreatedDesc = (a: CheckoutRecord, b: CheckoutRecord) => byCreated(b, a)
  // A "transaction" is one synchronous step: every adapter call below answers at once, so the
  // shared write logic reads, decides and writes without yielding to another caller.
  const txs: StoreTransactions = {
    async run(fn) {
      open()
      return fn({
        lockCheckout: (id) => read(checkouts.get(id)),
        lockRefund(id) {
          const refund = read(refunds.get(id))
          return { refund, checkout: refund && read(checkouts.get(refund.checkoutId)) }
        },
        writeCheckout(plan, _expectedVersion, notify) {
          applyWrite(plan)
          return notify && insertNotify(notify.input)
        },
        writeRefund(refund) {
          refunds.set(refund.id, copy(refund))
        },
      })
    },
    committed: (record) => feed.emit(record),
    now,
  }
  const writes = checkoutWrites(txs)

  return {
    transition: writes.transition,
    async create(input) {
      open()
      const paid = all().find((c) => c.order === input.order && PAID_STATUSES.includes(c.status))
      if (paid) return { kind: 'already_paid', checkout: copy(paid) }
      const pending = all().find(
        (c) => c.order === input.order && c.payType === input.payType && c.status === 'pending'
      )
      if (pending) return { kind: 'existing', checkout: copy(pending) }
      const record = newCheckoutRecord(input, input.id ?? newCheckoutId(), now())
      unique(`checkout ${record.id}`, checkouts.has(record.id))
      unique(
        `outTradeNo ${record.outTradeNo}`,
        all().some((c) => c.outTradeNo === record.outTradeNo)
      )
      checkouts.set(record.id, copy(record))
      feed.emit(record)
      return { kind: 'created', checkout: copy(record) }
    },
    async get(id) {
      open()
      const found = checkouts.get(id)
      return found && copy(found)
    },
    async getByOutTradeNo(outTradeNo) {
      open()
      return findBy((c) => c.outTradeNo === outTradeNo)
    },
    async listPendingByOrder(order) {
      open()
      return all()
        .filter((c) => c.order === order && c.status === 'pending')
        .sort(byCreated)
        .map(copy)
    },
    async listNonFinal({ dueBefore, limit }) {
      open()
      const due = normaliseTime(dueBefore)
      return all()
        .filter(
          (c) => c.status === 'pending' && c.nextCheckAt !== undefined && c.nextCheckAt <= due
        )
        .sort(by((c) => c.nextCheckAt!))
        .slice(0, limit)
        .map(copy)
    },
    async claimChecks({ now: at, limit, leaseMs, owner }) {
      open()
      const t = normaliseTime(at)
      const leaseUntil = new Date(Date.parse(t) + leaseMs).toISOString()
      const due = all()
        .filter(
          (c) =>
            c.status === 'pending' &&
            c.nextCheckAt !== undefined &&
            c.nextCheckAt <= t &&
            (c.checkLeaseUntil === undefined || c.checkLeaseUntil <= t)
        )
        .sort(by((c) => c.nextCheckAt!))
        .slice(0, limit)
      for (const c of due) {
        c.checkLeaseUntil = leaseUntil
        if (owner === undefined) delete c.checkLeaseOwner
        else c.checkLeaseOwner = owner
      }
      return due.map(copy)
    },
    async list({ status, limit = DEFAULT_LIMIT, before } = {}) {
      open()
      let rows = all().sort(byCreatedDesc)
      if (before !== undefined) {
        const cursor = checkouts.get(before)
        if (!cursor) return []
        rows = rows.filter((c) => byCreatedDesc(cursor, c) < 0)
      }
      if (status !== undefined) rows = rows.filter((c) => c.status === status)
      return rows.slice(0, Math.min(limit, MAX_LIMIT)).map(copy)
    },

    async claimDue({ now: at, limit, leaseMs }) {
      open()
      const t = normaliseTime(at)
      const leaseUntil = new Date(Date.parse(t) + leaseMs).toISOString()
      const due = [...outbox.values()]
        .filter(
          (e) =>
            e.completedAt === undefined &&
            e.availableAt <= t &&
            (e.leaseUntil === undefined || e.leaseUntil <= t)
        )
        .sort(by((e) => e.availableAt))
        .slice(0, limit)
      for (const entry of due) {
        entry.attempts += 1
        entry.leaseUntil = leaseUntil
      }
      return due.map(copy)
    },
    async completeOutbox(entryIds) {
      open()
      for (const entryId of typeof entryIds === 'string' ? [entryIds] : entryIds) {
        const entry = outbox.get(entryId)
        if (entry && entry.completedAt === undefined) {
          entry.completedAt = now()
          delete entry.leaseUntil
        }
      }
    },
    async failOutbox(entryId, nextAttemptAt, error, attempt) {
      open()
      const entry = outbox.get(entryId)
      if (!entry || entry.completedAt !== undefined) return false
      if (attempt !== undefined && entry.attempts !== attempt) return false
      entry.availableAt = normaliseTime(nextAttemptAt)
      entry.lastError = error
      delete entry.leaseUntil
      return true
    },
    async recordNotify(input) {
      open()
      checkNotifyInput(input)
      return insertNotify(input)
    },
    async hasAcceptedNotify(syssn, notifyType) {
      open()
      return notifies.some((n) => n.accepted && n.syssn === syssn && n.notifyType === notifyType)
    },
    async pruneRejectedNotifies(before) {
      open()
      const cut = new Date(before).toISOString()
      let removed = 0
      for (let i = notifies.length - 1; i >= 0; i--) {
        const n = notifies[i]!
        if (!n.accepted && n.receivedAt < cut) {
          notifies.splice(i, 1)
          removed++
        }
      }
      return removed
    },
    async listRejectedNotifies({ limit = DEFAULT_LIMIT } = {}) {
      open()
      return notifies
        .filter((n) => !n.accepted)
        .sort((a, b) =>
          a.receivedAt === b.receivedAt
            ? Number(b.id) - Number(a.id)
            : a.receivedAt < b.receivedAt
              ? 1
              : -1
        )
        .slice(0, Math.min(limit, MAX_LIMIT))
        .map(copy)
    },

    async createRefund(input) {
      open()
      const existing = [...refunds.values()].filter((r) => r.checkoutId === input.checkoutId)
      const result = planRefund(
        checkouts.get(input.checkoutId),
        existing,
        input,
        input.id ?? newCheckoutId(),
        now()
      )
      if (!result.ok) return result
      unique(`refund ${result.refund.id}`, refunds.has(result.refund.id))
      unique(
        `refund outTradeNo ${input.outTradeNo}`,
        [...refunds.values()].some((r) => r.outTradeNo === input.outTradeNo)
      )
      refunds.set(result.refund.id, copy(result.refund))
      return { ok: true, refund: copy(result.refund) }
    },
    updateRefund: writes.updateRefund,
    async getRefund(id) {
      open()
      const found = refunds.get(id)
      return found && copy(found)
    },
    async getRefundByOutTradeNo(outTradeNo) {
      open()
      const found = [...refunds.values()].find((r) => r.outTradeNo === outTradeNo)
      return found && copy(found)
    },
    async listRefunds(checkoutId) {
      open()
      return [...refunds.values()].filter((r) => r.checkoutId === checkoutId).map(copy)
    },

    subscribe(listener) {
      return feed.subscribe(listener)
    },
    async close() {
      closed = true
      feed.clear()
    },
  }
}
