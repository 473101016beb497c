/**
 * The `Store` for several server instances: PostgreSQL through postgres.js (docs/decisions.md#postgresql-for-several-instances).
 * Same rules as SQLite and memory (`../model/` decides, the store contract suite proves it):
 * - every write is one transaction that locks what it decides on (`SELECT … FOR UPDATE` on the
 *   checkout; an advisory lock per order for `create`), writes with a compare-and-set
 *   (`WHERE id AND version`), and inserts its outbox rows and its notification in the same
 *   transaction;
 * - outbox entries and reconciler checks are claimed with `FOR UPDATE SKIP LOCKED`, so each
 *   goes to one instance at a time;
 * - the change feed crosses instances through LISTEN/NOTIFY (`postgres-feed.ts`).
 *
 * Locking, method by method (READ COMMITTED plus explicit locks):
 * - `create`: one transaction; `pg_advisory_xact_lock(hashtext(schema), hashtext(order))`
 *   first, so the already-paid check and the insert see the same order state; then `INSERT …
 *   ON CONFLICT (order_ref, pay_type) WHERE status = 'pending' DO NOTHING`, and on a conflict
 *   read the existing row.
 * - `transition`: `SELECT … FOR UPDATE`, `planWrite`, then `UPDATE … WHERE id AND version`, the
 *   outbox rows, the accepted notify and `pg_notify('<schema>_changes', '{"id","version"}')`
 *   sent together (pipelined: one round trip); the poke is delivered at commit, in commit order.
 * - `createRefund` / `updateRefund`: lock the checkout row `FOR UPDATE` (then the refund's),
 *   which serialises refunds of one payment; then `planRefund` / `planRefundUpdate`.
 * - `claimDue`: `UPDATE outbox SET attempts = attempts + 1, lease_until = … WHERE id IN (SELECT
 *   id … ORDER BY available_at, id LIMIT n FOR UPDATE SKIP LOCKED) RETURNING *`.
 * - `claimChecks`: the same on `checkouts` (`check_lease_until`, `check_lease_owner`).
 */
import postgres from 'postgres'
import { ChangeFeed } from './change-feed.ts'
import { checkoutWrites } from './checkout-writes.ts'
import { newCheckoutId } from './ids.ts'
import { PgChangeListener } from './postgres-feed.ts'
import { type PgParam, createPgDb, sortBy } from './postgres-db.ts'
import { pgNotifyMethods, pgOutboxMethods, pgRefundMethods } from './postgres-records.ts'
import {
  DEFAULT_SCHEMA,
  checkoutFromRow,
  checkoutValues,
  migratePostgres,
  notifyFromRow,
  quoteSchema,
} from './postgres-schema.ts'
import { pgStatements } from './postgres-statements.ts'
import { pgWriteStatements } from './postgres-write-statement.ts'
import { pgTransactions } from './postgres-tx.ts'
import { type Store, StoreError, type StoreInspection, type StoreOptions } from './store.ts'
import { newCheckoutRecord, normaliseTime } from '../model/index.ts'

export { DEFAULT_SCHEMA, PG_MIGRATIONS } from './postgres-schema.ts'
export type { Store, StoreOptions } from './store.ts'
export { isStoreError, StoreError, type StoreErrorCode } from './store-error.ts'

/** Options for `createPostgresStore`. */
export interface PostgresStoreOptions extends StoreOptions {
  /** A connection URL (`postgres://user:pass@host:5432/db`); the store opens and owns a pool. */
  url?: string
  /** A postgres.js instance to use as is: not ended on close. Must not transform column names. */
  sql?: postgres.Sql
  /** The schema holding the store's tables (created if missing); default `qfpay_checkout`. */
  schema?: string
  /** Pool size when the store opens its own pool; default 10. */
  max?: number
  /** How far back a reconnecting listener re-reads, beyond its last known-good moment; default 30 s. */
  resyncMarginMs?: number
}

/** The PostgreSQL store: a `Store`, plus its readiness and its channel. */
export interface PostgresStore extends Store, StoreInspection {
  /** Settles once migrations ran and LISTEN is in place; every method waits for it anyway. */
  readonly ready: Promise<void>
  /** The LISTEN/NOTIFY channel: `<schema>_changes`, e.g. `qfpay_checkout_changes`. */
  readonly channel: string
  /** How many times the listener re-synced after losing its connection. */
  readonly resyncs: number
}

/**
 * Seconds before a pooled connection retries after a failed connect. postgres.js's default grows
 * with a failure count the whole pool (and its LISTEN connection) shares, to 10–20 s: during a
 * one-second database restart ten connections fail together, and queries then wait that long for
 * a server that is long back. Retry at least once a second instead.
 */
export const reconnectBackoff = (retries: number): number => Math.min(0.05 * 2 ** retries, 1)

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500

/**
 * Open a PostgreSQL store: from a URL (it owns its pool and ends it on close) or a postgres.js
 * instance (used as is). Returns at once; migrations (under an advisory lock, so instances
 * starting together apply each once) and LISTEN run in the background, and every method waits
 * for them — `await store.ready` to fail fast at boot.
 *
 * @example
 * import { createPostgresStore } from '@qfpay-checkout/server/stores/postgres'
 * const store = createPostgresStore(process.env.DATABASE_URL!)
 * await store.ready
 * @see ./POSTGRES.md, and describeStoreContract in `@qfpay-checkout/server/testing` (the behaviour it passes)
 */
export function createPostgresStore(config: string | PostgresStoreOptions): PostgresStore {
  const options: PostgresStoreOptions = typeof config === 'string' ? { url: config } : config
  const schema = options.schema ?? DEFAULT_SCHEMA
  const s = quoteSchema(schema)
  if (!options.sql && !options.url)
    throw new TypeError('Failed to open store: pass a PostgreSQL url or a postgres.js sql.')
  const owned = !options.sql
  const sql =
    options.sql ??
    postgres(options.url!, {
      max: options.max ?? 10,
      onnotice: () => undefined,
      backoff: reconnectBackoff,
      connection: { application_name: 'qfpay-checkout' },
    })
  const transform = (sql.options as { transform?: { column?: { from?: unknown } } }).transform
  if (transform?.column?.from)
    throw new TypeError('Failed to open store: the given sql must not transform column names.')

  const clock = options.clock ?? (() => new Date())
  const now = () => clock().toISOString()
  const q = pgStatements(s)
  const channel = `${schema}_changes`
  const feed = new ChangeFeed(options.onListenerError)
  const listener = new PgChangeListener({
    sql,
    channel,
    changedSinceSql: q.changedSince,
    feed,
    resyncMarginMs: options.resyncMarginMs ?? 30_000,
    onError: options.onListenerError ?? ((e) => console.error('[qfpay-checkout] change feed', e)),
  })
  let closed = false
  const ready = migratePostgres(sql, schema).then(() => listener.start())
  ready.catch(() => undefined) // reported to whoever calls a method (or awaits ready)
  const open = async () => {
    if (closed) throw new StoreError('closed', 'Failed to use store: it is closed.')
    await ready
  }
  const writeStatement = pgWriteStatements(s)
  const db = createPgDb({ sql, q, writeStatement, channel, listener, now, open })
  const { run, one, many, checkout, tx, notify } = db
  const writes = checkoutWrites(pgTransactions(db))

  return {
    ready,
    channel,
    get resyncs() {
      return listener.resyncs
    },
    transition: writes.transition,
    updateRefund: writes.updateRefund,
    async create(input) {
      const result = await tx(async (t) => {
        // Serialise creates of one order, so the paid check and the insert see one order state.
        await run(t, q.orderLock, [schema, input.order])
        const paid = await checkout(t, q.paidByOrder, input.order)
        if (paid) return { kind: 'already_paid' as const, checkout: paid }
        const record = newCheckoutRecord(input, input.id ?? newCheckoutId(), now())
        if ((await run(t, q.insertCheckout, checkoutValues(record))).length === 1) {
          await notify(t, record)
          return { kind: 'created' as const, checkout: record }
        }
        const existing = await checkout(t, q.pendingFor, input.order, input.payType)
        return { kind: 'existing' as const, checkout: existing! }
      })
      if (result.kind === 'created') listener.offer(result.checkout)
      return result
    },
    async get(id) {
      const r = await one(q.byId, id)
      return r && checkoutFromRow(r)
    },
    async getByOutTradeNo(outTradeNo) {
      const r = await one(q.byOutTradeNo, outTradeNo)
      return r && checkoutFromRow(r)
    },
    async listPendingByOrder(order) {
      return (await many(q.pendingByOrder, order)).map(checkoutFromRow)
    },
    async listNonFinal({ dueBefore, limit }) {
      return (await many(q.due, normaliseTime(dueBefore), limit)).map(checkoutFromRow)
    },
    async claimChecks({ now: at, limit, leaseMs, owner }) {
      const t = normaliseTime(at)
      const until = new Date(Date.parse(t) + leaseMs).toISOString()
      const rows = (await many(q.claimChecks, t, limit, until, owner ?? null)).map(checkoutFromRow)
      return rows.sort(sortBy((c) => c.nextCheckAt!))
    },
    async list({ status, limit = DEFAULT_LIMIT, before } = {}) {
      const where: string[] = []
      const params: PgParam[] = []
      if (before !== undefined) {
        const r = await one(q.byId, before)
        if (!r) return []
        const cursor = checkoutFromRow(r)
        params.push(cursor.createdAt, cursor.id)
        where.push('(created_at, id) < ($1::timestamptz, $2::text COLLATE "C")')
      }
      if (status !== undefined) {
        params.push(status)
        where.push(`status = $${params.length}`)
      }
      params.push(Math.min(limit, MAX_LIMIT))
      return (await many(q.list(where, params.length), ...params)).map(checkoutFromRow)
    },

    async listRejectedNotifies({ limit = DEFAULT_LIMIT } = {}) {
      return (await many(q.rejectedNotifies, Math.min(limit, MAX_LIMIT))).map(notifyFromRow)
    },

    ...pgOutboxMethods(db),
    ...pgNotifyMethods(db),
    ...pgRefundMethods(db),

    subscribe(listener) {
      return feed.subscribe(listener)
    },
    async close() {
      if (closed) return
      closed = true
      feed.clear()
      await ready.catch(() => undefined)
      await listener.stop()
      if (owned) await sql.end({ timeout: 5 })
    },
  }
}
