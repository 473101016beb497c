/**
 * The reconciler's and the outbox worker's observers: each pass, drain and hook run updates the
 * monitor (for `health()`) and records its span or metric points.
 */
import { SpanStatusCode } from '@opentelemetry/api'
import type { Store } from '../../store/store.ts'
import type { OutboxObserver } from '../workers/outbox-worker.ts'
import type { ReconcilerObserver } from '../workers/reconciler.ts'
import type { OpsMonitor } from './monitor.ts'

/** How often the backlog gauge is refreshed from the store at most, ms. */
const BACKLOG_REFRESH_MS = 15_000
/** Rows read at most to size the backlog. */
const BACKLOG_LIMIT = 1_000

/** Observer of the reconciler. */
export function reconcilerObserver(monitor: OpsMonitor, store: Store): ReconcilerObserver {
  let refreshedAt = -Infinity
  return {
    passed(report, error) {
      monitor.reconcilerRan(report, error)
      const now = Date.now()
      if (now - refreshedAt < BACKLOG_REFRESH_MS) return
      refreshedAt = now
      store
        .listNonFinal({ dueBefore: monitor.now(), limit: BACKLOG_LIMIT })
        .then((due) => monitor.telemetry.setReconcilerBacklog(due.length))
        .catch(() => undefined)
    },
    paidUpstreamPendingHere(record) {
      monitor.telemetry.contradictions.add(1, {
        'qfpay.contradiction': 'paid_upstream_pending_here',
        'qfpay.source': 'reconciler',
        'qfpay.pay_type': record.payType,
      })
    },
  }
}

/** Observer of the outbox worker: a span and a duration per hook run, lag, retries. */
export function outboxObserver(monitor: OpsMonitor): OutboxObserver {
  const t = monitor.telemetry
  return {
    run(entry, hook) {
      const lag = (Date.parse(monitor.now()) - Date.parse(entry.createdAt)) / 1000
      if (Number.isFinite(lag)) t.outboxLag.record(Math.max(0, lag), { 'qfpay.hook': entry.topic })
      return t.tracer.startActiveSpan(
        `qfpay.hook ${entry.topic}`,
        {
          attributes: {
            'qfpay.hook': entry.topic,
            'qfpay.checkout.id': entry.checkoutId,
            'qfpay.checkout.status': entry.checkout.status,
            'qfpay.hook.attempt': entry.attempts,
          },
        },
        async (span) => {
          const started = performance.now()
          let outcome = 'ok'
          try {
            const result = await hook()
            monitor.hookRan(entry.topic)
            return result
          } catch (error) {
            monitor.hookRan(entry.topic, error)
            outcome = 'error'
            span.setStatus({ code: SpanStatusCode.ERROR })
            span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown')
            throw error
          } finally {
            span.setAttribute('qfpay.hook.outcome', outcome)
            span.end()
            t.hookDuration.record((performance.now() - started) / 1000, {
              'qfpay.hook': entry.topic,
              'qfpay.hook.outcome': outcome,
            })
          }
        }
      )
    },
    retried(entry) {
      monitor.outboxRetries++
      t.outboxRetries.add(1, { 'qfpay.hook': entry.topic })
    },
    drained(ran, error) {
      monitor.outboxRan(ran, error)
    },
  }
}
