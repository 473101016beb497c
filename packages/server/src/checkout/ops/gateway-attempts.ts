/**
 * Every HTTP attempt to the gateway as a span and a latency point, and the monitor's last
 * success and last error. The QFPay client reports each attempt once it ended (its `onAttempt`
 * option: which attempt of the call it was, the HTTP status and the `respcd` it read), so
 * nothing here wraps the fetch, copies or re-parses an answer, or tells retries apart by their
 * bytes. Runs inside the caller's context, so a notify's confirming `/query` is its child span.
 *
 * Only the endpoint, the pay type, the respcd and HTTP facts are recorded: never the body, the
 * signature header or the key.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { GatewayAttemptReport } from '../../qfpay/call-gateway.ts'
import type { OpsMonitor } from './monitor.ts'
import { attrs } from './telemetry.ts'
import { markNotifyConfirmation } from './notify-span.ts'
import { isSuccessRespcd } from '../../qfpay/respcd.ts'

/** The client's `onAttempt` for one app: spans, metrics and the monitor's bookkeeping. */
export function observeGatewayAttempts(
  monitor: OpsMonitor
): (report: GatewayAttemptReport) => void {
  const { telemetry } = monitor
  // One gateway, a handful of endpoints: each URL is parsed once, not on every attempt.
  const byUrl = new Map<string, ReturnType<typeof describe>>()
  const describe = (href: string, endpoint: string) => {
    const url = new URL(href)
    const common = attrs({
      'http.request.method': 'POST',
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      'qfpay.endpoint': endpoint,
    })
    return { common, name: `POST ${url.pathname}`, full: `${url.origin}${url.pathname}` }
  }
  return function onAttempt(report) {
    const { endpoint, attempt, status, respcd } = report
    let described = byUrl.get(report.url)
    if (!described) byUrl.set(report.url, (described = describe(report.url, endpoint)))
    const { common } = described
    let outcome: 'ok' | 'refused' | 'error'
    let extra: Record<string, string | number | undefined>
    if (report.outcome === 'answer') {
      if (status === 429) telemetry.gatewayThrottled.add(1, { 'qfpay.endpoint': endpoint })
      const ok = status! >= 200 && status! < 300 && respcd !== undefined
      if (ok) monitor.gatewaySucceeded(endpoint, respcd)
      else monitor.gatewayFailed(endpoint, String(status === 200 ? 'unreadable' : status))
      if (endpoint === 'query' && respcd !== undefined && isSuccessRespcd(respcd))
        markNotifyConfirmation('queried')
      outcome = !ok ? 'error' : isSuccessRespcd(respcd ?? '') ? 'ok' : 'refused'
      extra = {
        'http.response.status_code': status,
        'qfpay.respcd': respcd,
        ...(ok ? {} : { 'error.type': String(status) }),
      }
    } else {
      const type = report.outcome === 'timeout' ? 'timeout' : errorType(report.error)
      monitor.gatewayFailed(endpoint, type)
      outcome = 'error'
      extra = { 'error.type': type }
    }
    const a = attrs(extra)
    const span = telemetry.tracer.startSpan(described.name, {
      kind: SpanKind.CLIENT,
      startTime: report.startedAt,
      attributes: {
        ...common,
        'url.full': described.full,
        ...attrs({
          'qfpay.pay_type': report.payType,
          'qfpay.attempt': attempt,
          ...(attempt > 1 ? { 'http.request.resend_count': attempt - 1 } : {}),
        }),
        ...a,
        'qfpay.outcome': outcome,
      },
    })
    if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR })
    span.end(report.startedAt + report.durationMs)
    telemetry.gatewayDuration.record(report.durationMs / 1000, { ...common, ...a })
  }
}

/** A short, secret-free error type: the Node/undici code, or the error's name. */
function errorType(error: unknown): string {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ??
    (error as { code?: unknown })?.code
  if (typeof code === 'string') return code
  return error instanceof Error ? error.name : 'unknown'
}
