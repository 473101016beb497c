/**
 * The checkout app's error model: handlers throw, and an error renders as
 * `{ "error": { code, message, field?, respcd? } }` with a fitting status, never a stack trace
 * and never a secret. Inside the sub-app its own `onError` renders it; `CheckoutError` is a
 * Hono `HTTPException` whose `getResponse()` is that same body, so one thrown from the merchant
 * API in a merchant's own Hono route (or passed to any error handler) renders the same way.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ErrorBody, ErrorCode, ErrorStatus } from '../contract.ts'
import { brandError, hasErrorBrand } from '../error-brand.ts'
import { isQfpayError } from '../qfpay/errors.ts'
import type { Logger } from './logger.ts'

/**
 * A failure reported to the caller: a documented `code`, an HTTP `status` and a message that is
 * safe to show. Throw it from `resolveOrder`, or catch it from the merchant API; any Hono error
 * handler renders it as the JSON error body (`getResponse()`).
 *
 * @example
 * // In resolveOrder, or in a merchant's own Hono route: either way a 400 JSON error body.
 * throw new CheckoutError('invalid_request', 400, 'Failed to price the order: unknown item.', {
 *   field: 'order',
 * })
 */
export class CheckoutError extends HTTPException {
  readonly code: ErrorCode
  declare readonly status: ErrorStatus
  readonly field: string | undefined
  readonly respcd: string | undefined

  constructor(
    code: ErrorCode,
    status: ErrorStatus,
    message: string,
    options: { field?: string; respcd?: string; cause?: unknown } = {}
  ) {
    super(status, { message, ...(options.cause === undefined ? {} : { cause: options.cause }) })
    this.name = 'CheckoutError'
    this.code = code
    this.field = options.field
    this.respcd = options.respcd
    brandError(this, 'checkout')
  }

  /** The wire body of this error. */
  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message }
    if (this.field !== undefined) error.field = this.field
    if (this.respcd !== undefined) error.respcd = this.respcd
    return { error }
  }

  /** The JSON error body with this error's status: what any Hono error handler sends. */
  override getResponse(): Response {
    return Response.json(this.toBody(), { status: this.status })
  }
}

/**
 * `true` for a `CheckoutError` from any copy of the package; with `code`, only for that code.
 *
 * @example
 * catch (error) { if (isCheckoutError(error, 'checkout_not_found')) return c.notFound() }
 */
export function isCheckoutError<C extends ErrorCode = ErrorCode>(
  value: unknown,
  code?: C
): value is CheckoutError & { readonly code: C } {
  return (
    hasErrorBrand(value, 'checkout') &&
    (code === undefined || (value as CheckoutError).code === code)
  )
}

/** Maps Hono's own HTTP exceptions (body limit, malformed JSON…) to our codes. */
function fromHttpException(err: HTTPException): CheckoutError {
  switch (err.status) {
    case 413:
      return new CheckoutError(
        'payload_too_large',
        413,
        'Failed to read the request: the body is too large.'
      )
    case 415:
      return new CheckoutError(
        'unsupported_media_type',
        415,
        'Failed to read the request: send application/json.'
      )
    case 403:
      return new CheckoutError(
        'origin_not_allowed',
        403,
        'Failed to accept the request: its origin is not allowed.'
      )
    case 429:
      return new CheckoutError(
        'rate_limited',
        429,
        'Failed to accept the request: too many requests, try again shortly.'
      )
    case 404:
      return new CheckoutError('not_found', 404, 'Failed to find the route.')
    default:
      return new CheckoutError(
        'invalid_request',
        400,
        `Failed to read the request: ${err.status === 400 ? 'it is malformed' : 'it was refused'}.`
      )
  }
}

/**
 * Turns anything thrown into the error a caller may see:
 * - `CheckoutError`: as it is;
 * - a QFPay timeout or connection failure: 504 `gateway_timeout`;
 * - any other QFPay fault: 502 `gateway_error` (with the gateway's `respcd` when it gave one);
 * - anything else: 500 `internal_error` with a generic message (the details go to the log).
 */
export function toCheckoutError(err: unknown): CheckoutError {
  if (isCheckoutError(err)) return err
  if (err instanceof HTTPException) return fromHttpException(err)
  if (isQfpayError(err)) {
    if (err.code === 'qfpay_timeout' || err.code === 'qfpay_connection_error') {
      return new CheckoutError(
        'gateway_timeout',
        504,
        'Failed to reach the payment gateway in time. Try again.',
        { cause: err }
      )
    }
    const respcd = isQfpayError(err, 'qfpay_api_error') ? err.respcd : undefined
    return new CheckoutError(
      'gateway_error',
      502,
      'Failed to complete the request at the payment gateway.',
      {
        cause: err,
        ...(respcd ? { respcd } : {}),
      }
    )
  }
  return new CheckoutError('internal_error', 500, 'Failed to handle the request: internal error.', {
    cause: err,
  })
}

/** The sub-app's `onError`: logs what is not the caller's fault, renders the error body. */
export function renderError(logger: Logger) {
  return function renderCheckoutError(err: Error, c: Context): Response {
    if (isBodyAbort(err, c)) {
      // The sender went away mid-body (or trickled it until the socket closed): the client's
      // doing, so one info line, never an error-level internal_error a slow-body flood repeats.
      logger.info('request body aborted by the client', { path: c.req.path })
      return c.json(
        new CheckoutError(
          'invalid_request',
          400,
          'Failed to read the request: the body was cut off.'
        ).toBody(),
        400
      )
    }
    const error = toCheckoutError(err)
    if (error.status >= 500) {
      logger.error('checkout request failed', {
        path: c.req.path,
        code: error.code,
        error: describeCause(err),
      })
    }
    return c.json(error.toBody(), error.status)
  }
}

/** What reading an aborted request body rejects with (Node's `aborted`, undici, streams). */
function isBodyAbort(err: unknown, c: Context): boolean {
  if (!(err instanceof Error) || isCheckoutError(err) || isQfpayError(err)) return false
  if (c.req.raw.body === null) return false
  const code = (err as { code?: unknown }).code
  return (
    err.name === 'AbortError' ||
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    /^(aborted|terminated|premature close)$/i.test(err.message)
  )
}

/** A log-safe description: QFPay errors serialise without secrets; others give name and message. */
function describeCause(err: unknown): unknown {
  if (isQfpayError(err)) return err.toJSON()
  if (err instanceof Error) return { name: err.name, message: err.message }
  return String(err)
}
