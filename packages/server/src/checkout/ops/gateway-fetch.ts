/**
 * The fetch the QFPay client uses, wrapped so every HTTP attempt to the gateway becomes a span
 * and a latency point, and the monitor learns the last success and the last error. Wrapping the
 * fetch (rather than the client) sees each retry on its own: the client resends identical
 * bytes (same fields, same signature), which is how attempts of one call are told apart.
 *
 * Only the endpoint, the pay type, the respcd and HTTP facts are recorded: never the body, the
 * signature header or the key.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { OpsMonitor } from './monitor.ts'
import { attrs } from './telemetry.ts'
import { markNotifyConfirmation } from './notify-span.ts'
import { isSuccessRespcd } from '../../qfpay/respcd.ts'

/** How long an attempt counter is kept for a retry to find, ms (longer than any call's budget). */
const ATTEMPT_MEMORY_MS = 120_000

/** Wraps `inner` (the client's fetch) with spans, metrics and the monitor's bookkeeping. */
export function instrumentGatewayFetch(inner: typeof fetch, monitor: OpsMonitor): typeof fetch {
  const attempts = new Map<string, { count: number; at: number }>()
  const { telemetry } = monitor
  return async function gatewayFetch(input, init) {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const endpoint = url.pathname.split('/').filter(Boolean).pop() ?? 'unknown'
    const body = typeof init?.body === 'string' ? init.body : ''
    const fields = new URLSearchParams(body)
    const signature = new Headers(init?.headers).get('X-QF-SIGN') ?? ''
    const attempt = countAttempt(attempts, `${url.pathname}\n${signature}\n${body}`)
    const common = attrs({
      'http.request.method': init?.method ?? 'GET',
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      'qfpay.endpoint': endpoint,
    })
    const span = telemetry.tracer.startSpan(`${init?.method ?? 'GET'} ${url.pathname}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        ...common,
        'url.full': `${url.origin}${url.pathname}`,
        ...attrs({
          'qfpay.pay_type': fields.get('pay_type') ?? undefined,
          'qfpay.attempt': attempt,
          ...(attempt > 1 ? { 'http.request.resend_count': attempt - 1 } : {}),
        }),
      },
    })
    const started = performance.now()
    const finish = (extra: Record<string, string | number | undefined>, outcome: string) => {
      const seconds = (performance.now() - started) / 1000
      const a = attrs(extra)
      span.setAttributes({ ...a, 'qfpay.outcome': outcome })
      if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
      telemetry.gatewayDuration.record(seconds, { ...common, ...a })
    }
    let response: Response
    try {
      response = await inner(input, init)
    } catch (error) {
      const type = errorType(error)
      monitor.gatewayFailed(endpoint, type)
      finish({ 'error.type': type }, 'error')
      throw error
    }
    const status = response.status
    if (status === 429) telemetry.gatewayThrottled.add(1, { 'qfpay.endpoint': endpoint })
    // Read a copy after handing the response on, so the client is never held up.
    void respcdOf(response.clone()).then((respcd) => {
      const ok = status >= 200 && status < 300 && respcd !== undefined
      if (ok) monitor.gatewaySucceeded(endpoint, respcd)
      else monitor.gatewayFailed(endpoint, String(status === 200 ? 'unreadable' : status))
      if (endpoint === 'query' && respcd !== undefined && isSuccessRespcd(respcd))
        markNotifyConfirmation('queried')
      finish(
        {
          'http.response.status_code': status,
          'qfpay.respcd': respcd,
          ...(ok ? {} : { 'error.type': String(status) }),
        },
        !ok ? 'error' : isSuccessRespcd(respcd) ? 'ok' : 'refused'
      )
    })
    return response
  }
}

function countAttempt(map: Map<string, { count: number; at: number }>, key: string): number {
  const now = Date.now()
  if (map.size > 1_000) {
    for (const [k, v] of map) if (now - v.at > ATTEMPT_MEMORY_MS) map.delete(k)
  }
  const seen = map.get(key)
  const count = seen && now - seen.at <= ATTEMPT_MEMORY_MS ? seen.count + 1 : 1
  map.set(key, { count, at: now })
  return count
}

/** The envelope's `respcd`, or `undefined` for a body that is not a QFPay answer. */
async function respcdOf(response: Response): Promise<string | undefined> {
  try {
    const json = (await response.json()) as { respcd?: unknown }
    return typeof json.respcd === 'string' ? json.respcd : undefined
  } catch {
    return undefined
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
