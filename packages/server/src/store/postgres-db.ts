/**
 * The query helpers the PostgreSQL store's methods share: plain and transactional queries that
 * wait for the store to be ready, and the pipelined apply of a planned write (`UPDATE … WHERE id
 * AND version`, outbox rows, `pg_notify`) that the transaction adapter (`postgres-tx.ts`) uses.
 */
import type postgres from 'postgres'
import type { PgChangeListener } from './postgres-feed.ts'
import { checkoutFromRow, checkoutValues, outboxValues } from './postgres-schema.ts'
import type { PgStatements } from './postgres-statements.ts'
import type { WriteShape } from './postgres-write-statement.ts'
import { notifyFromRow } from './postgres-schema.ts'
import {
  type CheckoutRecord,
  type NotifyInput,
  type RecordNotifyResult,
  StoreError,
} from './store.ts'
import type { WritePlan } from '../model/index.ts'

/** PostgreSQL text cannot hold NUL; junk notify fields are stored with U+FFFD in its place. */
export const noNul = (v: string | undefined) =>
  v === undefined ? null : v.replaceAll('\0', '\uFFFD')

/** A connection to run on: the pool, one transaction, or a reserved connection (postgres-tx.ts). */
export type PgTx = postgres.TransactionSql | postgres.Sql | postgres.ReservedSql
/** What the store sends as query parameters. */
export type PgParam = string | number | boolean | null | Buffer | readonly string[]

/** What `createPgDb` needs from the store. */
export interface PgDbOptions {
  sql: postgres.Sql
  q: PgStatements
  /** The one-statement write of each shape (`postgres-write-statement.ts`). */
  writeStatement: (shape: WriteShape) => string
  channel: string
  listener: PgChangeListener
  now: () => string
  /** Throws StoreError('closed') after close, else waits for migrations and LISTEN. */
  open: () => Promise<void>
}

/** Build the helpers for one store. */
export function createPgDb(options: PgDbOptions) {
  const { sql, q, writeStatement, channel, listener, now, open } = options
  // Prepared (named, once per connection): an unprepared statement with parameters costs
  // postgres.js an extra round trip to learn their types (Parse/Describe, then Bind/Execute)
  // and stops the pipeline behind it. Prepared, a statement is one round trip, and statements
  // sent together share one. A `sql` created with `prepare: false` (e.g. for PgBouncer in
  // transaction mode) keeps it off.
  const run = (tx: PgTx, text: string, params: PgParam[] = []) =>
    tx.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })
  const one = async (text: string, ...params: PgParam[]) => {
    await open()
    const [r] = await run(sql, text, params)
    return r
  }
  const many = async (text: string, ...params: PgParam[]) => {
    await open()
    return [...(await run(sql, text, params))]
  }
  const checkout = async (tx: PgTx, text: string, ...params: PgParam[]) => {
    const [r] = await run(tx, text, params)
    return r && checkoutFromRow(r)
  }
  /** One transaction (READ COMMITTED plus explicit locks); unique violations become StoreError. */
  const tx = async <T>(fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> => {
    await open()
    try {
      return (await sql.begin(fn)) as T
    } catch (error) {
      throw asStoreError(error)
    }
  }
  /** The poke, queued inside the transaction: PostgreSQL sends it at commit, in commit order. */
  const poke = (c: CheckoutRecord) => JSON.stringify({ id: c.id, version: c.version })
  const notify = (t: PgTx, c: CheckoutRecord) =>
    run(t, 'SELECT pg_notify($1, $2)', [channel, poke(c)])
  /**
   * A planned write (checkout row, outbox rows, poke, and the notify record when one carried the
   * transition) as ONE statement, for a caller that pipelines its COMMIT behind it: it raises
   * when the version check matches no row. Its one row holds the notify record's columns
   * (NULL when that notify was already accepted).
   */
  const writeOnce = (
    t: PgTx,
    plan: WritePlan,
    expected: number,
    record?: { input: NotifyInput; receivedAt: string }
  ) => {
    const shape = { outbox: plan.outbox.length, poke: plan.bumped, notify: record !== undefined }
    const params: PgParam[] = [...checkoutValues(plan.next), expected]
    for (const entry of plan.outbox) params.push(...outboxValues(entry))
    if (plan.bumped) params.push(channel, poke(plan.next))
    if (record) params.push(...notifyParams(record.input, record.receivedAt))
    return run(t, writeStatement(shape), params)
  }
  /** Insert a checked notify in `t`; an accepted one once per (syssn, notifyType). */
  const insertNotify = async (
    t: postgres.TransactionSql,
    input: NotifyInput,
    receivedAt: string
  ): Promise<RecordNotifyResult> => finishNotify(t, input, await sendNotify(t, input, receivedAt))
  /** The INSERT of {@link insertNotify}, sent (and pipelined with what else is in flight). */
  const sendNotify = (t: PgTx, input: NotifyInput, receivedAt: string) =>
    run(t, q.insertNotify, notifyParams(input, receivedAt))
  /** The parameters of a notify row, in `insertNotify` order. */
  const notifyParams = (input: NotifyInput, receivedAt: string): PgParam[] => [
    noNul(input.syssn),
    noNul(input.outTradeNo),
    noNul(input.notifyType),
    noNul(input.checkoutId),
    input.accepted,
    noNul(input.reason),
    Buffer.from(input.rawBody, 'utf8'),
    receivedAt,
  ]
  /** The rest of {@link insertNotify}, given the INSERT's answer. */
  const finishNotify = async (
    t: PgTx,
    input: NotifyInput,
    answer: postgres.RowList<postgres.Row[]>
  ): Promise<RecordNotifyResult> => {
    // A one-statement write answers one row, all NULL when nothing was inserted.
    const [inserted] = answer
    if (inserted && inserted.id !== null && inserted.id !== undefined)
      return { duplicate: false, record: notifyFromRow(inserted) }
    // ON CONFLICT waited for the winner to commit; READ COMMITTED lets this statement see it.
    const key = [noNul(input.syssn), noNul(input.notifyType)]
    const [existing] = await run(t, q.acceptedNotify, key)
    return { duplicate: true, record: notifyFromRow(existing!) }
  }
  return {
    ...{ sql, q, now, listener, open, run, one, many, checkout, tx, notify },
    ...{ insertNotify, sendNotify, finishNotify, writeOnce },
  }
}

/** The helpers of one store. */
export type PgDb = ReturnType<typeof createPgDb>

/** Rows from a claiming `UPDATE … RETURNING` come unordered: sort by `key`, then id. */
export const sortBy =
  <T extends { id: string }>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) !== key(b) ? (key(a) < key(b) ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** A unique violation (`23505`) as the `StoreError` callers handle; any other error as it is. */
export function asStoreError(error: unknown): unknown {
  if ((error as { code?: unknown })?.code !== '23505') return error
  return new StoreError('unique_violation', `Failed to store: ${(error as Error).message}.`, {
    cause: error,
  })
}
