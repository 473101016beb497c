/**
 * The checkout's spans and metrics, on `@opentelemetry/api` alone: with no SDK registered every
 * call here is a no-op, so a merchant who does not use OpenTelemetry pays nothing. Register a
 * tracer/meter provider before `createCheckout()` (metrics bind at creation), or pass them as
 * `telemetry: { tracerProvider, meterProvider }`.
 *
 * Names: the HTTP client semantic conventions where they fit (`http.client.request.duration`, span
 * name `POST /trade/v1/<endpoint>`, `http.request.resend_count`), `qfpay.*` for the rest. The
 * server README's "Telemetry" section lists every name with what to alert on. No attribute
 * carries a key, a signature or a request body.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/
 */
import {
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  metrics,
  trace,
  type Tracer,
  type TracerProvider,
  type UpDownCounter,
} from '@opentelemetry/api'

/** Instrumentation scope name of every span and metric. */
export const INSTRUMENTATION_SCOPE = '@qfpay-checkout/server'

/** Where spans and metrics go; both default to the globally registered providers. */
export interface TelemetryOptions {
  tracerProvider?: TracerProvider
  meterProvider?: MeterProvider
}

/** Metric names, exported so the README, the tests and dashboards agree. */
export const METRICS = {
  gatewayDuration: 'http.client.request.duration',
  gatewayThrottled: 'qfpay.gateway.throttled',
  notifies: 'qfpay.notifies',
  transitions: 'qfpay.checkout.transitions',
  reconcilerBacklog: 'qfpay.reconciler.backlog',
  contradictions: 'qfpay.reconciler.contradictions',
  outboxLag: 'qfpay.outbox.lag',
  outboxRetries: 'qfpay.outbox.retries',
  hookDuration: 'qfpay.hook.duration',
  eventStreams: 'qfpay.event_streams.open',
} as const

/** The instruments one app records into. */
export interface Telemetry {
  tracer: Tracer
  gatewayDuration: Histogram
  gatewayThrottled: Counter
  notifies: Counter
  transitions: Counter
  contradictions: Counter
  outboxLag: Histogram
  outboxRetries: Counter
  hookDuration: Histogram
  eventStreams: UpDownCounter
  /** Sets what the backlog gauge reports at its next collection. */
  setReconcilerBacklog(value: number): void
}

/** Builds the instruments (no-ops without a registered SDK). */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_SCOPE
  )
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(
    INSTRUMENTATION_SCOPE
  )
  let backlog: number | undefined
  meter
    .createObservableGauge(METRICS.reconcilerBacklog, {
      description: 'Pending checkouts due for a gateway query and not yet queried.',
      unit: '{checkout}',
    })
    .addCallback((result) => {
      if (backlog !== undefined) result.observe(backlog)
    })
  return {
    tracer,
    gatewayDuration: meter.createHistogram(METRICS.gatewayDuration, {
      description: 'Duration of each HTTP attempt to the QFPay gateway.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    }),
    gatewayThrottled: meter.createCounter(METRICS.gatewayThrottled, {
      description: 'Gateway answers with HTTP 429 (rate limited).',
      unit: '{response}',
    }),
    notifies: meter.createCounter(METRICS.notifies, {
      description: 'Notifies received, by outcome and reason.',
      unit: '{notify}',
    }),
    transitions: meter.createCounter(METRICS.transitions, {
      description: 'Checkout status changes, by the status entered.',
      unit: '{transition}',
    }),
    contradictions: meter.createCounter(METRICS.contradictions, {
      description: 'Gateway and store disagree (e.g. paid upstream, pending here).',
      unit: '{checkout}',
    }),
    outboxLag: meter.createHistogram(METRICS.outboxLag, {
      description: 'Time from a status change to the start of its hook run.',
      unit: 's',
    }),
    outboxRetries: meter.createCounter(METRICS.outboxRetries, {
      description: 'Hook runs that threw and were rescheduled.',
      unit: '{run}',
    }),
    hookDuration: meter.createHistogram(METRICS.hookDuration, {
      description: 'Duration of each onPaid / onStatus run.',
      unit: 's',
    }),
    eventStreams: meter.createUpDownCounter(METRICS.eventStreams, {
      description: 'Open status event streams (SSE).',
      unit: '{stream}',
    }),
    setReconcilerBacklog(value) {
      backlog = value
    },
  }
}

/** Attributes with `undefined` values left out (the API would drop them with a warning). */
export function attrs(values: Record<string, string | number | boolean | undefined>): Attributes {
  const out: Attributes = {}
  for (const [name, value] of Object.entries(values)) if (value !== undefined) out[name] = value
  return out
}
