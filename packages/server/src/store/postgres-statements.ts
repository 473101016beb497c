/**
 * The SQL of the PostgreSQL store, one entry per `sqlite-statements.ts` entry where they match,
 * built once per schema. Parameters are positional (`$n`); times are sent as ISO text and typed
 * by the column they meet.
 */
import { CHECKOUT_COLUMNS } from './postgres-schema.ts'
import { PAID_IN } from './sql-in.ts'

/** Every statement `createPostgresStore` uses, by name, for the quoted schema `s`. */
export function pgStatements(s: string) {
  const columns = CHECKOUT_COLUMNS.join(', ')
  const params = CHECKOUT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')
  return {
    orderLock: 'SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))',
    insertCheckout: `INSERT INTO ${s}.checkouts (${columns}) VALUES (${params})
      ON CONFLICT (order_ref, pay_type) WHERE status = 'pending' DO NOTHING RETURNING id`,
    byId: `SELECT * FROM ${s}.checkouts WHERE id = $1`,
    byIdForUpdate: `SELECT * FROM ${s}.checkouts WHERE id = $1 FOR UPDATE`,
    byOutTradeNo: `SELECT * FROM ${s}.checkouts WHERE out_trade_no = $1`,
    pendingFor: `SELECT * FROM ${s}.checkouts WHERE order_ref = $1 AND pay_type = $2 AND status = 'pending'`,
    pendingByOrder: `SELECT * FROM ${s}.checkouts WHERE order_ref = $1 AND status = 'pending' ORDER BY created_at, id`,
    paidByOrder: `SELECT * FROM ${s}.checkouts WHERE order_ref = $1
      AND status IN ${PAID_IN} ORDER BY created_at, id LIMIT 1`,
    due: `SELECT * FROM ${s}.checkouts WHERE status = 'pending' AND next_check_at <= $1
      ORDER BY next_check_at, id LIMIT $2`,
    // SKIP LOCKED: concurrent claimers (and rows mid-transition) pass each other by.
    claimChecks: `UPDATE ${s}.checkouts SET check_lease_until = $3, check_lease_owner = $4
      WHERE id IN (SELECT id FROM ${s}.checkouts WHERE status = 'pending' AND next_check_at <= $1
        AND (check_lease_until IS NULL OR check_lease_until <= $1)
        ORDER BY next_check_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    changedSince: `SELECT id, version FROM ${s}.checkouts WHERE changed_at >= $1 ORDER BY changed_at`,
    claimOutbox: `UPDATE ${s}.outbox SET attempts = attempts + 1, lease_until = $3
      WHERE id IN (SELECT id FROM ${s}.outbox WHERE completed_at IS NULL AND available_at <= $1
        AND (lease_until IS NULL OR lease_until <= $1)
        ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    completeOutbox: `UPDATE ${s}.outbox SET completed_at = $1, lease_until = NULL WHERE id = $2 AND completed_at IS NULL`,
    completeOutboxMany: `UPDATE ${s}.outbox SET completed_at = $1, lease_until = NULL
      WHERE id = ANY($2::text[]) AND completed_at IS NULL`,
    failOutbox: `UPDATE ${s}.outbox SET available_at = $2, last_error = $3, lease_until = NULL
      WHERE id = $1 AND completed_at IS NULL AND ($4::integer IS NULL OR attempts = $4::integer)`,
    acceptedNotify: `SELECT * FROM ${s}.notifies WHERE accepted AND syssn = $1 AND notify_type = $2`,
    insertNotify: `INSERT INTO ${s}.notifies (syssn, out_trade_no, notify_type, checkout_id, accepted, reason, raw_body, received_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (syssn, notify_type) WHERE accepted DO NOTHING RETURNING *`,
    pruneRejectedNotifies: `DELETE FROM ${s}.notifies WHERE NOT accepted AND received_at < $1`,
    rejectedNotifies: `SELECT * FROM ${s}.notifies WHERE NOT accepted ORDER BY received_at DESC, id DESC LIMIT $1`,
    insertRefund: `INSERT INTO ${s}.refunds (id, checkout_id, out_trade_no, amount, status, syssn, failure, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    updateRefund: `UPDATE ${s}.refunds SET status = $2, syssn = $3, failure = $4, updated_at = $5 WHERE id = $1`,
    refundById: `SELECT * FROM ${s}.refunds WHERE id = $1`,
    refundByIdForUpdate: `SELECT * FROM ${s}.refunds WHERE id = $1 FOR UPDATE`,
    refundByOutTradeNo: `SELECT * FROM ${s}.refunds WHERE out_trade_no = $1`,
    refundsOf: `SELECT * FROM ${s}.refunds WHERE checkout_id = $1 ORDER BY created_at, seq`,
    list: (where: string[], limitParam: number) =>
      `SELECT * FROM ${s}.checkouts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${limitParam}`,
  }
}

/** The statements of one schema. */
export type PgStatements = ReturnType<typeof pgStatements>
