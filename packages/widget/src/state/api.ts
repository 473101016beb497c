/**
 * The wire contract (docs/architecture.md#routes-of-the-checkout-app), as four calls that never throw: each resolves to
 * `{ ok: true, value }` or `{ ok: false, error }` with a {@link WidgetError}.
 */
import type {
  Checkout,
  CheckoutConfig,
  CreateCheckoutRequest,
  ErrorBody,
} from '@qfpay-checkout/server/contract'
import type { WidgetError } from './checkout-machine.ts'

/** The outcome of one call. `serverDate` is the response's `Date` header (ms), when readable. */
export type ApiResult<T> =
  { ok: true; value: T; serverDate?: number } | { ok: false; error: WidgetError }

/** What {@link createApi} takes. */
export interface ApiOptions {
  /** The element's `endpoint`, e.g. `/qfpay`; a trailing slash is ignored. */
  endpoint: string
  fetch: typeof fetch
}

/** The merchant server as the widget sees it. */
export interface Api {
  config(signal?: AbortSignal): Promise<ApiResult<CheckoutConfig>>
  create(body: CreateCheckoutRequest, signal?: AbortSignal): Promise<ApiResult<Checkout>>
  /** With `after`, a long-poll: the server holds the answer until the version passes it (or ~25 s). */
  get(id: string, signal?: AbortSignal, after?: number): Promise<ApiResult<Checkout>>
  cancel(id: string, signal?: AbortSignal): Promise<ApiResult<Checkout>>
  /** `{endpoint}/checkouts/:id/events`, for the EventSource. */
  eventsUrl(id: string): string
}

/** Statuses worth trying again: rate limits and server or gateway trouble. */
const RETRYABLE_STATUSES = [408, 429, 500, 502, 503, 504]

/** Build the client for one endpoint. */
export function createApi({ endpoint, fetch: fetchImpl }: ApiOptions): Api {
  const base = endpoint.replace(/\/+$/, '')
  const checkoutUrl = (id: string) => `${base}/checkouts/${encodeURIComponent(id)}`

  async function call<T>(
    url: string,
    init: RequestInit,
    signal?: AbortSignal
  ): Promise<ApiResult<T>> {
    let response: Response
    try {
      response = await fetchImpl(url, {
        ...init,
        signal: signal ?? null,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
      })
    } catch (cause) {
      return {
        ok: false,
        error: {
          code: 'network_error',
          message: `Failed to fetch ${url}: ${String(cause)}.`,
          retryable: true,
        },
      }
    }
    let body: unknown
    try {
      body = await response.json()
    } catch {
      body = undefined
    }
    if (!response.ok) return { ok: false, error: errorFrom(response.status, body) }
    if (body === undefined || body === null || typeof body !== 'object') {
      return {
        ok: false,
        error: {
          code: 'invalid_response',
          message: `Failed to read ${url}: not JSON.`,
          retryable: true,
          status: response.status,
        },
      }
    }
    const date = response.headers.get('date')
    const serverDate = date ? Date.parse(date) : Number.NaN
    return Number.isNaN(serverDate)
      ? { ok: true, value: body as T }
      : { ok: true, value: body as T, serverDate }
  }

  return {
    config: (signal) => call<CheckoutConfig>(`${base}/config`, { method: 'GET' }, signal),
    create: (body, signal) =>
      call<Checkout>(`${base}/checkouts`, { method: 'POST', body: JSON.stringify(body) }, signal),
    get: (id, signal, after) =>
      call<Checkout>(checkoutUrl(id) + (after! >= 0 ? `?after=${after}` : ''), {}, signal),
    cancel: (id, signal) =>
      call<Checkout>(`${checkoutUrl(id)}/cancel`, { method: 'POST', body: '{}' }, signal),
    eventsUrl: (id) => `${checkoutUrl(id)}/events`,
  }
}

/** Turn a non-2xx answer into a {@link WidgetError}; unknown bodies still get a code. */
export function errorFrom(status: number, body: unknown): WidgetError {
  const wire = (body as Partial<ErrorBody> | undefined)?.error
  const code =
    typeof wire?.code === 'string'
      ? wire.code
      : status === 429
        ? 'rate_limited'
        : status >= 500
          ? 'gateway_error'
          : 'invalid_request'
  const message = typeof wire?.message === 'string' ? wire.message : `HTTP ${status}`
  return { code, message, retryable: RETRYABLE_STATUSES.includes(status), status }
}
