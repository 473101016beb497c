/**
 * The SQLite schema, its migrations and the row <-> record mapping. Kept apart from
 * `sqlite.ts` so the store file holds behaviour only. The PostgreSQL store should mirror these
 * tables (TEXT times become `timestamptz`, INTEGER flags become `boolean`, JSON text `jsonb`).
 */
import type Database from 'better-sqlite3'
import {
  type CheckoutRecord,
  type NotifyRecord,
  type OutboxEntry,
  type RefundRecord,
  StoreError,
} from './store.ts'

/**
 * Migrations in order; `PRAGMA user_version` records how many have run. Never edit a shipped
 * entry: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE checkouts (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    order_ref TEXT NOT NULL,
    pay_type TEXT NOT NULL,
    flow TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    goods_name TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    pay_url TEXT,
    paid_at TEXT,
    refunded_amount INTEGER NOT NULL,
    late_payment INTEGER NOT NULL,
    failure TEXT,
    out_trade_no TEXT NOT NULL UNIQUE,
    syssn TEXT UNIQUE,
    mount TEXT NOT NULL,
    next_check_at TEXT,
    check_attempts INTEGER NOT NULL,
    upstream_closed INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  -- "One pending checkout per (order, payType)", enforced by the database itself.
  CREATE UNIQUE INDEX checkouts_one_pending ON checkouts (order_ref, pay_type) WHERE status = 'pending';
  CREATE INDEX checkouts_by_order ON checkouts (order_ref, status);
  CREATE INDEX checkouts_due ON checkouts (next_check_at, id) WHERE status = 'pending';
  CREATE INDEX checkouts_newest ON checkouts (created_at, id);

  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    checkout_id TEXT NOT NULL REFERENCES checkouts (id),
    version INTEGER NOT NULL,
    from_status TEXT NOT NULL,
    checkout TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    available_at TEXT NOT NULL,
    lease_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    completed_at TEXT
  ) STRICT;
  CREATE INDEX outbox_due ON outbox (available_at, id) WHERE completed_at IS NULL;

  CREATE TABLE notifies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    syssn TEXT,
    out_trade_no TEXT,
    notify_type TEXT NOT NULL,
    checkout_id TEXT,
    accepted INTEGER NOT NULL,
    reason TEXT,
    raw_body TEXT NOT NULL,
    received_at TEXT NOT NULL
  ) STRICT;
  -- Dedupe: QFPay retries a notify up to 8 times (docs/qfpay-protocol.md#notify-retries); accept each once.
  CREATE UNIQUE INDEX notifies_accepted_once ON notifies (syssn, notify_type) WHERE accepted = 1;
  CREATE INDEX notifies_rejected ON notifies (received_at, id) WHERE accepted = 0;

  CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    checkout_id TEXT NOT NULL REFERENCES checkouts (id),
    out_trade_no TEXT NOT NULL UNIQUE,
    amount INTEGER NOT NULL,
    status TEXT NOT NULL,
    syssn TEXT,
    failure TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX refunds_by_checkout ON refunds (checkout_id, created_at);
  `,
  // 2: the reconciler's lease (Store.claimChecks), so several processes never query one order at once.
  `
  ALTER TABLE checkouts ADD COLUMN check_lease_until TEXT;
  ALTER TABLE checkouts ADD COLUMN check_lease_owner TEXT;
  `,
]

/** Bring the file's schema up to date in one transaction; refuse a file from a newer release. */
export function migrate(db: Database.Database): void {
  const apply = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number
    if (current > MIGRATIONS.length) {
      throw new StoreError(
        'schema_too_new',
        `Failed to open store: schema ${current} is newer than this release knows.`
      )
    }
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!)
    // PRAGMA takes no bound parameters; the value is our own integer.
    db.pragma(`user_version = ${MIGRATIONS.length}`)
  })
  apply.immediate()
}

type Row = Record<string, unknown>

const opt = <T>(value: unknown): T | undefined =>
  value === null || value === undefined ? undefined : (value as T)

/** Copy the defined entries only, so records never carry `key: undefined`. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

/** A `checkouts` row as a record. */
export function checkoutFromRow(r: Row): CheckoutRecord {
  return defined<CheckoutRecord>({
    id: r.id as string,
    version: r.version as number,
    status: r.status as CheckoutRecord['status'],
    order: r.order_ref as string,
    payType: r.pay_type as string,
    flow: r.flow as CheckoutRecord['flow'],
    amount: r.amount as number,
    currency: r.currency as string,
    goodsName: opt(r.goods_name),
    createdAt: r.created_at as string,
    expiresAt: r.expires_at as string,
    payUrl: opt(r.pay_url),
    paidAt: opt(r.paid_at),
    refundedAmount: r.refunded_amount as number,
    latePayment: r.late_payment === 1,
    failure: r.failure === null ? undefined : JSON.parse(r.failure as string),
    outTradeNo: r.out_trade_no as string,
    syssn: opt(r.syssn),
    mount: r.mount as string,
    nextCheckAt: opt(r.next_check_at),
    checkAttempts: r.check_attempts as number,
    checkLeaseUntil: opt(r.check_lease_until),
    checkLeaseOwner: opt(r.check_lease_owner),
    upstreamClosed: r.upstream_closed === 1,
    updatedAt: r.updated_at as string,
  })
}

/** A record as named parameters for the `checkouts` statements. */
export function checkoutToRow(c: CheckoutRecord): Row {
  return {
    id: c.id,
    version: c.version,
    status: c.status,
    order_ref: c.order,
    pay_type: c.payType,
    flow: c.flow,
    amount: c.amount,
    currency: c.currency,
    goods_name: c.goodsName ?? null,
    created_at: c.createdAt,
    expires_at: c.expiresAt,
    pay_url: c.payUrl ?? null,
    paid_at: c.paidAt ?? null,
    refunded_amount: c.refundedAmount,
    late_payment: c.latePayment ? 1 : 0,
    failure: c.failure === undefined ? null : JSON.stringify(c.failure),
    out_trade_no: c.outTradeNo,
    syssn: c.syssn ?? null,
    mount: c.mount,
    next_check_at: c.nextCheckAt ?? null,
    check_attempts: c.checkAttempts,
    check_lease_until: c.checkLeaseUntil ?? null,
    check_lease_owner: c.checkLeaseOwner ?? null,
    upstream_closed: c.upstreamClosed ? 1 : 0,
    updated_at: c.updatedAt,
  }
}

/** An `outbox` row as an entry. */
export function outboxFromRow(r: Row): OutboxEntry {
  return defined<OutboxEntry>({
    id: r.id as string,
    topic: r.topic as OutboxEntry['topic'],
    checkoutId: r.checkout_id as string,
    version: r.version as number,
    fromStatus: r.from_status as OutboxEntry['fromStatus'],
    checkout: JSON.parse(r.checkout as string),
    attempts: r.attempts as number,
    availableAt: r.available_at as string,
    leaseUntil: opt(r.lease_until),
    lastError: opt(r.last_error),
    createdAt: r.created_at as string,
    completedAt: opt(r.completed_at),
  })
}

/** An entry as named parameters for the outbox insert. */
export function outboxToRow(e: OutboxEntry): Row {
  return {
    id: e.id,
    topic: e.topic,
    checkout_id: e.checkoutId,
    version: e.version,
    from_status: e.fromStatus,
    checkout: JSON.stringify(e.checkout),
    attempts: e.attempts,
    available_at: e.availableAt,
    created_at: e.createdAt,
  }
}

/** A `notifies` row as a record. */
export function notifyFromRow(r: Row): NotifyRecord {
  return defined<NotifyRecord>({
    id: String(r.id),
    syssn: opt(r.syssn),
    outTradeNo: opt(r.out_trade_no),
    notifyType: r.notify_type as string,
    checkoutId: opt(r.checkout_id),
    accepted: r.accepted === 1,
    reason: opt(r.reason),
    rawBody: r.raw_body as string,
    receivedAt: r.received_at as string,
  })
}

/** A `refunds` row as a record. */
export function refundFromRow(r: Row): RefundRecord {
  return defined<RefundRecord>({
    id: r.id as string,
    checkoutId: r.checkout_id as string,
    outTradeNo: r.out_trade_no as string,
    amount: r.amount as number,
    status: r.status as RefundRecord['status'],
    syssn: opt(r.syssn),
    failure: r.failure === null ? undefined : JSON.parse(r.failure as string),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  })
}

/** A refund as named parameters for the `refunds` statements. */
export function refundToRow(f: RefundRecord): Row {
  return {
    id: f.id,
    checkout_id: f.checkoutId,
    out_trade_no: f.outTradeNo,
    amount: f.amount,
    status: f.status,
    syssn: f.syssn ?? null,
    failure: f.failure === undefined ? null : JSON.stringify(f.failure),
    created_at: f.createdAt,
    updated_at: f.updatedAt,
  }
}
