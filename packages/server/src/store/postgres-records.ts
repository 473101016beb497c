/**
 * The PostgreSQL store's outbox, notify and refund methods (the checkout methods are in
 * `postgres.ts`; `transition` and `updateRefund` are shared, see `postgres-tx.ts`). Same
 * decisions as SQLite: `planRefund` under the checkout's row lock.
 */
import { newCheckoutId } from './ids.ts'
import { type PgDb, noNul, sortBy } from './postgres-db.ts'
import { outboxFromRow, refundFromRow } from './postgres-schema.ts'
import type { Store } from './store.ts'
import { checkNotifyInput, normaliseTime, planRefund } from '../model/index.ts'
import { failureJson } from './postgres-tx.ts'

type OutboxMethods = 'claimDue' | 'completeOutbox' | 'failOutbox'
type NotifyMethods = 'recordNotify' | 'hasAcceptedNotify' | 'pruneRejectedNotifies'
type RefundMethods = 'createRefund' | 'getRefund' | 'getRefundByOutTradeNo' | 'listRefunds'

/** The outbox: claimed with `FOR UPDATE SKIP LOCKED`, so each hook runs on one instance. */
export function pgOutboxMethods(db: PgDb): Pick<Store, OutboxMethods> {
  const { q, run, sql, open, many, now } = db
  return {
    async claimDue({ now: at, limit, leaseMs }) {
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
  }
}

/** Notifies: accepted ones once per (syssn, notifyType) through a partial unique index. */
export function pgNotifyMethods(db: PgDb): Pick<Store, NotifyMethods> {
  const { q, tx, one, run, sql, insertNotify } = db
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
  }
}

/** Refunds: the checkout's row lock serialises them, so their sum never exceeds the payment. */
export function pgRefundMethods(db: PgDb): Pick<Store, RefundMethods> {
  const { q, run, tx, one, many, checkout, now } = db
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
