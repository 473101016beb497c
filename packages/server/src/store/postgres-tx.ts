/**
 * The PostgreSQL store's transaction adapter (`transaction.ts`): one transaction per write on a
 * reserved connection, rows locked `FOR UPDATE` before the model decides, and a planned write's
 * statements pipelined.
 *
 * Round trips: BEGIN is not waited for (it goes out with the first lock), and COMMIT goes out
 * with the planned write, one statement (`postgres-write-statement.ts`), because `writeCheckout`
 * is the last step of every write that has one (`checkout-writes.ts`). A transition is then two round trips instead of the four
 * of `sql.begin` (BEGIN, lock, writes, COMMIT): a pooled connection is held half as long per
 * status change, which is what a burst of notifies queues on. A step after `writeCheckout`
 * throws rather than run outside the transaction.
 */
import type postgres from 'postgres'
import { asStoreError, type PgDb } from './postgres-db.ts'
import { refundFromRow } from './postgres-schema.ts'
import type { MaybePromise, StoreTransactions, WriteTx } from './transaction.ts'

type Rows = postgres.RowList<postgres.Row[]>

/** `failure` as the JSON column holds it. */
export const failureJson = (f: { failure?: unknown }) =>
  f.failure === undefined ? null : JSON.stringify(f.failure)

/** The transactions of one PostgreSQL store. */
export function pgTransactions(db: PgDb): StoreTransactions {
  const { sql, q, run, checkout, writeOnce, finishNotify, listener, now, open } = db

  /** Runs `fn` in one transaction on reserved connection `r` (see the file comment). */
  async function inTransaction<T>(
    r: postgres.ReservedSql,
    fn: (tx: WriteTx) => MaybePromise<T>
  ): Promise<T> {
    // 'open' until the COMMIT (or ROLLBACK) has been sent; 'ended' after.
    let state: 'open' | 'ended' = 'open'
    const live = () => {
      if (state === 'ended')
        throw new Error('Failed to write: a step ran after the transaction committed.')
    }
    // Sent now, answered with the first statement's round trip.
    const begin = r.unsafe('BEGIN').execute()
    begin.catch(() => undefined) // its failure surfaces through the statements behind it
    const writeTx: WriteTx = {
      lockCheckout: (id) => (live(), checkout(r, q.byIdForUpdate, id)),
      async lockRefund(id) {
        live()
        const [found] = await run(r, q.refundById, [id])
        // Lock order everywhere: the checkout first, then its refund, so no deadlock.
        const payment = found && (await checkout(r, q.byIdForUpdate, found.checkout_id as string))
        const [locked] = found ? await run(r, q.refundByIdForUpdate, [id]) : []
        return { refund: locked && refundFromRow(locked), checkout: payment }
      },
      async writeRefund(f) {
        live()
        await run(r, q.updateRefund, [f.id, f.status, f.syssn ?? null, failureJson(f), f.updatedAt])
      },
      async writeCheckout(plan, expectedVersion, transitionNotify) {
        live()
        // One statement (`postgres-write-statement.ts`) and the COMMIT, in one round trip. It
        // raises when the version check matches no row, so the COMMIT behind it rolls back.
        const write = writeOnce(r, plan, expectedVersion, transitionNotify)
        state = 'ended'
        const settled = await Promise.allSettled([write, r.unsafe('COMMIT')])
        const failed = settled.find((x) => x.status === 'rejected')
        if (failed) throw failed.reason
        // COMMIT in a transaction a statement aborted answers ROLLBACK.
        if ((settled[1] as PromiseFulfilledResult<Rows>).value.command !== 'COMMIT')
          throw new Error(`Failed to write checkout ${plan.next.id}: it was rolled back.`)
        if (!transitionNotify) return undefined
        // A duplicate's winner has committed: its row is read on the pool.
        const answer = (settled[0] as PromiseFulfilledResult<Rows>).value
        return finishNotify(sql, transitionNotify.input, answer)
      },
    }
    try {
      const result = await fn(writeTx)
      if (state === 'open') {
        state = 'ended'
        await r.unsafe('COMMIT')
      }
      return result
    } catch (error) {
      if (state === 'open') await r.unsafe('ROLLBACK').catch(() => undefined)
      throw error
    }
  }

  return {
    async run<T>(fn: (tx: WriteTx) => MaybePromise<T>): Promise<T> {
      await open()
      const r = await sql.reserve()
      try {
        return await inTransaction(r, fn)
      } catch (error) {
        throw asStoreError(error)
      } finally {
        r.release()
      }
    },
    // The poke went out with the commit; this tells this instance's listeners at once.
    committed: (record) => listener.offer(record),
    now,
  }
}
