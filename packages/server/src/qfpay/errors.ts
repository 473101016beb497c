/**
 * The QFPay client's error classes: throw faults, return outcomes.
 *
 * `0000`, pending codes and declines are *results*, never errors (see client.ts). What is
 * thrown is a fault: the gateway refused the request itself (`QfpayApiError`), it could not be
 * reached or did not answer in time (`QfpayConnectionError`), it answered something that is not
 * a QFPay answer (`QfpayResponseError`), or a signature does not verify (`QfpaySignatureError`).
 *
 * Secrets: nothing here ever holds the client key or anything computed from it (an expected
 * signature would be a signing oracle for whoever can read logs). Messages take msw's form
 * "Failed to <verb> <thing>: <reason>.".
 *
 * @see docs/qfpay-protocol.md#return-codes
 */
import { brandError, hasErrorBrand } from '../error-brand.ts'
import { describeRespcd, isReusedOutTradeNoRespcd, type RespcdClass } from './respcd.ts'

/** Every `code` a `QfpayError` can carry (snake_case). */
export type QfpayErrorCode =
  | 'qfpay_api_error'
  | 'qfpay_connection_error'
  | 'qfpay_timeout'
  | 'qfpay_response_error'
  | 'qfpay_signature_error'

/** Longest slice of a foreign body kept on an error: enough to recognise it, not to leak it. */
const EXCERPT_CHARS = 200

/** Base class of every error the QFPay client throws. Check `code`, or use `isQfpayError()`. */
export class QfpayError extends Error {
  /** Stable machine-readable code; see `QfpayErrorCode`. */
  readonly code: QfpayErrorCode

  constructor(code: QfpayErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    // Recognised by brand (error-brand.ts), so a second copy of the package still knows it.
    brandError(this, 'qfpay')
  }

  /** A log-safe summary: own fields only, `cause` reduced to its name and message. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message }
    for (const [field, value] of Object.entries(this)) if (field !== 'cause') out[field] = value
    if (this.cause instanceof Error)
      out['cause'] = { name: this.cause.name, message: this.cause.message }
    return out
  }
}

/**
 * The gateway refused the call itself: a request error (1104 pay type not enabled, 1108 bad
 * signature, 2011 reused `out_trade_no`…), or a transient error (1100, 1205…) that outlived
 * every retry. Declines and state conflicts are returned as results instead.
 */
export class QfpayApiError extends QfpayError {
  declare readonly code: 'qfpay_api_error'
  /** QFPay's return code, e.g. `1108`. */
  readonly respcd: string
  /** QFPay's human text (often Chinese). */
  readonly resperr: string
  /** QFPay's extra/debug text, often empty. */
  readonly respmsg: string
  /** The code's class in respcd.ts. */
  readonly respcdClass: RespcdClass
  /** `true` when the same request may succeed later (1100, 1205…). */
  readonly retryable: boolean
  /** The endpoint called, e.g. `payment`. */
  readonly endpoint: string | undefined

  constructor(
    message: string,
    fields: { respcd: string; resperr?: string; respmsg?: string; endpoint?: string },
    options: { cause?: unknown } = {}
  ) {
    super('qfpay_api_error', message, options)
    this.respcd = fields.respcd
    this.resperr = fields.resperr ?? ''
    this.respmsg = fields.respmsg ?? ''
    this.respcdClass = describeRespcd(fields.respcd).class
    this.retryable = this.respcdClass === 'retryable'
    this.endpoint = fields.endpoint
  }
}

/**
 * The gateway could not be reached, or did not answer within the call's time budget
 * (`timeout: true`, code `qfpay_timeout`). When `mayHaveReachedGateway` is `true` the request
 * may have been acted on: query by `out_trade_no` before doing anything else.
 */
export class QfpayConnectionError extends QfpayError {
  declare readonly code: 'qfpay_connection_error' | 'qfpay_timeout'
  /** `false` only when no attempt can have reached the gateway (e.g. connection refused). */
  readonly mayHaveReachedGateway: boolean
  /** `true` when the call ran out of time rather than failing at the network level. */
  readonly timeout: boolean
  /** The endpoint called, e.g. `payment`. */
  readonly endpoint: string | undefined

  constructor(
    message: string,
    fields: { mayHaveReachedGateway: boolean; timeout: boolean; endpoint?: string },
    options: { cause?: unknown } = {}
  ) {
    super(fields.timeout ? 'qfpay_timeout' : 'qfpay_connection_error', message, options)
    this.mayHaveReachedGateway = fields.mayHaveReachedGateway
    this.timeout = fields.timeout
    this.endpoint = fields.endpoint
  }
}

/**
 * The gateway (or something in front of it) answered with something that is not a valid
 * QFPay answer: not JSON, an HTML error page, an HTTP error status, HTTP 429, or a signed
 * response whose signature is wrong (then `cause` is a `QfpaySignatureError`).
 */
export class QfpayResponseError extends QfpayError {
  declare readonly code: 'qfpay_response_error'
  /** The HTTP status of the answer (`undefined` for a notify body, which is not an answer). */
  readonly status: number | undefined
  /** The first characters of the body, for diagnosis. */
  readonly bodyExcerpt: string
  /** The endpoint called, e.g. `payment`. */
  readonly endpoint: string | undefined

  constructor(
    message: string,
    fields: { status?: number; body?: string; endpoint?: string },
    options: { cause?: unknown } = {}
  ) {
    super('qfpay_response_error', message, options)
    this.status = fields.status
    this.bodyExcerpt = excerpt(fields.body ?? '')
    this.endpoint = fields.endpoint
  }
}

/**
 * A signature does not verify: a notify whose `X-QF-SIGN` is missing or wrong, or a response
 * signed with another key. Carries what was received (as Stripe's
 * `StripeSignatureVerificationError` does), never what was expected.
 */
export class QfpaySignatureError extends QfpayError {
  declare readonly code: 'qfpay_signature_error'
  /** The signature header as received (`undefined` when absent). */
  readonly header: string | undefined
  /** The first characters of the body that failed to verify. */
  readonly bodyExcerpt: string

  constructor(message: string, fields: { header?: string | null; body?: string | Uint8Array }) {
    super('qfpay_signature_error', message)
    this.header = fields.header ?? undefined
    const body = fields.body ?? ''
    this.bodyExcerpt = excerpt(
      typeof body === 'string'
        ? body
        : new TextDecoder().decode(body.subarray(0, EXCERPT_CHARS * 4))
    )
  }
}

/** The hint Stripe gives for the usual mistake behind a notify signature mismatch. */
export const RAW_BODY_HINT = 'Was the body re-serialised? Verify the raw bytes.'

/** The class behind each code, so `isQfpayError(e, code)` narrows to it. */
export interface QfpayErrorByCode {
  qfpay_api_error: QfpayApiError
  qfpay_connection_error: QfpayConnectionError
  qfpay_timeout: QfpayConnectionError
  qfpay_response_error: QfpayResponseError
  qfpay_signature_error: QfpaySignatureError
}

/**
 * `true` for any error thrown by this client, from any copy of the package. With a `code`,
 * `true` only for that code, and the type narrows to its class (`qfpay_api_error` →
 * `QfpayApiError` with its `respcd`).
 *
 * @example
 * catch (err) { if (isQfpayError(err, 'qfpay_timeout')) await client.query({ out_trade_no }) }
 */
export function isQfpayError(value: unknown): value is QfpayError
export function isQfpayError<C extends QfpayErrorCode>(
  value: unknown,
  code: C
): value is QfpayErrorByCode[C]
export function isQfpayError(value: unknown, code?: QfpayErrorCode): boolean {
  if (!hasErrorBrand(value, 'qfpay')) return false
  return code === undefined || (value as QfpayError).code === code
}

/** What a gateway answered, as the client saw it, for `errorFromResponse`. */
export interface RawGatewayAnswer {
  /** The endpoint called, e.g. `payment`. */
  endpoint: string
  /** HTTP status. */
  status: number
  /** The body as text (may be HTML, empty, or JSON). */
  text: string
  /** The parsed JSON body when it parsed, else `undefined`. */
  json?: unknown
}

/**
 * Builds the right error for an answer that is not a result (Stripe's `generateV1Error`): a
 * JSON envelope with a `respcd` becomes a `QfpayApiError`; everything else (HTML, non-JSON,
 * 429, 5xx without an envelope) a `QfpayResponseError`.
 *
 * @example
 * throw errorFromResponse({ endpoint: 'payment', status: 200, text, json: { respcd: '1108', resperr: '签名错误' } })
 * @see docs/qfpay-protocol.md#requests-and-responses
 * @see docs/qfpay-protocol.md#return-codes
 */
export function errorFromResponse(raw: RawGatewayAnswer): QfpayApiError | QfpayResponseError {
  const doing = endpointAction(raw.endpoint)
  const envelope = raw.json
  const code =
    typeof envelope === 'object' && envelope !== null
      ? (envelope as Record<string, unknown>)['respcd']
      : undefined
  if (typeof code === 'string' || typeof code === 'number') {
    const fields = envelope as Record<string, unknown>
    const respcd = typeof code === 'number' ? String(code).padStart(4, '0') : code
    const resperr = typeof fields['resperr'] === 'string' ? fields['resperr'] : ''
    const respmsg = typeof fields['respmsg'] === 'string' ? fields['respmsg'] : ''
    const info = describeRespcd(respcd)
    const text = [resperr, respmsg].filter(Boolean).join(' / ')
    const hint =
      info.class === 'retryable'
        ? ' Try again later with the same out_trade_no.'
        : isReusedOutTradeNoRespcd(respcd)
          ? ' An out_trade_no can be used once: query it before creating another.'
          : ''
    return new QfpayApiError(
      `Failed to ${doing}: gateway answered respcd ${respcd} (${info.meaning}${text ? `: ${text}` : ''}).${hint}`,
      { respcd, resperr, respmsg, endpoint: raw.endpoint }
    )
  }
  const unknown = isWriteEndpoint(raw.endpoint)
    ? ' The outcome is unknown: query by out_trade_no.'
    : ''
  let reason: string
  if (raw.status === 429) reason = 'rate limited (HTTP 429)'
  else if (/^\s*</.test(raw.text))
    reason = `the answer is an HTML page (HTTP ${raw.status}), not JSON`
  else if (raw.status < 200 || raw.status > 299) reason = `HTTP ${raw.status}`
  else reason = raw.json === undefined ? 'the answer is not JSON' : 'the answer has no respcd'
  return new QfpayResponseError(
    `Failed to ${doing}: ${reason}.${raw.status === 429 ? '' : unknown}`,
    {
      status: raw.status,
      body: raw.text,
      endpoint: raw.endpoint,
    }
  )
}

/** The verb and thing of "Failed to <verb> <thing>" for each endpoint. */
export function endpointAction(endpoint: string): string {
  switch (endpoint) {
    case 'payment':
      return 'create payment'
    case 'refund':
      return 'refund payment'
    case 'close':
      return 'close order'
    case 'reversal':
      return 'reverse order'
    case 'query':
      return 'query transactions'
    default:
      return `call ${endpoint}`
  }
}

/** Endpoints that change money or state: their outcome is unknown after a lost answer. */
export function isWriteEndpoint(endpoint: string): boolean {
  return endpoint !== 'query'
}

function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text
}
