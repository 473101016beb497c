/**
 * The PostgreSQL store's transaction adapter (`transaction.ts`): one `sql.begin` per write, rows
 * locked `FOR UPDATE` before the model decides, and a planned write's statements pipelined.
 */
import type postgres from 'postgres'
import type { PgDb } from './postgres-db.ts'
import { refundFromRow } from './postgres-schema.ts'
import type { StoreTransactions, WriteTx } from './transaction.ts'

/** `failure` as the JSON column holds it. */
export const failureJson = (f: { failure?: unknown }) =>
  f.failure === undefined ? null : JSON.stringify(f.failure)

/** The transactions of one PostgreSQL store. */
export function pgTransactions(db: PgDb): StoreTransactions {
  const { q, run, checkout, tx, applyWrite, sendNotify, finishNotify, listener, now } = db
  const writeTx = (t: postgres.TransactionSql): WriteTx => ({
    lockCheckout: (id) => checkout(t, q.byIdForUpdate, id),
    async lockRefund(id) {
      const [found] = await run(t, q.refundById, [id])
      // Lock order everywhere: the checkout first, then its refund, so no deadlock.
      const payment = found && (await checkout(t, q.byIdForUpdate, found.checkout_id as string))
      const [locked] = found ? await run(t, q.refundByIdForUpdate, [id]) : []
      return { refund: locked && refundFromRow(locked), checkout: payment }
    },
    async writeCheckout(plan, expectedVersion, notify) {
      if (!notify) {
        await applyWrite(t, plan, expectedVersion)
        return undefined
      }
      // The notify's INSERT goes out with the transition's writes: one round trip for all.
      const [answer] = await applyWrite<[postgres.RowList<postgres.Row[]>]>(
        t,
        plan,
        expectedVersion,
        sendNotify(t, notify.input, notify.receivedAt)
      )
      return finishNotify(t, notify.input, answer)
    },
    async writeRefund(f) {
      await run(t, q.updateRefund, [f.id, f.status, f.syssn ?? null, failureJson(f), f.updatedAt])
    },
  })
  return {
    run: (fn) => tx(async (t) => fn(writeTx(t))),
    // The poke went out with the commit; this tells this instance's listeners at once.
    committed: (record) => listener.offer(record),
    now,
  }
}
