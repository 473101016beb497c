/**
 * Group commit for the SQLite store. Writes requested in the same turn of the event loop run in
 * ONE `BEGIN IMMEDIATE … COMMIT` (one WAL fsync at synchronous=FULL), each in its own savepoint:
 * one that throws is rolled back alone and rejects alone. Every promise settles only after the
 * COMMIT returned, so nothing is acknowledged before it is durable; a failed COMMIT rejects
 * them all. Under load this turns N notifies' commits into one fsync.
 */
import type Database from 'better-sqlite3'

/** What `createGroupCommit` needs from the store. */
export interface GroupCommitOptions {
  /** Maps a driver error to what the caller sees (unique violations become StoreError). */
  mapError: (error: unknown) => unknown
}

/** A queue of synchronous transaction bodies, committed together. */
export interface GroupCommit {
  /** Run `fn` (synchronous: it must not yield) in the next group's transaction. */
  run<T>(fn: () => T): Promise<T>
  /** Commit what is queued now (close calls it, so accepted writes are not dropped). */
  flush(): void
}

type Queued = {
  fn: () => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** Group commit over one better-sqlite3 connection. */
export function createGroupCommit(db: Database.Database, options: GroupCommitOptions): GroupCommit {
  const { mapError } = options
  let queue: Queued[] = []
  let flushScheduled = false
  // Built once: `db.transaction(fn)` makes five wrapper functions per call.
  const inTx = db.transaction((fn: () => unknown) => fn())
  const flush = () => {
    flushScheduled = false
    const batch = queue
    queue = []
    if (batch.length === 0) return
    if (batch.length === 1) {
      const w = batch[0]!
      try {
        w.resolve(inTx.immediate(w.fn))
      } catch (error) {
        w.reject(mapError(error))
      }
      return
    }
    const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    try {
      inTx.immediate(() => {
        for (const w of batch) {
          // An I/O error can make SQLite roll the whole transaction back: run nothing more
          // outside it (the COMMIT then fails and every write of the batch is rejected).
          if (!db.inTransaction)
            throw new Error('Failed to store: the transaction was rolled back.')
          try {
            // Nested: better-sqlite3 wraps it in a SAVEPOINT and rolls back only that on a throw.
            results.push({ ok: true, value: inTx(w.fn) })
          } catch (error) {
            results.push({ ok: false, error: mapError(error) })
          }
        }
      })
    } catch (error) {
      for (const w of batch) w.reject(mapError(error))
      return
    }
    batch.forEach((w, i) => {
      const r = results[i]!
      if (r.ok) w.resolve(r.value)
      else w.reject(r.error)
    })
  }
  return {
    run<T>(fn: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject })
        if (!flushScheduled) {
          flushScheduled = true
          setImmediate(flush)
        }
      })
    },
    flush,
  }
}
