/**
 * `checkout.health()` and `healthRoutes(checkout)`: is this instance alive, and can it take
 * payments? Answers from what the app already knows (the monitor) plus two small store reads;
 * it never calls the gateway, so a load balancer may poll it every second.
 *
 * Mount the routes where only your infrastructure reaches them (a private port, an admin
 * prefix behind auth): they are never part of the public checkout mount, because the report
 * names the gateway's last error and the backlog.
 */
import { Hono } from 'hono'
import type { Store } from '../../store/store.ts'
import { isStoreError } from '../../store/store-error.ts'
import { describe, type OpsEvent, type OpsMonitor, type WorkerRun } from './monitor.ts'

/** Rows read at most to size the reconciler backlog; more shows as `backlogAtLeast`. */
const BACKLOG_LIMIT = 1_000
/** A store read slower than this counts as unreachable, ms. */
const STORE_TIMEOUT_MS = 2_000

/** The health report (JSON). */
export interface HealthReport {
  /** `ok`: ready and nothing failing; `degraded`: ready, but something needs a look; `down`: not ready. */
  status: 'ok' | 'degraded' | 'down'
  /** The process answers (always true when you get a report). */
  live: true
  /** Can take checkouts: store reachable and migrated, not shutting down. */
  ready: boolean
  /** Why `status` is not `ok`, as short phrases. */
  problems: string[]
  checkedAt: string
  closing: boolean
  store: { reachable: boolean; migrated: boolean; latencyMs: number; error?: string }
  gateway: { environment: string; lastSuccess: OpsEvent | null; lastError: OpsEvent | null }
  reconciler: {
    enabled: boolean
    lastRun: WorkerRun | null
    /** Pending checkouts whose query is due now (counted up to 1 000). */
    backlog: number | null
    backlogAtLeast: boolean
  }
  outbox: {
    lastRun: WorkerRun | null
    /** The last hook run that threw (`code` = the hook, `message` = its error). */
    lastHookError: OpsEvent | null
    retriesSinceStart: number
  }
  eventStreams: { open: number }
}

/** What `health()` reads. */
export interface HealthSources {
  store: Store
  monitor: OpsMonitor
  environment: string
  reconcilerEnabled: boolean
  isClosing(): boolean
  /** Backlog above which the report says `degraded`. Default 500. */
  backlogWarning?: number
}

/** Builds the report. Never throws: a store fault is reported, not raised. */
export async function checkHealth(src: HealthSources): Promise<HealthReport> {
  const { monitor } = src
  const problems: string[] = []
  const started = performance.now()
  let store: HealthReport['store']
  let backlog: number | null = null
  try {
    await withTimeout(src.store.get('health-probe'), STORE_TIMEOUT_MS)
    const due = await withTimeout(
      src.store.listNonFinal({ dueBefore: monitor.now(), limit: BACKLOG_LIMIT }),
      STORE_TIMEOUT_MS
    )
    backlog = due.length
    monitor.telemetry.setReconcilerBacklog(backlog)
    store = { reachable: true, migrated: true, latencyMs: elapsed(started) }
  } catch (error) {
    // A store that opened but refuses our schema is reachable and not migrated.
    const reachable = isStoreError(error, 'schema_too_new')
    store = { reachable, migrated: false, latencyMs: elapsed(started), error: describe(error) }
    problems.push(reachable ? 'store schema is not ours' : 'store unreachable')
  }
  const closing = src.isClosing()
  if (closing) problems.push('shutting down')
  const { gatewayLastSuccess: ok, gatewayLastError: err } = monitor
  if (err && (!ok || err.at > ok.at)) problems.push('last gateway call failed')
  if (monitor.reconcilerLastRun && !monitor.reconcilerLastRun.ok)
    problems.push('last reconciler pass failed')
  if (monitor.outboxLastRun && !monitor.outboxLastRun.ok) problems.push('last outbox drain failed')
  for (const topic of monitor.failingHooks) problems.push(`${topic} hook failing`)
  if (backlog !== null && backlog >= (src.backlogWarning ?? 500))
    problems.push('reconciler backlog is high')
  const ready = store.reachable && store.migrated && !closing
  return {
    status: !ready ? 'down' : problems.length > 0 ? 'degraded' : 'ok',
    live: true,
    ready,
    problems,
    checkedAt: monitor.now(),
    closing,
    store,
    gateway: { environment: src.environment, lastSuccess: ok ?? null, lastError: err ?? null },
    reconciler: {
      enabled: src.reconcilerEnabled,
      lastRun: monitor.reconcilerLastRun ?? null,
      backlog,
      backlogAtLeast: backlog === BACKLOG_LIMIT,
    },
    outbox: {
      lastRun: monitor.outboxLastRun ?? null,
      lastHookError: monitor.hookLastError ?? null,
      retriesSinceStart: monitor.outboxRetries,
    },
    eventStreams: { open: monitor.openStreams },
  }
}

/**
 * A small Hono app for your probes: `GET /live` (200 while the process answers), `GET /ready`
 * (200 when ready, else 503; the full report either way). Mount it on a private path or port,
 * e.g. `admin.route('/health', healthRoutes(checkout))`.
 */
export function healthRoutes(checkout: { health(): Promise<HealthReport> }): Hono {
  const app = new Hono()
  app.get('/live', (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json({ live: true })
  })
  app.get('/ready', async (c) => {
    const report = await checkout.health()
    c.header('Cache-Control', 'no-store')
    return c.json(report, report.ready ? 200 : 503)
  })
  return app
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
