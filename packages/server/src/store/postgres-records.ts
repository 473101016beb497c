/**
 * The PostgreSQL store's outbox, notify and refund methods (the checkout methods are in
 * `postgres.ts`). Same decisions as SQLite: `planRefund` / `planRefundUpdate` under a row lock.
 */
import { newCheckoutId } from './ids.ts'
import { type PgDb, noNul, sortBy } from './postgres-db.ts'
import { notifyFromRow, outboxFromRow, refundFromRow } from './postgres-schema.ts'
import type { Store } from './store.ts'
import { checkNotifyInput, normaliseTime, planRefund, planRefundUpdate } from '../model/index.ts'

/** Default and largest page for `listRejectedNotifies`. */
const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500

type OutboxMethods = 'claimDue' | 'completeOutbox' | 'failOutbox' | 'getOutbox'
type NotifyMethods =
  'recordNotify' | 'hasAcceptedNotify' | 'listRejectedNotifies' | 'pruneRejectedNotifies'
type RefundMethods =
  'createRefund' | 'updateRefund' | 'getRefund' | 'getRefundByOutTradeNo' | 'listRefunds'

/** The outbox: claimed with `FOR UPDATE SKIP LOCKED`, so each hook runs on one instance. */
export function pgOutboxMethods(db: PgDb): Pick<Store, OutboxMethods> {
  const { q, run, sql, open, one, many, now } = db
  return {
    async claimDue(at, limit, leaseMs) {
      const t = normaliseTime(at)
      const until = new Date(Date.parse(t) + leaseMs).toISOString()
      const rows = (await many(q.claimOutbox, t, limit, until)).map(outboxFromRow)
      return rows.sort(sortBy((e) => e.availableAt))
    },
    async completeOutbox(entryIds) {
      await open()
      const ids = typeof entryIds === 'string' ? [entryIds] : [...entryIds]
      if (ids.length === 0) return
      // One statement, so one commit, however many entries.
      await run(sql, q.completeOutboxMany, [now(), ids])
    },
    async failOutbox(entryId, nextAttemptAt, error, attempt) {
      await open()
      const params = [entryId, normaliseTime(nextAttemptAt), error, attempt ?? null]
      return (await run(sql, q.failOutbox, params)).count === 1
    },
    async getOutbox(entryId) {
      const r = await one(q.outboxById, entryId)
      return r && outboxFromRow(r)
    },
  }
}

/** Notifies: accepted ones once per (syssn, notifyType) through a partial unique index. */
export function pgNotifyMethods(db: PgDb): Pick<Store, NotifyMethods> {
  const { q, tx, one, many, run, sql, insertNotify } = db
  return {
    async pruneRejectedNotifies(before) {
      return (await run(sql, q.pruneRejectedNotifies, [new Date(before).toISOString()])).count
    },
    async recordNotify(input) {
      const receivedAt = checkNotifyInput(input)
      return tx((t) => insertNotify(t, input, receivedAt))
    },
    async hasAcceptedNotify(syssn, notifyType) {
      return (await one(q.acceptedNotify, noNul(syssn), noNul(notifyType))) !== undefined
    },
    async listRejectedNotifies({ limit = DEFAULT_LIMIT } = {}) {
      return (await many(q.rejectedNotifies, Math.min(limit, MAX_LIMIT))).map(notifyFromRow)
    },
  }
}

/** Refunds: the checkout's row lock serialises them, so their sum never exceeds the payment. */
export function pgRefundMethods(db: PgDb): Pick<Store, RefundMethods> {
  const { q, run, tx, one, many, checkout, applyWrite, listener, now } = db
  const failureJson = (f: { failure?: unknown }) =>
    f.failure === undefined ? null : JSON.stringify(f.failure)
  return {
    async createRefund(input) {
      return tx(async (t) => {
        const payment = await checkout(t, q.byIdForUpdate, input.checkoutId)
        const existing = [...(await run(t, q.refundsOf, [input.checkoutId]))].map(refundFromRow)
        const result = planRefund(payment, existing, input, input.id ?? newCheckoutId(), now())
        if (result.ok) {
          const f = result.refund
          await run(t, q.insertRefund, [
            ...[f.id, f.checkoutId, f.outTradeNo, f.amount, f.status, f.syssn ?? null],
            ...[failureJson(f), f.createdAt, f.updatedAt],
          ])
        }
        return result
      })
    },
    async updateRefund(id, patch) {
      const plan = await tx(async (t) => {
        const [found] = await run(t, q.refundById, [id])
        // Lock order everywhere: the checkout first, then its refund, so no deadlock.
        const payment = found && (await checkout(t, q.byIdForUpdate, found.checkout_id as string))
        const [locked] = found ? await run(t, q.refundByIdForUpdate, [id]) : []
        const p = planRefundUpdate(locked && refundFromRow(locked), payment, patch, now())
        if (!p.ok) return p
        const f = p.refund
        await run(t, q.updateRefund, [f.id, f.status, f.syssn ?? null, failureJson(f), f.updatedAt])
        if (p.checkoutWrite) await applyWrite(t, p.checkoutWrite, p.checkoutWrite.next.version - 1)
        return p
      })
      if (!plan.ok) return plan
      if (!plan.checkoutWrite) return { ok: true, refund: plan.refund }
      listener.offer(plan.checkoutWrite.next)
      return { ok: true, refund: plan.refund, checkout: plan.checkoutWrite.next }
    },
    async getRefund(id) {
      const r = await one(q.refundById, id)
      return r && refundFromRow(r)
    },
    async getRefundByOutTradeNo(outTradeNo) {
      const r = await one(q.refundByOutTradeNo, outTradeNo)
      return r && refundFromRow(r)
    },
    async listRefunds(checkoutId) {
      return (await many(q.refundsOf, checkoutId)).map(refundFromRow)
    },
  }
}
