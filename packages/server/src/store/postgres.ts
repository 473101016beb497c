/**
 * The `Store` for several server instances: PostgreSQL through postgres.js (design.md §4).
 * Same rules as SQLite and memory (`transitions.ts` decides, `store-contract.ts` proves it):
 * - every write is one transaction that locks what it decides on (`SELECT … FOR UPDATE` on the
 *   checkout; an advisory lock per order for `create`), writes with a compare-and-set
 *   (`WHERE id AND version`), and inserts its outbox rows and its notification in the same
 *   transaction;
 * - outbox entries and reconciler checks are claimed with `FOR UPDATE SKIP LOCKED`, so each
 *   goes to one instance at a time;
 * - the change feed crosses instances through LISTEN/NOTIFY (`postgres-feed.ts`).
 */
import postgres from 'postgres'
import { ChangeFeed } from './change-feed.ts'
import { newCheckoutId } from './ids.ts'
import { PgChangeListener } from './postgres-feed.ts'
import {
  DEFAULT_SCHEMA,
  checkoutFromRow,
  checkoutValues,
  migratePostgres,
  notifyFromRow,
  outboxFromRow,
  outboxValues,
  quoteSchema,
  refundFromRow,
} from './postgres-schema.ts'
import { pgStatements } from './postgres-statements.ts'
import { type CheckoutRecord, type Store, StoreError, type StoreOptions } from './store.ts'
import {
  newCheckoutRecord,
  normaliseTime,
  planRefund,
  planRefundUpdate,
  planWrite,
  type WritePlan,
} from './transitions.ts'

export { DEFAULT_SCHEMA, PG_MIGRATIONS } from './postgres-schema.ts'
export type { Store, StoreOptions } from './store.ts'

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
export interface PostgresStore extends Store {
  /** Settles once migrations ran and LISTEN is in place; every method waits for it anyway. */
  readonly ready: Promise<void>
  /** The LISTEN/NOTIFY channel: `<schema>_changes`, e.g. `qfpay_checkout_changes`. */
  readonly channel: string
  /** How many times the listener re-synced after losing its connection. */
  readonly resyncs: number
}

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500
/** PostgreSQL text cannot hold NUL; junk notify fields are stored with U+FFFD in its place. */
const noNul = (v: string | undefined) => (v === undefined ? null : v.replaceAll('\0', '\uFFFD'))

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
 * @see ./POSTGRES.md and store-contract.ts (the behaviour it passes)
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

  type Tx = postgres.TransactionSql | postgres.Sql
  type Param = string | number | boolean | null | Buffer
  const run = (tx: Tx, text: string, params: Param[] = []) =>
    tx.unsafe(text, params as postgres.ParameterOrJSON<never>[])
  const open = async () => {
    if (closed) throw new StoreError('closed', 'Failed to use store: it is closed.')
    await ready
  }
  const one = async (text: string, ...params: Param[]) => {
    await open()
    const [r] = await run(sql, text, params)
    return r
  }
  const many = async (text: string, ...params: Param[]) => {
    await open()
    return [...(await run(sql, text, params))]
  }
  const checkout = async (tx: Tx, text: string, ...params: Param[]) => {
    const [r] = await run(tx, text, params)
    return r && checkoutFromRow(r)
  }
  /** One transaction; unique violations become StoreError like SQLite's. */
  const tx = async <T>(fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> => {
    await open()
    try {
      return (await sql.begin(fn)) as T
    } catch (error) {
      if ((error as { code?: unknown })?.code === '23505')
        throw new StoreError('unique_violation', `Failed to store: ${(error as Error).message}.`, {
          cause: error,
        })
      throw error
    }
  }
  /** Write a plan decided under the row lock, its outbox rows and (if bumped) its poke. */
  const applyWrite = async (t: postgres.TransactionSql, plan: WritePlan, expected: number) => {
    const r = await run(t, q.updateCheckout, [...checkoutValues(plan.next), expected])
    if (r.count !== 1)
      throw new Error(`Failed to write checkout ${plan.next.id}: its row moved inside a transaction.`)
    for (const entry of plan.outbox) await run(t, q.insertOutbox, outboxValues(entry))
    if (plan.bumped) await notify(t, plan.next)
  }
  const notify = (t: postgres.TransactionSql, c: CheckoutRecord) =>
    run(t, 'SELECT pg_notify($1, $2)', [channel, JSON.stringify({ id: c.id, version: c.version })])
  const write = async (
    id: string,
    expectedVersion: number,
    patch: Parameters<Store['update']>[2],
    status?: CheckoutRecord['status']
  ) => {
    const plan = await tx(async (t) => {
      const p = planWrite(await checkout(t, q.byIdForUpdate, id), expectedVersion, patch, status, now())
      if (p.ok) await applyWrite(t, p, expectedVersion)
      return p
    })
    if (!plan.ok) return plan
    if (plan.bumped) listener.offer(plan.next)
    return { ok: true as const, checkout: plan.next, bumped: plan.bumped }
  }
  /** Rows from a claiming UPDATE … RETURNING come unordered: sort by `key`, then id. */
  const sortBy = <T extends { id: string }>(key: (x: T) => string) => (a: T, b: T) =>
    key(a) !== key(b) ? (key(a) < key(b) ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

  return {
    ready,
    channel,
    get resyncs() {
      return listener.resyncs
    },
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
    async getBySyssn(syssn) {
      const r = await one(q.bySyssn, syssn)
      return r && checkoutFromRow(r)
    },
    async listPendingByOrder(order) {
      return (await many(q.pendingByOrder, order)).map(checkoutFromRow)
    },
    async findPaidByOrder(order) {
      const r = await one(q.paidByOrder, order)
      return r && checkoutFromRow(r)
    },
    async transition(id, { expectedVersion, status, ...patch }) {
      return write(id, expectedVersion, patch, status)
    },
    async update(id, expectedVersion, patch) {
      return write(id, expectedVersion, patch)
    },
    async listNonFinal({ dueBefore, limit }) {
      return (await many(q.due, normaliseTime(dueBefore), limit)).map(checkoutFromRow)
    },
    async claimChecks({ now: at, limit, leaseMs, owner }) {
      const t = normaliseTime(at)
      const until = new Date(Date.parse(t) + leaseMs).toISOString()
      const rows = (await many(q.claimChecks, t, limit, until, owner)).map(checkoutFromRow)
      return rows.sort(sortBy((c) => c.nextCheckAt!))
    },
    async list({ status, limit = DEFAULT_LIMIT, before } = {}) {
      const where: string[] = []
      const params: Param[] = []
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

    async claimDue(at, limit, leaseMs) {
      const t = normaliseTime(at)
      const until = new Date(Date.parse(t) + leaseMs).toISOString()
      const rows = (await many(q.claimOutbox, t, limit, until)).map(outboxFromRow)
      return rows.sort(sortBy((e) => e.availableAt))
    },
    async completeOutbox(entryId) {
      await open()
      await run(sql, q.completeOutbox, [now(), entryId])
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

    async recordNotify(input) {
      if (input.accepted && input.syssn === undefined)
        throw new TypeError('Failed to record notify: an accepted notify needs its syssn.')
      if (!input.accepted && input.reason === undefined)
        throw new TypeError('Failed to record notify: a rejected notify needs a reason.')
      const receivedAt = normaliseTime(input.receivedAt)
      return tx(async (t) => {
        const [inserted] = await run(t, q.insertNotify, [
          noNul(input.syssn),
          noNul(input.outTradeNo),
          noNul(input.notifyType),
          noNul(input.checkoutId),
          input.accepted,
          noNul(input.reason),
          Buffer.from(input.rawBody, 'utf8'),
          receivedAt,
        ])
        if (inserted) return { duplicate: false, record: notifyFromRow(inserted) }
        // ON CONFLICT waited for the winner to commit; READ COMMITTED lets this statement see it.
        const [existing] = await run(t, q.acceptedNotify, [noNul(input.syssn), noNul(input.notifyType)])
        return { duplicate: true, record: notifyFromRow(existing!) }
      })
    },
    async hasAcceptedNotify(syssn, notifyType) {
      return (await one(q.acceptedNotify, noNul(syssn), noNul(notifyType))) !== undefined
    },
    async listRejectedNotifies({ limit = DEFAULT_LIMIT } = {}) {
      return (await many(q.rejectedNotifies, Math.min(limit, MAX_LIMIT))).map(notifyFromRow)
    },

    async createRefund(input) {
      return tx(async (t) => {
        // The checkout's row lock serialises refunds of one payment: the sum bound holds.
        const payment = await checkout(t, q.byIdForUpdate, input.checkoutId)
        const existing = [...(await run(t, q.refundsOf, [input.checkoutId]))].map(refundFromRow)
        const result = planRefund(payment, existing, input, input.id ?? newCheckoutId(), now())
        if (result.ok) {
          const f = result.refund
          await run(t, q.insertRefund, [f.id, f.checkoutId, f.outTradeNo, f.amount, f.status, null, null, f.createdAt, f.updatedAt])
        }
        return result
      })
    },
    async updateRefund(id, patch) {
      const plan = await tx(async (t) => {
        const [found] = await run(t, q.refundById, [id])
        // Lock order everywhere: checkout first, then its refund — no deadlock with createRefund.
        const payment = found && (await checkout(t, q.byIdForUpdate, found.checkout_id as string))
        const [locked] = found ? await run(t, q.refundByIdForUpdate, [id]) : []
        const p = planRefundUpdate(locked && refundFromRow(locked), payment, patch, now())
        if (!p.ok) return p
        const f = p.refund
        await run(t, q.updateRefund, [f.id, f.status, f.syssn ?? null, f.failure === undefined ? null : JSON.stringify(f.failure), f.updatedAt])
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
