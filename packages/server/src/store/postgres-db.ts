/**
 * The query helpers the PostgreSQL store's methods share: plain and transactional queries that
 * wait for the store to be ready, and the compare-and-set write every checkout change goes
 * through (row lock, plan, `UPDATE … WHERE id AND version`, outbox rows, `pg_notify`).
 */
import type postgres from 'postgres'
import type { PgChangeListener } from './postgres-feed.ts'
import { checkoutFromRow, checkoutValues, outboxValues } from './postgres-schema.ts'
import type { PgStatements } from './postgres-statements.ts'
import { notifyFromRow } from './postgres-schema.ts'
import {
  type CheckoutPatch,
  type CheckoutRecord,
  type NotifyInput,
  type OutboxTopic,
  type RecordNotifyResult,
  StoreError,
  type WriteResult,
} from './store.ts'
import { checkTransitionNotify, planWrite, type WritePlan } from './transitions.ts'

/** PostgreSQL text cannot hold NUL; junk notify fields are stored with U+FFFD in its place. */
export const noNul = (v: string | undefined) =>
  v === undefined ? null : v.replaceAll('\0', '\uFFFD')

/** A connection to run on: the pool, or one transaction. */
export type PgTx = postgres.TransactionSql | postgres.Sql
/** What the store sends as query parameters. */
export type PgParam = string | number | boolean | null | Buffer | readonly string[]

/** What `createPgDb` needs from the store. */
export interface PgDbOptions {
  sql: postgres.Sql
  q: PgStatements
  channel: string
  listener: PgChangeListener
  now: () => string
  /** Throws StoreError('closed') after close, else waits for migrations and LISTEN. */
  open: () => Promise<void>
}

/** Build the helpers for one store. */
export function createPgDb({ sql, q, channel, listener, now, open }: PgDbOptions) {
  const run = (tx: PgTx, text: string, params: PgParam[] = []) =>
    tx.unsafe(text, params as postgres.ParameterOrJSON<never>[])
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
      if ((error as { code?: unknown })?.code === '23505')
        throw new StoreError('unique_violation', `Failed to store: ${(error as Error).message}.`, {
          cause: error,
        })
      throw error
    }
  }
  /** The poke, queued inside the transaction: PostgreSQL sends it at commit, in commit order. */
  const notify = (t: postgres.TransactionSql, c: CheckoutRecord) =>
    run(t, 'SELECT pg_notify($1, $2)', [channel, JSON.stringify({ id: c.id, version: c.version })])
  /** Write a plan decided under the row lock, its outbox rows and (if bumped) its poke. */
  const applyWrite = async (t: postgres.TransactionSql, plan: WritePlan, expected: number) => {
    const r = await run(t, q.updateCheckout, [...checkoutValues(plan.next), expected])
    if (r.count !== 1)
      throw new Error(
        `Failed to write checkout ${plan.next.id}: its row moved inside a transaction.`
      )
    for (const entry of plan.outbox) await run(t, q.insertOutbox, outboxValues(entry))
    if (plan.bumped) await notify(t, plan.next)
  }
  /** Insert a checked notify in `t`; an accepted one once per (syssn, notifyType). */
  const insertNotify = async (
    t: postgres.TransactionSql,
    input: NotifyInput,
    receivedAt: string
  ): Promise<RecordNotifyResult> => {
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
    const key = [noNul(input.syssn), noNul(input.notifyType)]
    const [existing] = await run(t, q.acceptedNotify, key)
    return { duplicate: true, record: notifyFromRow(existing!) }
  }
  /** `transition` / `update`: lock the row, let `planWrite` decide, write exactly that. */
  const write = async (
    id: string,
    expectedVersion: number,
    patch: CheckoutPatch,
    status?: CheckoutRecord['status'],
    hooks?: readonly OutboxTopic[],
    notifyInput?: NotifyInput
  ): Promise<WriteResult> => {
    const receivedAt = checkTransitionNotify(notifyInput)
    const result = await tx(async (t) => {
      const current = await checkout(t, q.byIdForUpdate, id)
      const p = planWrite(current, expectedVersion, patch, status, now(), hooks)
      if (!p.ok) return { plan: p }
      await applyWrite(t, p, expectedVersion)
      // Same transaction, one commit: the notify row exists iff the transition committed.
      const recorded = notifyInput && (await insertNotify(t, notifyInput, receivedAt!))
      return { plan: p, notify: recorded }
    })
    const plan = result.plan
    if (!plan.ok) return plan
    if (plan.bumped) listener.offer(plan.next)
    return {
      ok: true,
      checkout: plan.next,
      bumped: plan.bumped,
      ...(result.notify ? { notify: result.notify } : {}),
    }
  }
  return {
    ...{ sql, q, now, listener, open, run, one, many, checkout, tx, notify, applyWrite, write },
    insertNotify,
  }
}

/** The helpers of one store. */
export type PgDb = ReturnType<typeof createPgDb>

/** Rows from a claiming `UPDATE … RETURNING` come unordered: sort by `key`, then id. */
export const sortBy =
  <T extends { id: string }>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) !== key(b) ? (key(a) < key(b) ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
