import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { context } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { startBed, TEST_APPCODE, TEST_KEY } from '../../../test/support/checkout-test-bed.ts'
import { SseReader } from '../routes/sse-reader.ts'
import { METRICS } from './telemetry.ts'

/** A reader the test collects from when it wants (no timer). */
class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** Every data point of metric `name` as [attributes, value]. */
function points(metrics: ResourceMetrics, name: string): [Record<string, unknown>, unknown][] {
  return metrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) =>
      m.dataPoints.map((p) => [p.attributes, p.value] as [Record<string, unknown>, unknown])
    )
}

describe('telemetry with the OpenTelemetry SDK', () => {
  const contextManager = new AsyncLocalStorageContextManager()
  before(() => context.setGlobalContextManager(contextManager.enable()))
  after(() => {
    contextManager.disable()
    context.disable()
  })

  it('a paid checkout produces the gateway, notify and hook spans and the metric points; no attribute holds the key', async (t) => {
    const exporter = new InMemorySpanExporter()
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    })
    const reader = new TestReader()
    const meterProvider = new MeterProvider({ readers: [reader] })
    const bed = await startBed({ checkout: { telemetry: { tracerProvider, meterProvider } } })
    t.after(() => bed.close())

    const created = await bed.create('order-1', '800201')
    assert.equal(created.status, 201)
    const stream = await fetch(`${bed.appUrl}/qfpay/checkouts/${created.body.id}/events`)
    const reader1 = new SseReader(stream)
    await reader1.nextMessage()
    const open = points((await reader.collect()).resourceMetrics, METRICS.eventStreams)
    assert.deepEqual(
      open.map(([, v]) => v),
      [1],
      'one open stream'
    )
    await bed.pay(created.body.id)
    assert.equal(JSON.parse((await reader1.nextMessage())?.data ?? '{}').status, 'paid')
    await bed.settleHooks()
    await bed.checkout.health()

    const spans = exporter.getFinishedSpans()
    const named = (name: string) => spans.filter((s) => s.name === name)
    const payment = named('POST /trade/v1/payment')
    assert.equal(payment.length, 1)
    assert.deepEqual(
      pick(payment[0]!, [
        'qfpay.endpoint',
        'qfpay.pay_type',
        'qfpay.respcd',
        'qfpay.attempt',
        'qfpay.outcome',
        'http.response.status_code',
      ]),
      {
        'qfpay.endpoint': 'payment',
        'qfpay.pay_type': '800201',
        'qfpay.respcd': '0000',
        'qfpay.attempt': 1,
        'qfpay.outcome': 'ok',
        'http.response.status_code': 200,
      }
    )
    const notify = named('qfpay.notify')
    assert.equal(notify.length, 1)
    assert.deepEqual(
      pick(notify[0]!, [
        'qfpay.notify.verification',
        'qfpay.notify.confirmation',
        'qfpay.notify.outcome',
        'qfpay.checkout.status',
      ]),
      {
        'qfpay.notify.verification': 'verified',
        'qfpay.notify.confirmation': 'queried',
        'qfpay.notify.outcome': 'acknowledged',
        'qfpay.checkout.status': 'paid',
      }
    )
    // The confirming query is a child of the notify span.
    const query = named('POST /trade/v1/query')
    assert.ok(query.some((q) => q.parentSpanContext?.spanId === notify[0]!.spanContext().spanId))
    const onPaid = named('qfpay.hook onPaid')
    assert.equal(onPaid.length, 1)
    assert.deepEqual(pick(onPaid[0]!, ['qfpay.hook', 'qfpay.checkout.id', 'qfpay.hook.outcome']), {
      'qfpay.hook': 'onPaid',
      'qfpay.checkout.id': created.body.id,
      'qfpay.hook.outcome': 'ok',
    })

    const metrics = (await reader.collect()).resourceMetrics
    const durations = points(metrics, METRICS.gatewayDuration)
    assert.ok(
      durations.some(([a]) => a['qfpay.endpoint'] === 'payment' && a['qfpay.respcd'] === '0000')
    )
    assert.ok(durations.some(([a]) => a['qfpay.endpoint'] === 'query'))
    assert.deepEqual(
      points(metrics, METRICS.notifies).map(([a, v]) => [a['qfpay.notify.outcome'], v]),
      [['acknowledged', 1]]
    )
    assert.deepEqual(
      points(metrics, METRICS.transitions)
        .map(([a, v]) => [a['qfpay.checkout.status'], v])
        .sort(),
      [
        ['paid', 1],
        ['pending', 1],
      ]
    )
    assert.ok(points(metrics, METRICS.hookDuration).some(([a]) => a['qfpay.hook'] === 'onPaid'))
    assert.ok(points(metrics, METRICS.outboxLag).length > 0)
    assert.deepEqual(
      points(metrics, METRICS.reconcilerBacklog).map(([, v]) => v),
      [0]
    )
    assert.deepEqual(
      points(metrics, METRICS.eventStreams).map(([, v]) => v),
      [0],
      'the paid stream closed'
    )

    // Nothing recorded holds the key (or the appcode, which is sent only as a header).
    const everything = JSON.stringify([
      spans.map((s) => [s.name, s.attributes, s.events, s.resource.attributes]),
      metrics,
    ])
    assert.ok(!everything.includes(TEST_KEY), 'the client key is in an attribute')
    assert.ok(!everything.includes(TEST_APPCODE), 'the appcode is in an attribute')
  })

  it('counts the reconciler finding a payment the store does not know of yet, and gateway retries', async (t) => {
    const reader = new TestReader()
    const exporter = new InMemorySpanExporter()
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    })
    const meterProvider = new MeterProvider({ readers: [reader] })
    const bed = await startBed({ checkout: { telemetry: { tracerProvider, meterProvider } } })
    t.after(() => bed.close())
    const created = await bed.create('order-2', '800201')
    bed.sandbox.pay((await bed.get(created.body.id)).syssn as string)
    await bed.clock.advance(5_000)
    // Every /query answers an HTML 502 first: the client retries (reads are safe to repeat).
    bed.sandbox.setKnobs({ htmlErrorRate: 1 })
    await bed.checkout.merchant.reconcile()
    bed.sandbox.setKnobs({ htmlErrorRate: 0 })
    await bed.clock.advance(15_000)
    const report = await bed.checkout.merchant.reconcile()
    assert.equal(report.changed, 1)
    const metrics = (await reader.collect()).resourceMetrics
    assert.deepEqual(
      points(metrics, METRICS.contradictions).map(([a, v]) => [
        a['qfpay.contradiction'],
        a['qfpay.source'],
        v,
      ]),
      [['paid_upstream_pending_here', 'reconciler', 1]]
    )
    const queries = exporter.getFinishedSpans().filter((s) => s.name === 'POST /trade/v1/query')
    const attempts = queries.map((s) => s.attributes['qfpay.attempt'])
    assert.ok(attempts.includes(2), `attempts seen: ${attempts.join(',')}`)
    assert.ok(
      queries.some(
        (s) =>
          s.attributes['qfpay.outcome'] === 'error' &&
          s.attributes['http.response.status_code'] === 502
      )
    )
  })
})

function pick(span: ReadableSpan, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, span.attributes[n]]))
}
