/**
 * The cross-instance change feed of the PostgreSQL store: every write sends
 * `pg_notify(channel, '{"id","version"}')` inside its transaction (delivered at commit, in commit
 * order), and every instance LISTENs on that channel and tells its in-process subscribers.
 *
 * A notification is a poke, not the data: subscribers re-read the row. So a lost poke may only
 * delay a state, never lose it — which is what the re-sync below guarantees: PostgreSQL drops
 * notifications for a connection that is gone, so after postgres.js re-establishes the LISTEN
 * connection, we re-read `{id, version}` of every checkout whose version moved since the last
 * moment this instance knew it was listening (minus a safety margin), and poke for those.
 */
import { performance } from 'node:perf_hooks'
import type postgres from 'postgres'
import type { ChangeFeed } from './change-feed.ts'
import type { CheckoutChange } from './store.ts'

/** How many `id -> last version told` pairs to remember for de-duplication. */
const SEEN_CAPACITY = 10_000
/** Pause between attempts when the re-sync query itself fails (the pool may be reconnecting). */
const RESYNC_RETRY_MS = 1000

/** What `PgChangeListener` needs. */
export interface PgChangeListenerOptions {
  sql: postgres.Sql
  channel: string
  /** `SELECT id, version … WHERE changed_at >= $1` for this store's schema. */
  changedSinceSql: string
  feed: ChangeFeed
  /** Re-read this much further back than the last known-good moment (clock skew, commit lag). */
  resyncMarginMs: number
  onError: (error: unknown) => void
}

/**
 * LISTENs for one store, de-duplicates pokes (a local write is told at once and again when its
 * own notification comes back), and re-syncs after every reconnect of the LISTEN connection.
 */
export class PgChangeListener {
  readonly #o: PgChangeListenerOptions
  readonly #seen = new Map<string, number>()
  #listening = false
  #stopped = false
  #unlisten?: () => Promise<void>
  /** A moment the LISTEN was known to be up: database time and our monotonic clock. */
  #goodAt?: { db: number; mono: number }
  #lastPokeMono = 0
  #retry?: NodeJS.Timeout
  #resyncs = 0

  constructor(options: PgChangeListenerOptions) {
    this.#o = options
  }

  /** How many re-syncs have completed (tests wait on it). */
  get resyncs(): number {
    return this.#resyncs
  }

  /** Start listening; resolves once the first LISTEN is in place. */
  async start(): Promise<void> {
    const meta = await this.#o.sql.listen(
      this.#o.channel,
      (payload) => this.#onNotify(payload),
      () => this.#onListen()
    )
    this.#unlisten = () => meta.unlisten()
    // The first onlisten has run by now; make sure the first sample exists before writes start.
    if (!this.#goodAt) await this.#sample()
  }

  /** Tell subscribers about a change unless this version (or a newer one) was already told. */
  offer(change: CheckoutChange): void {
    if (this.#stopped) return
    const told = this.#seen.get(change.id)
    if (told !== undefined && told >= change.version) return
    this.#seen.delete(change.id)
    this.#seen.set(change.id, change.version)
    if (this.#seen.size > SEEN_CAPACITY) this.#seen.delete(this.#seen.keys().next().value!)
    this.#o.feed.emit(change)
  }

  /** Stop listening. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    clearTimeout(this.#retry)
    // postgres.js re-registers listeners after a reconnect, and then unlisten cannot find the
    // new registration; #stopped keeps such a leftover from telling anybody anything.
    await this.#unlisten?.().catch(() => undefined)
  }

  #onNotify(payload: string): void {
    this.#lastPokeMono = performance.now()
    let change: unknown
    try {
      change = JSON.parse(payload)
    } catch {
      return this.#o.onError(new Error(`Ignored a malformed change notification: ${payload}`))
    }
    const { id, version } = (change ?? {}) as Partial<CheckoutChange>
    if (typeof id !== 'string' || !Number.isSafeInteger(version))
      return this.#o.onError(new Error(`Ignored a malformed change notification: ${payload}`))
    this.offer({ id, version: version! })
  }

  /** postgres.js calls this after the first LISTEN and after every re-LISTEN on a new connection. */
  #onListen(): void {
    if (this.#stopped) return
    if (!this.#listening) {
      this.#listening = true
      return
    }
    void this.#resync()
  }

  async #sample(): Promise<{ db: number; mono: number }> {
    const mono = performance.now()
    const [row] = await this.#o.sql.unsafe('SELECT clock_timestamp() AS now')
    const at = { db: new Date(row!.now as string | Date).getTime(), mono }
    this.#goodAt = at
    return at
  }

  async #resync(): Promise<void> {
    if (this.#stopped) return
    clearTimeout(this.#retry)
    const good = this.#goodAt
    // The last moment we know pokes were arriving, on the database's clock.
    const since = good
      ? good.db + Math.max(0, this.#lastPokeMono - good.mono) - this.#o.resyncMarginMs
      : 0
    try {
      // Sample first: anything committed after the new LISTEN arrives as a notification, and
      // anything before the sample is in the query below; the overlap is de-duplicated.
      await this.#sample()
      const rows = await this.#o.sql.unsafe(this.#o.changedSinceSql, [
        new Date(since).toISOString(),
      ])
      for (const r of rows) this.offer({ id: r.id as string, version: Number(r.version) })
      this.#resyncs += 1
    } catch (error) {
      if (this.#stopped) return
      if (good) this.#goodAt = good
      this.#o.onError(error)
      this.#retry = setTimeout(() => void this.#resync(), RESYNC_RETRY_MS)
      this.#retry.unref?.()
    }
  }
}
