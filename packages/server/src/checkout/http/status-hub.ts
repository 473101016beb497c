/**
 * One store subscription per app, fanned out to every open event stream by checkout id. A
 * stream registers for its own id, so a change wakes only the streams of that checkout: the
 * cost of a commit stays O(streams of that checkout), not O(all streams), with thousands open.
 */
import type { CheckoutChange, CheckoutRecord, Store } from '../../store/store.ts'
import type { Logger } from '../app/logger.ts'

/** What `watchRows` hands its listeners: the row read once for them all, or the read's error. */
export type RowRead =
  { row: CheckoutRecord | undefined; error?: undefined } | { row?: undefined; error: unknown }

/** Fan-out of the store's change feed by checkout id. */
export interface StatusHub {
  /**
   * Calls `listener` with every `{ id, version }` change of checkout `id` until the returned
   * function is called (idempotent). Pokes are hints: re-read the row, and expect duplicates
   * and out-of-order versions (PostgreSQL's LISTEN may deliver either).
   */
  watch(id: string, listener: (change: CheckoutChange) => void): () => void
  /**
   * Like `watch`, but the hub does the re-read: ONE `store.get` per change of checkout `id`,
   * whose record goes to every row watcher of that id (a broadcast to 10,000 streams costs one
   * read, not 10,000). A poke landing during a read causes one more read after it, so the last
   * row handed out is never older than the last poke; pokes for a version already handed out are
   * dropped. Rows may still arrive older than one the watcher read itself: compare versions. The
   * record is shared: treat it as read-only.
   */
  watchRows(id: string, listener: (read: RowRead) => void): () => void
  /** How many watchers are registered, over all ids (for tests and metrics). */
  readonly size: number
}

/**
 * Creates a hub over `store`. It subscribes to the store while at least one watcher exists and
 * unsubscribes when the last one leaves, so an idle app holds no store listener and needs no
 * `close()`. `createCheckout()` makes one per app and passes it to the routes as `deps.hub`.
 *
 * @example
 * const hub = createStatusHub(store)
 * const stop = hub.watch(id, ({ version }) => console.log('changed to', version))
 */
export function createStatusHub(store: Store, options: { logger?: Logger } = {}): StatusHub {
  const byId = new Map<string, Set<(change: CheckoutChange) => void>>()
  let size = 0
  let unsubscribe: (() => void) | undefined

  const dispatch = (change: CheckoutChange) => {
    const listeners = byId.get(change.id)
    if (!listeners) return
    for (const listener of [...listeners]) {
      // One broken stream must not keep the change from the others.
      try {
        listener({ id: change.id, version: change.version })
      } catch (error) {
        options.logger?.error('status listener threw', { id: change.id, error: String(error) })
      }
    }
  }

  /** Registers a poke listener for `id`; the returned function removes it (idempotent). */
  const register = (id: string, listener: (change: CheckoutChange) => void) => {
    // Wrap, so the same function watching twice holds two independent registrations.
    const entry = (change: CheckoutChange) => listener(change)
    let listeners = byId.get(id)
    if (!listeners) byId.set(id, (listeners = new Set()))
    listeners.add(entry)
    unsubscribe ??= store.subscribe(dispatch)
    let active = true
    return () => {
      if (!active) return
      active = false
      listeners.delete(entry)
      if (listeners.size === 0 && byId.get(id) === listeners) byId.delete(id)
      if (byId.size === 0) {
        unsubscribe?.()
        unsubscribe = undefined
      }
    }
  }
  /** Counts a watcher in `size` for as long as its registration lasts. */
  const counted = (stop: () => void) => {
    size += 1
    let active = true
    return () => {
      if (!active) return
      active = false
      size -= 1
      stop()
    }
  }

  /** Per id with row watchers: its one poke registration and the read shared by all of them. */
  interface Reader {
    listeners: Set<(read: RowRead) => void>
    stop: () => void
    reading: boolean
    again: boolean
    /** The newest version handed out; pokes at or below it need no read. */
    handedOut: number
  }
  const readers = new Map<string, Reader>()
  const read = async (id: string, reader: Reader): Promise<void> => {
    if (reader.reading) return void (reader.again = true)
    reader.reading = true
    try {
      do {
        reader.again = false
        let result: RowRead
        try {
          result = { row: await store.get(id) }
        } catch (error) {
          result = { error }
        }
        if (result.row && result.row.version > reader.handedOut)
          reader.handedOut = result.row.version
        for (const listener of [...reader.listeners]) {
          try {
            listener(result)
          } catch (error) {
            options.logger?.error('status listener threw', { id, error: String(error) })
          }
        }
      } while (reader.again && reader.listeners.size > 0)
    } finally {
      reader.reading = false
    }
  }

  return {
    watch(id, listener) {
      return counted(register(id, listener))
    },
    watchRows(id, listener) {
      const entry = (r: RowRead) => listener(r)
      let reader = readers.get(id)
      if (!reader) {
        const created: Reader = {
          listeners: new Set(),
          stop: () => {},
          reading: false,
          again: false,
          handedOut: 0,
        }
        created.stop = register(id, (change) => {
          if (change.version > created.handedOut) void read(id, created)
        })
        readers.set(id, (reader = created))
      }
      const r = reader
      r.listeners.add(entry)
      return counted(() => {
        r.listeners.delete(entry)
        if (r.listeners.size === 0 && readers.get(id) === r) {
          readers.delete(id)
          r.stop()
        }
      })
    },
    get size() {
      return size
    },
  }
}
