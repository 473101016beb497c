/**
 * The PostgreSQL schema of the store, its migrations and the row <-> record mapping. It mirrors
 * `sqlite-schema.ts`: TEXT times become `timestamptz`, INTEGER flags `boolean`, JSON text
 * `json`, amounts `bigint`. All tables live in one schema (default `qfpay_checkout`), so the
 * store can share a database with the merchant's own tables.
 */
import type postgres from 'postgres'
import {
  type CheckoutRecord,
  type NotifyRecord,
  type OutboxEntry,
  type RefundRecord,
  StoreError,
} from './store.ts'

/** The schema the store uses unless told otherwise. */
export const DEFAULT_SCHEMA = 'qfpay_checkout'

/**
 * Migrations in order; `{s}` stands for the quoted schema. `schema_migrations` records which ran.
 * Never edit a shipped entry: append a new one.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE {s}.checkouts (
    id text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL CHECK (version >= 1),
    status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired', 'cancelled', 'refunded', 'partially_refunded')),
    order_ref text COLLATE "C" NOT NULL,
    pay_type text NOT NULL,
    flow text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    currency text NOT NULL,
    goods_name text,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    pay_url text,
    paid_at timestamptz,
    refunded_amount bigint NOT NULL CHECK (refunded_amount BETWEEN 0 AND amount),
    late_payment boolean NOT NULL,
    failure json,
    out_trade_no text NOT NULL UNIQUE,
    syssn text UNIQUE,
    mount text NOT NULL,
    next_check_at timestamptz,
    check_attempts integer NOT NULL,
    upstream_closed boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    check_lease_until timestamptz,
    check_lease_owner text,
    -- The database's own clock at the last version bump: what a reconnecting listener re-reads
    -- from. Not updated_at, which comes from each instance's (possibly injected) clock.
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
  );
  -- "One pending checkout per (order, payType)", enforced by the database itself.
  CREATE UNIQUE INDEX checkouts_one_pending ON {s}.checkouts (order_ref, pay_type) WHERE status = 'pending';
  CREATE INDEX checkouts_by_order ON {s}.checkouts (order_ref, status);
  CREATE INDEX checkouts_due ON {s}.checkouts (next_check_at, id) WHERE status = 'pending';
  CREATE INDEX checkouts_newest ON {s}.checkouts (created_at, id);
  CREATE INDEX checkouts_changed ON {s}.checkouts (changed_at);

  CREATE TABLE {s}.outbox (
    id text COLLATE "C" PRIMARY KEY,
    topic text NOT NULL,
    checkout_id text NOT NULL REFERENCES {s}.checkouts (id),
    version integer NOT NULL,
    from_status text NOT NULL,
    checkout json NOT NULL,
    attempts integer NOT NULL,
    available_at timestamptz NOT NULL,
    lease_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL,
    completed_at timestamptz
  );
  CREATE INDEX outbox_due ON {s}.outbox (available_at, id) WHERE completed_at IS NULL;

  CREATE TABLE {s}.notifies (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    syssn text,
    out_trade_no text,
    notify_type text NOT NULL,
    checkout_id text,
    accepted boolean NOT NULL,
    reason text,
    -- bytea, not text: a rejected body may hold NUL, which PostgreSQL text cannot store.
    raw_body bytea NOT NULL,
    received_at timestamptz NOT NULL
  );
  -- Dedupe: QFPay retries a notify up to 8 times (docs/qfpay-protocol.md#notify-retries); accept each once.
  CREATE UNIQUE INDEX notifies_accepted_once ON {s}.notifies (syssn, notify_type) WHERE accepted;
  CREATE INDEX notifies_rejected ON {s}.notifies (received_at, id) WHERE NOT accepted;

  CREATE TABLE {s}.refunds (
    id text COLLATE "C" PRIMARY KEY,
    -- Insertion order, the tie-break SQLite gets from rowid.
    seq bigint GENERATED ALWAYS AS IDENTITY,
    checkout_id text NOT NULL REFERENCES {s}.checkouts (id),
    out_trade_no text NOT NULL UNIQUE,
    amount bigint NOT NULL CHECK (amount > 0),
    status text NOT NULL,
    syssn text,
    failure json,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX refunds_by_checkout ON {s}.refunds (checkout_id, created_at, seq);
  `,
]

/** `"name"`, after checking it is a plain lower-case identifier short enough for a channel name. */
export function quoteSchema(schema: string): string {
  // 55 leaves room for the `_changes` suffix inside PostgreSQL's 63-byte identifier limit.
  if (!/^[a-z_][a-z0-9_]{0,54}$/.test(schema))
    throw new TypeError(
      `Failed to open store: schema "${schema}" must be lower-case letters, digits and _ (at most 55).`
    )
  return `"${schema}"`
}

/**
 * Create the schema and bring it up to date, in one transaction under an advisory lock, so
 * instances starting together apply each migration once. Refuses a schema from a newer release.
 */
export async function migratePostgres(sql: postgres.Sql, schema: string): Promise<void> {
  const s = quoteSchema(schema)
  await sql.begin(async (tx) => {
    // Keep "already exists, skipping" notices out of the log of a caller's own sql instance.
    await tx.unsafe(`SET LOCAL client_min_messages = warning`)
    await tx.unsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `qfpay-checkout:migrate:${schema}`,
    ])
    // Create only what is missing: an up-to-date schema then needs no CREATE privilege at all.
    const [found] = await tx.unsafe(`SELECT to_regclass($1) AS migrations`, [
      `${s}.schema_migrations`,
    ])
    if (!found?.migrations) {
      await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${s}`)
      await tx.unsafe(`CREATE TABLE ${s}.schema_migrations (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`)
    }
    const [row] = await tx.unsafe(
      `SELECT coalesce(max(version), 0)::int AS version FROM ${s}.schema_migrations`
    )
    const current = Number(row?.version ?? 0)
    if (current > PG_MIGRATIONS.length) {
      throw new StoreError(
        'schema_too_new',
        `Failed to open store: schema ${schema} is at migration ${current}, newer than this release knows.`
      )
    }
    for (let v = current; v < PG_MIGRATIONS.length; v++) {
      await tx.unsafe(PG_MIGRATIONS[v]!.replaceAll('{s}', s))
      await tx.unsafe(`INSERT INTO ${s}.schema_migrations (version) VALUES ($1)`, [v + 1])
    }
  })
}

type Row = Record<string, unknown>

const opt = <T>(value: unknown): T | undefined =>
  value === null || value === undefined ? undefined : (value as T)

/** A timestamptz as the store's ISO form, whether the driver gave a Date or a string. */
const iso = (value: unknown): string => new Date(value as string | Date).toISOString()
const optIso = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : iso(value)
/** json comes back parsed by default; a caller's sql instance may hand back text instead. */
const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value)

/** Copy the defined entries only, so records never carry `key: undefined`. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

/** A `checkouts` row as a record (bigint arrives as a string, hence `Number`). */
export function checkoutFromRow(r: Row): CheckoutRecord {
  return defined<CheckoutRecord>({
    id: r.id as string,
    version: Number(r.version),
    status: r.status as CheckoutRecord['status'],
    order: r.order_ref as string,
    payType: r.pay_type as string,
    flow: r.flow as CheckoutRecord['flow'],
    amount: Number(r.amount),
    currency: r.currency as string,
    goodsName: opt(r.goods_name),
    createdAt: iso(r.created_at),
    expiresAt: iso(r.expires_at),
    payUrl: opt(r.pay_url),
    paidAt: optIso(r.paid_at),
    refundedAmount: Number(r.refunded_amount),
    latePayment: r.late_payment === true,
    failure: r.failure === null ? undefined : (json(r.failure) as CheckoutRecord['failure']),
    outTradeNo: r.out_trade_no as string,
    syssn: opt(r.syssn),
    mount: r.mount as string,
    nextCheckAt: optIso(r.next_check_at),
    checkAttempts: Number(r.check_attempts),
    checkLeaseUntil: optIso(r.check_lease_until),
    checkLeaseOwner: opt(r.check_lease_owner),
    upstreamClosed: r.upstream_closed === true,
    updatedAt: iso(r.updated_at),
  })
}

/** The writable `checkouts` columns, in the order `checkoutValues` gives them. */
export const CHECKOUT_COLUMNS: readonly string[] = (
  'id version status order_ref pay_type flow amount currency goods_name created_at expires_at ' +
  'pay_url paid_at refunded_amount late_payment failure out_trade_no syssn mount next_check_at ' +
  'check_attempts upstream_closed updated_at check_lease_until check_lease_owner'
).split(' ')

/** A record as positional parameters for `CHECKOUT_COLUMNS`. */
export function checkoutValues(c: CheckoutRecord): (string | number | boolean | null)[] {
  return [
    c.id,
    c.version,
    c.status,
    c.order,
    c.payType,
    c.flow,
    c.amount,
    c.currency,
    c.goodsName ?? null,
    c.createdAt,
    c.expiresAt,
    c.payUrl ?? null,
    c.paidAt ?? null,
    c.refundedAmount,
    c.latePayment,
    c.failure === undefined ? null : JSON.stringify(c.failure),
    c.outTradeNo,
    c.syssn ?? null,
    c.mount,
    c.nextCheckAt ?? null,
    c.checkAttempts,
    c.upstreamClosed,
    c.updatedAt,
    c.checkLeaseUntil ?? null,
    c.checkLeaseOwner ?? null,
  ]
}

/** An `outbox` row as an entry. */
export function outboxFromRow(r: Row): OutboxEntry {
  return defined<OutboxEntry>({
    id: r.id as string,
    topic: r.topic as OutboxEntry['topic'],
    checkoutId: r.checkout_id as string,
    version: Number(r.version),
    fromStatus: r.from_status as OutboxEntry['fromStatus'],
    checkout: json(r.checkout) as OutboxEntry['checkout'],
    attempts: Number(r.attempts),
    availableAt: iso(r.available_at),
    leaseUntil: optIso(r.lease_until),
    lastError: opt(r.last_error),
    createdAt: iso(r.created_at),
    completedAt: optIso(r.completed_at),
  })
}

/** An entry as positional parameters for the outbox insert. */
export function outboxValues(e: OutboxEntry): (string | number)[] {
  return [
    e.id,
    e.topic,
    e.checkoutId,
    e.version,
    e.fromStatus,
    JSON.stringify(e.checkout),
    e.attempts,
    e.availableAt,
    e.createdAt,
  ]
}

/** A `notifies` row as a record. */
export function notifyFromRow(r: Row): NotifyRecord {
  const body = r.raw_body
  return defined<NotifyRecord>({
    id: String(r.id),
    syssn: opt(r.syssn),
    outTradeNo: opt(r.out_trade_no),
    notifyType: r.notify_type as string,
    checkoutId: opt(r.checkout_id),
    accepted: r.accepted === true,
    reason: opt(r.reason),
    rawBody: Buffer.isBuffer(body) ? body.toString('utf8') : String(body),
    receivedAt: iso(r.received_at),
  })
}

/** A `refunds` row as a record. */
export function refundFromRow(r: Row): RefundRecord {
  return defined<RefundRecord>({
    id: r.id as string,
    checkoutId: r.checkout_id as string,
    outTradeNo: r.out_trade_no as string,
    amount: Number(r.amount),
    status: r.status as RefundRecord['status'],
    syssn: opt(r.syssn),
    failure: r.failure === null ? undefined : (json(r.failure) as RefundRecord['failure']),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  })
}
