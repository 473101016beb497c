/**
 * `GET {base}/checkouts/:id/events`: the live status of one checkout as server-sent events
 * (docs/architecture.md#routes-of-the-checkout-app). Frames are `event: status`, `id: <version>`, `data: <Checkout JSON>`; the
 * stream ends after a final status. Changes arrive through the app's `StatusHub` (one store
 * subscription for all streams), which re-reads the row once per change for every stream of
 * that checkout; so a lost, duplicated or reordered poke only delays, and versions go out
 * strictly increasing.
 */
import type { Hono } from 'hono'
import type { CheckoutRecord } from '../../store/store.ts'
import type { CheckoutDeps, CheckoutEnv } from '../app/context.ts'
import { CheckoutError } from '../app/errors.ts'
import { rateLimitKey } from '../http/limit-creations.ts'
import { checkoutNotFound, servedHere, validCheckoutId } from '../http/validation.ts'
import { toWireCheckout } from '../../model/wire.ts'
import { openSseStream, sseFrame, type SseStream } from './sse-stream.ts'

/** Heartbeat period, in ms: below the 30–60 s idle timeouts of common proxies: 15 s. */
const HEARTBEAT_MS = 15_000

/**
 * `Transfer-Encoding: chunked` makes @hono/node-server send the headers at once instead of
 * waiting for the first chunks; `X-Accel-Buffering: no` stops nginx from buffering the stream.
 */
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-store',
  Connection: 'keep-alive',
  'Transfer-Encoding': 'chunked',
  'X-Accel-Buffering': 'no',
} as const

const PING = new TextEncoder().encode(': ping\n\n')

/** Tuning of the event stream; tests shorten the heartbeat. */
export interface EventsRouteOptions {
  /** How often a `: ping` comment goes out, in ms. Default 15 000. */
  heartbeatMs?: number
}

/**
 * Registers `GET /checkouts/:id/events`. Uses `deps.hub`, the app's one hub
 * (`createStatusHub(store)`).
 *
 * - The current state goes out at once, unless `Last-Event-ID` already names its version; an
 *   older (or unreadable, or newer-than-stored) `Last-Event-ID` gets the current state.
 * - Then every new version, in order; versions at or below the last sent are never sent again.
 * - A final status closes the stream after it is sent. A reconnect whose `Last-Event-ID` already
 *   names the final version gets 204, which tells `EventSource` to stop reconnecting.
 * - Unknown or malformed id: the usual 404 JSON error, before any stream starts.
 * - Client disconnect: the hub registration and the heartbeat ticker's hold are released.
 */
export function registerEventsRoute(
  app: Hono<CheckoutEnv>,
  deps: CheckoutDeps,
  options: EventsRouteOptions = {}
): void {
  const hub = deps.hub
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS
  // Open streams per client: each holds a socket and a hub registration, so one client must
  // not be able to open thousands.
  const openStreams = new Map<string, number>()
  const maxStreams = deps.settings.maxStreamsPerClient
  // One heartbeat ticker for every open stream, running while any is open (not a timer each).
  const live = new Set<SseStream>()
  let ticker: ReturnType<typeof setInterval> | undefined
  const beat = () => {
    // Skip a stream whose last chunk is still queued (a client that stopped reading).
    for (const stream of live) if (!stream.backedUp) void stream.write(PING)
  }
  const joinHeartbeat = (stream: SseStream) => {
    live.add(stream)
    ticker ??= setInterval(beat, heartbeatMs)
    return () => {
      live.delete(stream)
      if (live.size === 0 && ticker !== undefined) {
        clearInterval(ticker)
        ticker = undefined
      }
    }
  }
  app.get('/checkouts/:id/events', validCheckoutId, async (c) => {
    const { id } = c.req.valid('param')
    const row = await deps.store.get(id)
    if (!row || !servedHere(row, deps.settings)) throw checkoutNotFound()
    const lastEventId = parseLastEventId(c.req.header('last-event-id'))
    const known = lastEventId !== undefined && lastEventId <= row.version ? lastEventId : 0
    if (row.status !== 'pending' && known === row.version) {
      c.header('Cache-Control', 'no-store')
      return c.body(null, 204)
    }
    const client = rateLimitKey(deps.settings.clientIp(c))
    const open = openStreams.get(client) ?? 0
    if (open >= maxStreams) {
      c.header('Retry-After', '5')
      throw new CheckoutError(
        'rate_limited',
        429,
        'Failed to open the status stream: this address has too many open. Poll the checkout instead.'
      )
    }
    openStreams.set(client, open + 1)
    const release = () => {
      const left = (openStreams.get(client) ?? 1) - 1
      if (left <= 0) openStreams.delete(client)
      else openStreams.set(client, left)
    }
    // Nothing below holds `c`: once this returns, the request's state can go.
    const stream = openSseStream()
    follow(stream, id, known)
      .catch((error: unknown) =>
        deps.logger.error('status stream failed', { id, error: String(error) })
      )
      .finally(() => {
        release()
        stream.close()
      })
    return c.body(stream.body, 200, STREAM_HEADERS)
  })

  /**
   * The `status` frame of a row, encoded once per row object: a broadcast shares one record
   * (hub), so 10,000 streams of one checkout write the same bytes.
   */
  const frames = new WeakMap<CheckoutRecord, Uint8Array>()
  const frameOf = (row: CheckoutRecord) => {
    let frame = frames.get(row)
    if (frame === undefined) {
      const data = JSON.stringify(toWireCheckout(row))
      frames.set(row, (frame = sseFrame({ event: 'status', id: String(row.version), data })))
    }
    return frame
  }

  /** Streams checkout `id` until a final status is sent or the client leaves. */
  async function follow(stream: SseStream, id: string, alreadySent: number): Promise<void> {
    let lastSent = alreadySent
    let finished = false
    let finish!: () => void
    const done = new Promise<void>((resolve) => (finish = () => ((finished = true), resolve())))
    const stop = (error: unknown) => {
      deps.logger.warn('status stream stopped', {
        id,
        error: error instanceof Error ? error.message : String(error),
      })
      finish()
    }
    // Writes serialise: rows that land during a write wait, and only the newest of them is
    // written next; versions go out strictly increasing.
    let writing = false
    let queued: CheckoutRecord | undefined
    const offer = async (row: CheckoutRecord | undefined): Promise<void> => {
      if (finished) return
      if (!row) return finish()
      if (!queued || row.version > queued.version) queued = row
      if (writing) return
      writing = true
      try {
        while (queued && !finished) {
          const next: CheckoutRecord = queued
          queued = undefined
          if (next.version > lastSent) {
            lastSent = next.version
            await stream.write(frameOf(next))
          }
          if (next.status !== 'pending') return finish()
        }
      } catch (error) {
        stop(error)
      } finally {
        writing = false
      }
    }

    // Watch before the first read, so a change committed in between is not missed. The hub
    // reads the row once per change for every stream of this checkout.
    const unwatch = hub.watchRows(id, (read) => {
      if (read.error !== undefined) return stop(read.error)
      if (!read.row || read.row.version > lastSent) void offer(read.row)
    })
    stream.onAbort(() => finish())
    // Shutdown: a last event with a short `retry` makes the browser reconnect (with
    // Last-Event-ID) to an instance that is still up; then this stream ends.
    const unregister = deps.streams?.opened(async (retryMs) => {
      if (finished) return
      finished = true
      await stream.write(sseFrame({ event: 'reconnect', data: '{}', retry: retryMs }))
      finish()
    })
    const leaveHeartbeat = joinHeartbeat(stream)
    try {
      try {
        await offer(await deps.store.get(id))
      } catch (error) {
        stop(error)
      }
      await done
    } finally {
      leaveHeartbeat()
      unwatch()
      unregister?.()
    }
  }
}

/** `Last-Event-ID` as a version; `undefined` when absent or not a plain non-negative integer. */
function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined
  return Number(value.trim())
}
