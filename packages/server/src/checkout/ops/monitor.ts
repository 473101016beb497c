/**
 * What the app remembers about its own running, for `health()` and the metrics: the gateway's
 * last success and last error, the reconciler's and the outbox worker's last run. Kept in memory
 * and updated by the code that does the work, so a health request reads variables and never
 * calls the gateway.
 */
import type { ReconcileReport } from '../workers/reconciler.ts'
import { createTelemetry, type Telemetry, type TelemetryOptions } from './telemetry.ts'

/** A moment something happened, with a short log-safe description. */
export interface OpsEvent {
  at: string
  endpoint?: string
  /** A respcd, an HTTP status or an error code; never a body. */
  code?: string
  message?: string
}

/** Last run of a worker. */
export interface WorkerRun {
  at: string
  ok: boolean
  error?: string
}

/** The mutable state behind `health()`; one per app. */
export class OpsMonitor {
  readonly telemetry: Telemetry
  readonly #clock: () => Date
  gatewayLastSuccess: OpsEvent | undefined
  gatewayLastError: OpsEvent | undefined
  reconcilerLastRun: (WorkerRun & { report?: ReconcileReport }) | undefined
  outboxLastRun: (WorkerRun & { delivered?: number }) | undefined
  /** Hook runs that threw since start, and whether the last run of each entry failed. */
  outboxRetries = 0
  /** The last hook run that threw (topic as `code`), and the hooks whose last run threw. */
  hookLastError: OpsEvent | undefined
  readonly failingHooks = new Set<string>()
  openStreams = 0

  constructor(clock: () => Date, telemetry: TelemetryOptions = {}) {
    this.#clock = clock
    this.telemetry = createTelemetry(telemetry)
  }

  now(): string {
    return this.#clock().toISOString()
  }

  gatewaySucceeded(endpoint: string, code: string | undefined): void {
    this.gatewayLastSuccess = { at: this.now(), endpoint, ...(code ? { code } : {}) }
  }

  gatewayFailed(endpoint: string, code: string, message?: string): void {
    this.gatewayLastError = {
      at: this.now(),
      endpoint,
      code,
      ...(message ? { message } : {}),
    }
  }

  reconcilerRan(report: ReconcileReport | undefined, error?: unknown): void {
    this.reconcilerLastRun = {
      at: this.now(),
      ok: error === undefined,
      ...(report ? { report } : {}),
      ...(error !== undefined ? { error: describe(error) } : {}),
    }
  }

  outboxRan(delivered: number | undefined, error?: unknown): void {
    this.outboxLastRun = {
      at: this.now(),
      ok: error === undefined,
      ...(delivered !== undefined ? { delivered } : {}),
      ...(error !== undefined ? { error: describe(error) } : {}),
    }
  }

  hookRan(topic: string, error?: unknown): void {
    if (error === undefined) {
      this.failingHooks.delete(topic)
      return
    }
    this.failingHooks.add(topic)
    this.hookLastError = { at: this.now(), code: topic, message: describe(error) }
  }

  streamOpened(): void {
    this.openStreams++
    this.telemetry.eventStreams.add(1)
  }

  streamClosed(): void {
    this.openStreams--
    this.telemetry.eventStreams.add(-1)
  }
}

/** A log-safe one-liner: name and message, never a stack. */
export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
