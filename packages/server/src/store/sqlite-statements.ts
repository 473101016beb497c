/**
 * The prepared statements of the SQLite store, prepared once per connection. Plain SQL so
 * the PostgreSQL store can mirror each one (`?`/`@name` become `$n`).
 */
import type Database from 'better-sqlite3'
import { PAID_IN } from './sql-in.ts'

const CHECKOUT_COLUMNS =
  'id, version, status, order_ref, pay_type, flow, amount, currency, goods_name, created_at, expires_at, pay_url, paid_at, refunded_amount, late_payment, failure, out_trade_no, syssn, mount, next_check_at, check_attempts, upstream_closed, updated_at, check_lease_until, check_lease_owner'
const CHECKOUT_PARAMS = CHECKOUT_COLUMNS.split(', ')
  .map((c) => `@${c}`)
  .join(', ')
const CHECKOUT_SET = CHECKOUT_COLUMNS.split(', ')
  .filter((c) => c !== 'id')
  .map((c) => `${c} = @${c}`)
  .join(', ')

/** Every statement `createSqliteStore` uses, by name. */
export const SQL = {
  insertCheckout: `INSERT INTO checkouts (${CHECKOUT_COLUMNS}) VALUES (${CHECKOUT_PARAMS})
     ON CONFLICT (order_ref, pay_type) WHERE status = 'pending' DO NOTHING`,
  updateCheckout: `UPDATE checkouts SET ${CHECKOUT_SET} WHERE id = @id AND version = @expected_version`,
  byId: 'SELECT * FROM checkouts WHERE id = ?',
  byOutTradeNo: 'SELECT * FROM checkouts WHERE out_trade_no = ?',
  pendingFor: `SELECT * FROM checkouts WHERE order_ref = ? AND pay_type = ? AND status = 'pending'`,
  pendingByOrder: `SELECT * FROM checkouts WHERE order_ref = ? AND status = 'pending' ORDER BY created_at, id`,
  paidByOrder: `SELECT * FROM checkouts WHERE order_ref = ? AND status IN ${PAID_IN} ORDER BY created_at, id LIMIT 1`,
  due: `SELECT * FROM checkouts WHERE status = 'pending' AND next_check_at <= ? ORDER BY next_check_at, id LIMIT ?`,
  dueChecks: `SELECT id FROM checkouts WHERE status = 'pending' AND next_check_at <= @now
     AND (check_lease_until IS NULL OR check_lease_until <= @now) ORDER BY next_check_at, id LIMIT @limit`,
  leaseCheck: 'UPDATE checkouts SET check_lease_until = ?, check_lease_owner = ? WHERE id = ?',
  insertOutbox: `INSERT INTO outbox (id, topic, checkout_id, version, from_status, checkout, attempts, available_at, created_at)
     VALUES (@id, @topic, @checkout_id, @version, @from_status, @checkout, @attempts, @available_at, @created_at)`,
  dueOutbox: `SELECT id FROM outbox WHERE completed_at IS NULL AND available_at <= @now
     AND (lease_until IS NULL OR lease_until <= @now) ORDER BY available_at, id LIMIT @limit`,
  leaseOutbox: 'UPDATE outbox SET attempts = attempts + 1, lease_until = ? WHERE id = ?',
  completeOutbox:
    'UPDATE outbox SET completed_at = ?, lease_until = NULL WHERE id = ? AND completed_at IS NULL',
  failOutbox: `UPDATE outbox SET available_at = @next, last_error = @error, lease_until = NULL
     WHERE id = @id AND completed_at IS NULL AND (@attempt IS NULL OR attempts = @attempt)`,
  outboxById: 'SELECT * FROM outbox WHERE id = ?',
  acceptedNotify: 'SELECT * FROM notifies WHERE accepted = 1 AND syssn = ? AND notify_type = ?',
  insertNotify: `INSERT INTO notifies (syssn, out_trade_no, notify_type, checkout_id, accepted, reason, raw_body, received_at)
     VALUES (@syssn, @out_trade_no, @notify_type, @checkout_id, @accepted, @reason, @raw_body, @received_at)
     ON CONFLICT (syssn, notify_type) WHERE accepted = 1 DO NOTHING`,
  pruneRejectedNotifies: 'DELETE FROM notifies WHERE accepted = 0 AND received_at < ?',
  rejectedNotifies:
    'SELECT * FROM notifies WHERE accepted = 0 ORDER BY received_at DESC, id DESC LIMIT ?',
  insertRefund: `INSERT INTO refunds (id, checkout_id, out_trade_no, amount, status, syssn, failure, created_at, updated_at)
     VALUES (@id, @checkout_id, @out_trade_no, @amount, @status, @syssn, @failure, @created_at, @updated_at)`,
  updateRefund:
    'UPDATE refunds SET status = @status, syssn = @syssn, failure = @failure, updated_at = @updated_at WHERE id = @id',
  refundById: 'SELECT * FROM refunds WHERE id = ?',
  refundByOutTradeNo: 'SELECT * FROM refunds WHERE out_trade_no = ?',
  refundsOf: 'SELECT * FROM refunds WHERE checkout_id = ? ORDER BY created_at, rowid',
}

/** The prepared form of `SQL`. */
export type Statements = { [K in keyof typeof SQL]: Database.Statement }

/** Prepare every statement once per connection. */
export function prepareStatements(db: Database.Database): Statements {
  const entries = Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)])
  return Object.fromEntries(entries) as Statements
}
