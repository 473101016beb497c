/**
 * A planned checkout write as ONE PostgreSQL statement: the version-checked `UPDATE`, its outbox
 * rows, the notify record (if a notify carried the transition) and the `pg_notify` poke, as
 * data-modifying CTEs of one `WITH`.
 *
 * Why one statement rather than four pipelined ones: they already shared a round trip, but each
 * statement still costs a Bind/Execute/CommandComplete on both sides, a trip through
 * postgres.js's parser and a promise; a notify's transaction is the connection the pool waits
 * for. Every sub-statement of a `WITH` runs exactly once and to completion, whether or not the
 * final `SELECT` reads it, and all of them in the caller's transaction, so nothing changes in
 * what commits together.
 *
 * The final `SELECT` returns exactly one row: `matched` is `1 / count(updated)`, which raises
 * division_by_zero (22012) when the version check matched no row, so the COMMIT pipelined behind
 * it rolls back; `pg_notify` is in its target list, so it runs once (PostgreSQL delivers it at
 * commit, in commit order); the notify record's columns follow, all NULL when `ON CONFLICT`
 * found it already accepted (its `id` is never NULL otherwise).
 */
import { CHECKOUT_COLUMNS } from './postgres-schema.ts'

/** What one write holds besides the checkout row. */
export interface WriteShape {
  /** Outbox rows (nine parameters each, `outboxValues` order). */
  outbox: number
  /** Whether the version moved, so listeners are poked (two parameters: channel, payload). */
  poke: boolean
  /** Whether a notify record goes in (eight parameters, `sendNotify` order). */
  notify: boolean
}

const OUTBOX_COLUMNS =
  'id, topic, checkout_id, version, from_status, checkout, attempts, available_at, created_at'
const NOTIFY_COLUMNS =
  'syssn, out_trade_no, notify_type, checkout_id, accepted, reason, raw_body, received_at'

/** `($from, …, $from+n-1)` */
const placeholders = (from: number, n: number) =>
  `(${Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ')})`

/**
 * The statement for each shape of write on the quoted schema `s`, built once per shape (a handful
 * exist: 0–2 outbox rows, with or without poke and notify). The text is stable per shape, so
 * postgres.js prepares it once per connection and later writes only Bind and Execute.
 */
export function pgWriteStatements(s: string): (shape: WriteShape) => string {
  const cache = new Map<string, string>()
  const set = CHECKOUT_COLUMNS.map((c, i) => `${c} = $${i + 1}`)
    .filter((_, i) => i > 0)
    .join(', ')
  const expected = CHECKOUT_COLUMNS.length + 1
  return (shape) => {
    const key = `${shape.outbox}:${shape.poke}:${shape.notify}`
    const hit = cache.get(key)
    if (hit) return hit
    let next = expected + 1
    // In SET, `version` is still the old value: changed_at moves only when the version does.
    const parts = [
      `updated AS (UPDATE ${s}.checkouts SET ${set},
      changed_at = CASE WHEN version <> $2 THEN clock_timestamp() ELSE changed_at END
      WHERE id = $1 AND version = $${expected} RETURNING 1)`,
    ]
    for (let i = 0; i < shape.outbox; i++, next += 9)
      parts.push(
        `outbox_${i} AS (INSERT INTO ${s}.outbox (${OUTBOX_COLUMNS}) VALUES ${placeholders(next, 9)})`
      )
    const select = ['1 / (SELECT count(*) FROM updated) AS matched']
    if (shape.poke) {
      select.push(`pg_notify($${next}, $${next + 1}) AS poked`)
      next += 2
    }
    if (shape.notify) {
      parts.push(`recorded AS (INSERT INTO ${s}.notifies (${NOTIFY_COLUMNS})
      VALUES ${placeholders(next, 8)}
      ON CONFLICT (syssn, notify_type) WHERE accepted DO NOTHING RETURNING *)`)
      select.push('recorded.*')
    }
    const from = shape.notify ? '(VALUES (1)) AS one (x) LEFT JOIN recorded ON true' : ''
    const text = `WITH ${parts.join(',\n')}\nSELECT ${select.join(', ')}${from && ` FROM ${from}`}`
    cache.set(key, text)
    return text
  }
}
