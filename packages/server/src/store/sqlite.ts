/**
 * The embedded default `Store`: one SQLite file through better-sqlite3, WAL with
 * `synchronous=FULL`, so an acknowledged write survives kill -9 and power loss
 * (docs/architecture.md#the-stores-promises). Every write runs in a `BEGIN IMMEDIATE` transaction, which takes the write
 * lock up front: read-decide-write is then atomic even with a second process on the same file.
 *
 * The change feed is in-process: a second process writing the same file does not wake this
 * one's subscribers. Several server instances need the PostgreSQL store.
 */
import type Database from 'better-sqlite3'
import { ChangeFeed } from './change-feed.ts'
import { checkoutWrites } from './checkout-writes.ts'
import { createGroupCommit } from './sqlite-group-commit.ts'
import type { StoreTransactions } from './transaction.ts'
import { sqliteWriteTx } from './sqlite-tx.ts'
import { newCheckoutId } from './ids.ts'
import {
  checkoutFromRow,
  checkoutToRow,
  MIGRATIONS as SCHEMA_MIGRATIONS,
  migrate,
  notifyFromRow,
  outboxFromRow,
  refundFromRow,
  refundToRow,
} from './sqlite-schema.ts'
import { loadSqliteDriver } from './sqlite-driver.ts'
import { prepareStatements } from './sqlite-statements.ts'
import { type Store, type StoreInspection, StoreError, type StoreOptions } from './store.ts'
import { checkNotifyInput, newCheckoutRecord, normaliseTime, planRefund } from '../model/index.ts'

/**
 * The schema's migrations in order (`PRAGMA user_version` counts those applied). Declared here,
 * not re-exported, so the published types of this entry do not reach better-sqlite3's types.
 */
export const MIGRATIONS: readonly string[] = SCHEMA_MIGRATIONS
export type { Store, StoreOptions } from './store.ts'
export { isStoreError, StoreError, type StoreErrorCode } from './store-error.ts'

/** Options for `createSqliteStore`. */
export interface SqliteStoreOptions extends StoreOptions {
  /** The database file (created if missing); `:memory:` for a throwaway one. */
  filename?: string
  /** Alias of `filename`. */
  path?: string
  /** How long a write waits for another connection's lock, in ms; default 5000. */
  busyTimeoutMs?: number
}

/** Default and largest page for `list` / `listRejectedNotifies`. */
const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/**
 * Open (creating and migrating as needed) a SQLite store.
 *
 * @example
 * import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
 * const store = createSqliteStore({ filename: './qfpay.sqlite' })
 * @see docs/architecture.md#the-stores-promises
 * @see describeStoreContract in `@qfpay-checkout/server/testing` (the behaviour it passes)
 */
export function createSqliteStore(options: SqliteStoreOptions = {}): Store & StoreInspection {
  const filename = options.filename ?? options.path
  if (filename === undefined)
    throw new TypeError('Failed to open store: pass a filename (or ":memory:").')
  const db = new (loadSqliteDriver())(filename)
  try {
    db.pragma('journal_mode = WAL')
    // FULL fsyncs the WAL on every commit: an acknowledged notify ("SUCCESS") must outlive a crash.
    db.pragma('synchronous = FULL')
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`)
    db.pragma('foreign_keys = ON')
    migrate(db)
  } catch (error) {
    db.close()
    throw error
  }

  const clock = options.clock ?? (() => new Date())
  const now = () => clock().toISOString()
  const feed = new ChangeFeed(options.onListenerError)
  let closed = false

  const q = prepareStatements(db)
  // `list` builds its SQL from the filters given; there are only four shapes, so cache them.
  const listStatements = new Map<string, Database.Statement>()

  const open = () => {
    if (closed) throw new StoreError('closed', 'Failed to use store: it is closed.')
  }
  const row = (stmt: Database.Statement, ...args: unknown[]) => {
    const r = stmt.get(...args) as Record<string, unknown> | undefined
    return r && checkoutFromRow(r)
  }
  const rows = (stmt: Database.Statement, ...args: unknown[]) =>
    (stmt.all(...args) as Record<string, unknown>[]).map(checkoutFromRow)
  const storeError = (error: unknown) =>
    isUniqueViolation(error)
      ? new StoreError('unique_violation', `Failed to store: ${(error as Error).message}.`, {
          cause: error,
        })
      : error
  // Writes after close never reach the queue (`open()` refuses them), and close flushes what
  // was queued before it: a group never finds the store closed.
  const group = createGroupCommit(db, { mapError: storeError })
  /** Run `fn` in BEGIN IMMEDIATE (grouped, see `sqlite-group-commit.ts`). */
  const tx = <T>(fn: () => T): Promise<T> => {
    open()
    return group.run(fn)
  }
  const { writeTx, insertNotify } = sqliteWriteTx(q)
  // The transaction adapter: synchronous steps inside one grouped BEGIN IMMEDIATE.
  const txs: StoreTransactions = {
    run: (fn) =>
      tx(() => {
        const result = fn(writeTx)
        if (result instanceof Promise)
          throw new TypeError('Failed to store: a SQLite transaction step must not yield.')
        return result
      }),
    committed: (record) => feed.emit(record),
    now,
  }
  const writes = checkoutWrites(txs)

  return {
    transition: writes.transition,
    async create(input) {
      const result = await tx(() => {
        const paid = row(q.paidByOrder, input.order)
        if (paid) return { kind: 'already_paid' as const, checkout: paid }
        const record = newCheckoutRecord(input, input.id ?? newCheckoutId(), now())
        // The partial unique index decides "already pending", as PostgreSQL's ON CONFLICT will.
        if (q.insertCheckout.run(checkoutToRow(record)).changes === 1)
          return { kind: 'created' as const, checkout: record }
        return {
          kind: 'existing' as const,
          checkout: row(q.pendingFor, input.order, input.payType)!,
        }
      })
      if (result.kind === 'created') feed.emit(result.checkout)
      return result
    },
    async get(id) {
      open()
      return row(q.byId, id)
    },
    async getByOutTradeNo(outTradeNo) {
      open()
      return row(q.byOutTradeNo, outTradeNo)
    },
    async listPendingByOrder(order) {
      open()
      return rows(q.pendingByOrder, order)
    },
    async listNonFinal({ dueBefore, limit }) {
      open()
      return rows(q.due, normaliseTime(dueBefore), limit)
    },
    async claimChecks({ now: at, limit, leaseMs, owner }) {
      const t = normaliseTime(at)
      const leaseUntil = new Date(Date.parse(t) + leaseMs).toISOString()
      // BEGIN IMMEDIATE makes select-then-lease atomic across processes on the same file.
      return tx(() =>
        (q.dueChecks.all({ now: t, limit }) as { id: string }[]).map(({ id }) => {
          q.leaseCheck.run(leaseUntil, owner ?? null, id)
          return row(q.byId, id)!
        })
      )
    },
    async list({ status, limit = DEFAULT_LIMIT, before } = {}) {
      open()
      const where: string[] = []
      const params: unknown[] = []
      if (before !== undefined) {
        const cursor = row(q.byId, before)
        if (!cursor) return []
        where.push('(created_at < ? OR (created_at = ? AND id < ?))')
        params.push(cursor.createdAt, cursor.createdAt, cursor.id)
      }
      if (status !== undefined) {
        where.push('status = ?')
        params.push(status)
      }
      const sql = `SELECT * FROM checkouts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`
      let stmt = listStatements.get(sql)
      if (!stmt) listStatements.set(sql, (stmt = db.prepare(sql)))
      return rows(stmt, ...params, Math.min(limit, MAX_LIMIT))
    },

    async claimDue({ now: at, limit, leaseMs }) {
      const t = normaliseTime(at)
      const leaseUntil = new Date(Date.parse(t) + leaseMs).toISOString()
      return tx(() => {
        const ids = (q.dueOutbox.all({ now: t, limit }) as { id: string }[]).map((r) => r.id)
        return ids.map((id) => {
          q.leaseOutbox.run(leaseUntil, id)
          return outboxFromRow(q.outboxById.get(id) as Record<string, unknown>)
        })
      })
    },
    async completeOutbox(entryIds) {
      const ids = typeof entryIds === 'string' ? [entryIds] : entryIds
      if (ids.length === 0) return
      const at = now()
      await tx(() => {
        for (const id of ids) q.completeOutbox.run(at, id)
      })
    },
    async failOutbox(entryId, nextAttemptAt, error, attempt) {
      const next = normaliseTime(nextAttemptAt)
      return tx(
        () => q.failOutbox.run({ id: entryId, next, error, attempt: attempt ?? null }).changes === 1
      )
    },
    async recordNotify(input) {
      const receivedAt = checkNotifyInput(input)
      return tx(() => insertNotify(input, receivedAt))
    },
    async hasAcceptedNotify(syssn, notifyType) {
      open()
      return q.acceptedNotify.get(syssn, notifyType) !== undefined
    },
    async pruneRejectedNotifies(before) {
      open()
      return Number(q.pruneRejectedNotifies.run(new Date(before).toISOString()).changes)
    },
    async listRejectedNotifies({ limit = DEFAULT_LIMIT } = {}) {
      open()
      return (q.rejectedNotifies.all(Math.min(limit, MAX_LIMIT)) as Record<string, unknown>[]).map(
        notifyFromRow
      )
    },

    async createRefund(input) {
      return tx(() => {
        // The IMMEDIATE lock serialises refunds of one payment (PostgreSQL: lock the checkout row).
        const existing = (q.refundsOf.all(input.checkoutId) as Record<string, unknown>[]).map(
          refundFromRow
        )
        const result = planRefund(
          row(q.byId, input.checkoutId),
          existing,
          input,
          input.id ?? newCheckoutId(),
          now()
        )
        if (result.ok) q.insertRefund.run(refundToRow(result.refund))
        return result
      })
    },
    updateRefund: writes.updateRefund,
    async getRefund(id) {
      open()
      const r = q.refundById.get(id) as Record<string, unknown> | undefined
      return r && refundFromRow(r)
    },
    async getRefundByOutTradeNo(outTradeNo) {
      open()
      const r = q.refundByOutTradeNo.get(outTradeNo) as Record<string, unknown> | undefined
      return r && refundFromRow(r)
    },
    async listRefunds(checkoutId) {
      open()
      return (q.refundsOf.all(checkoutId) as Record<string, unknown>[]).map(refundFromRow)
    },

    subscribe(listener) {
      return feed.subscribe(listener)
    },
    async close() {
      if (closed) return
      // Writes already queued were accepted before close: commit them, then close.
      group.flush()
      closed = true
      feed.clear()
      db.close()
    },
  }
}
