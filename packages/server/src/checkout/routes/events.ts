/**
 * `GET {base}/checkouts/:id/events`: the live status of one checkout as server-sent events
 * (design.md §2). Frames are `event: status`, `id: <version>`, `data: <Checkout JSON>`; the
 * stream ends after a final status. Changes arrive through the app's `StatusHub` (one store
 * subscription for all streams); every poke re-reads the row, so a lost, duplicated or
 * reordered poke only delays, and versions go out strictly increasing.
 */
import type { Hono } from 'hono'
import { type SSEStreamingApi, streamSSE } from 'hono/streaming'
import type { CheckoutDeps, CheckoutEnv } from '../context.ts'
import { hubFor } from '../status-hub.ts'
import { checkoutNotFound, validCheckoutId } from '../validation.ts'
import { toWireCheckout } from '../wire.ts'

/** Heartbeat period, in ms: below the 30–60 s idle timeouts of common proxies (design.md §2: 15 s). */
const HEARTBEAT_MS = 15_000

const STREAM_HEADERS = [
  ['Cache-Control', 'no-store'],
  ['X-Accel-Buffering', 'no'],
] as const

/** Tuning of the event stream; tests shorten the heartbeat. */
export interface EventsRouteOptions {
  /** How often a `: ping` comment goes out, in ms. Default 15 000. */
  heartbeatMs?: number
}

/**
 * Registers `GET /checkouts/:id/events`. Uses `deps.hub` (create one per app with
 * `createStatusHub(store)`), or one hub per store when it is unset.
 *
 * - The current state goes out at once, unless `Last-Event-ID` already names its version; an
 *   older (or unreadable, or newer-than-stored) `Last-Event-ID` gets the current state.
 * - Then every new version, in order; versions at or below the last sent are never sent again.
 * - A final status closes the stream after it is sent. A reconnect whose `Last-Event-ID` already
 *   names the final version gets 204, which tells `EventSource` to stop reconnecting.
 * - Unknown or malformed id: the usual 404 JSON error, before any stream starts.
 * - Client disconnect: the hub registration and the heartbeat timer are released.
 */
export function registerEventsRoute(
  app: Hono<CheckoutEnv>,
  deps: CheckoutDeps,
  options: EventsRouteOptions = {}
): void {
  const hub = hubFor(deps.store, deps.hub, deps.logger)
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS
  app.get('/checkouts/:id/events', validCheckoutId, async (c) => {
    const { id } = c.req.valid('param')
    const row = await deps.store.get(id)
    if (!row) throw checkoutNotFound()
    const lastEventId = parseLastEventId(c.req.header('last-event-id'))
    const known = lastEventId !== undefined && lastEventId <= row.version ? lastEventId : 0
    if (row.status !== 'pending' && known === row.version) {
      c.header('Cache-Control', 'no-store')
      return c.body(null, 204)
    }
    const res = streamSSE(c, (stream) => follow(stream, id, known))
    // streamSSE sets its own Cache-Control; ours must win, both on the context (Hono copies its
    // headers onto the returned response) and on the response. X-Accel-Buffering: no stops nginx
    // from buffering the stream.
    for (const [name, value] of STREAM_HEADERS) {
      c.header(name, value)
      res.headers.set(name, value)
    }
    return res
  })

  /** Streams checkout `id` until a final status is sent or the client leaves. */
  async function follow(stream: SSEStreamingApi, id: string, alreadySent: number): Promise<void> {
    let lastSent = alreadySent
    let finished = false
    let finish!: () => void
    const done = new Promise<void>((resolve) => (finish = () => ((finished = true), resolve())))
    let reading = false
    let again = false

    // Reads serialise: pokes that land during a read cause one more read, not one each.
    const pump = async (): Promise<void> => {
      if (reading) return void (again = true)
      reading = true
      try {
        do {
          again = false
          const row = await deps.store.get(id)
          if (finished) return
          if (!row) return finish()
          if (row.version > lastSent) {
            lastSent = row.version
            await stream.writeSSE({
              event: 'status',
              id: String(row.version),
              data: JSON.stringify(toWireCheckout(row)),
            })
          }
          if (row.status !== 'pending') return finish()
        } while (again && !finished)
      } catch (error) {
        deps.logger.warn('status stream stopped', {
          id,
          error: error instanceof Error ? error.message : String(error),
        })
        finish()
      } finally {
        reading = false
      }
    }

    // Watch before the first read, so a change committed in between is not missed.
    const unwatch = hub.watch(id, (change) => {
      if (change.version > lastSent && !finished) void pump()
    })
    stream.onAbort(() => finish())
    let pinging = false
    const heartbeat = setInterval(() => {
      // Skip a beat while the last one is still queued (a client that stopped reading).
      if (pinging || finished) return
      pinging = true
      void stream.write(': ping\n\n').finally(() => (pinging = false))
    }, heartbeatMs)
    try {
      await pump()
      await done
    } finally {
      clearInterval(heartbeat)
      unwatch()
    }
  }
}

/** `Last-Event-ID` as a version; `undefined` when absent or not a plain non-negative integer. */
function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined
  return Number(value.trim())
}
