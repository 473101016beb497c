/**
 * One signed call to `/trade/v1/<endpoint>`, with the total time budget and the retry policy.
 *
 * Retried (same fields, same `out_trade_no`, same `txdtm`, same signature; at most
 * `maxAttempts` ≤ 3 attempts; exponential back-off with full jitter):
 * - a transport failure that happened before the request could reach the gateway (connection
 *   refused, DNS failure, unreachable host, connect timeout);
 * - HTTP 429 (QFPay: "retry with exponential backoff");
 * - a `retryable` respcd (1100, 1205…; respcd.ts).
 * And for `/query` only, because reading twice is harmless: a timed-out attempt, a failure
 * after the request may have been sent, and HTTP 5xx. A 5xx on a write comes from whatever sits
 * in front of the gateway (a proxy's 502/504) and may be sent *after* the gateway has already
 * taken the payment or refund; sending it again could at best collide with the first one and at
 * worst act twice, so the caller gets a `QfpayResponseError` and must query first.
 *
 * A response `X-QF-SIGN` is checked against every scheme QFPay's sources describe (MD5 or
 * SHA-256, over the raw body or the sorted fields; response-signature.ts), honouring the answer's
 * `X-QF-SIGNTYPE`. What a mismatch does is the `responseSignature` mode: `verify` (default)
 * reports it once through `onSignatureMismatch` and uses the answer; `require` refuses it, and
 * an unsigned answer too; `off` does not look.
 */
import {
  endpointAction,
  errorFromResponse,
  isWriteEndpoint,
  QfpayConnectionError,
  QfpayResponseError,
  QfpaySignatureError,
  type RawGatewayAnswer,
} from './errors.ts'
import type { Endpoint, FormFields } from './form-params.ts'
import { parseEnvelope } from './parse-response.ts'
import { describeRespcd, isCancelUnsupported } from './respcd.ts'
import {
  checkResponseSignature,
  type ResponseSignatureMode,
  type ResponseSignScheme,
} from './response-signature.ts'
import { sign, type SignType } from './sign.ts'
import type { QfpayEnvelope } from './types.ts'

/** Everything a call needs; built once by `createQfpayClient`. */
export interface GatewayConfig {
  baseUrl: string
  appcode: string
  key: string
  signType: SignType
  timeoutMs: number
  attemptTimeoutMs: number
  maxAttempts: number
  fetch: typeof globalThis.fetch
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
  random: () => number
  /** What a response signature must be (see the file comment). */
  responseSignature: ResponseSignatureMode
  /** Told about an answer whose signature matched no scheme tried (`verify` mode). */
  onSignatureMismatch: (mismatch: SignatureMismatch) => void
  /** Told about every HTTP attempt once it ended (see `GatewayAttemptReport`). */
  onAttempt?: ((report: GatewayAttemptReport) => void) | undefined
}

/**
 * One HTTP attempt of a call, told to `onAttempt` when it ended: what telemetry and health need
 * (which attempt of the call it was, how long it took, the HTTP status and the envelope's
 * `respcd` as this client read them), so an observer never has to re-read the answer. Holds no
 * body, signature or key.
 */
export interface GatewayAttemptReport {
  endpoint: Endpoint
  /** The gateway URL without query (`<baseUrl>/trade/v1/<endpoint>`). */
  url: string
  /** 1 for the first attempt of a call; retries send identical bytes. */
  attempt: number
  /** The request's `pay_type`, when it has one. */
  payType?: string
  /** When the attempt started, ms since the epoch. */
  startedAt: number
  durationMs: number
  /** `answer`: an HTTP answer came (`status`, and `respcd` when it was a readable envelope). */
  outcome: 'answer' | 'failed' | 'timeout'
  status?: number
  respcd?: string
  /** With `failed`: what the transport threw. */
  error?: unknown
}

/** An answer whose `X-QF-SIGN` matched none of the schemes tried. Never holds the key. */
export interface SignatureMismatch {
  endpoint: Endpoint
  tried: readonly ResponseSignScheme[]
  signType: string | null
}

/** How an answer's signature turned out: `mismatch` only reaches a caller in `verify` mode. */
export type AnswerSignature = 'verified' | 'absent' | 'mismatch' | 'unchecked'

/** A QFPay answer that parsed: any respcd (the client decides what to throw). */
export interface GatewayAnswer {
  envelope: QfpayEnvelope
  signature: AnswerSignature
  /** The scheme that verified, when one did. */
  signatureScheme?: ResponseSignScheme
  attempts: number
}

/** First back-off step, ms; doubled per retry (AWS "full jitter"). */
const BACKOFF_BASE_MS = 250
/** Back-off ceiling, ms: QFPay's limits are per second and per minute. */
const BACKOFF_CAP_MS = 4_000

/**
 * Error codes (Node/undici) that prove the request never left this machine or never got a
 * connection, so it cannot have reached the gateway. Anything else (ECONNRESET, an opaque
 * `TypeError: fetch failed` on an edge runtime…) may have been sent and counts as uncertain.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
])

type Attempt =
  | {
      kind: 'answer'
      status: number
      bytes: Uint8Array
      signatureHeader: string | null
      signTypeHeader: string | null
    }
  | { kind: 'failed'; error: unknown; sent: boolean }
  | { kind: 'timeout'; total: boolean }

/** Signs and sends `fields`, retrying per the policy above. */
export async function callGateway(
  config: GatewayConfig,
  endpoint: Endpoint,
  fields: FormFields
): Promise<GatewayAnswer> {
  const doing = endpointAction(endpoint)
  const write = isWriteEndpoint(endpoint)
  const init = {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
      'X-QF-APPCODE': config.appcode,
      'X-QF-SIGN': await sign(fields, config.key, config.signType),
      // Absent means MD5; sent only for SHA-256.
      ...(config.signType === 'SHA256' ? { 'X-QF-SIGNTYPE': 'SHA256' } : {}),
    },
    // Ordinary form encoding of the decoded values that were signed.
    body: new URLSearchParams(fields).toString(),
  }
  const url = `${config.baseUrl}/trade/v1/${endpoint}`
  const unknownOutcome = write
    ? ` The outcome is unknown — query by out_trade_no${fields['out_trade_no'] ? ` (${fields['out_trade_no']})` : ''} before trying again.`
    : ''
  const total = new AbortController()
  const timer = setTimeout(() => total.abort(), config.timeoutMs)
  // Whether any attempt may have reached the gateway without us learning what it did.
  let uncertain = false
  const timedOut = () =>
    new QfpayConnectionError(
      `Failed to ${doing}: no answer within ${config.timeoutMs} ms.${uncertain ? unknownOutcome : ''}`,
      { timeout: true, mayHaveReachedGateway: uncertain, endpoint }
    )
  try {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= config.maxAttempts
      const startedAt = Date.now()
      const started = performance.now()
      const result = await attemptOnce(config, url, init, total.signal)
      const answer = result.kind === 'answer' ? readAnswer(result, endpoint, config) : undefined
      if (config.onAttempt) {
        const report: GatewayAttemptReport = {
          endpoint,
          url,
          attempt,
          ...(fields['pay_type'] ? { payType: fields['pay_type'] } : {}),
          startedAt,
          durationMs: performance.now() - started,
          outcome: result.kind,
          ...(result.kind === 'answer' ? { status: result.status } : {}),
          ...(answer && !(answer instanceof Error) ? { respcd: answer.envelope.respcd } : {}),
          ...(result.kind === 'failed' ? { error: result.error } : {}),
        }
        try {
          config.onAttempt(report)
        } catch {
          // An observer's fault must never change what the call does.
        }
      }
      if (result.kind === 'timeout') {
        uncertain = true
        if (result.total || write || last) throw timedOut()
      } else if (result.kind === 'failed') {
        uncertain ||= result.sent
        if ((result.sent && write) || last) {
          const unknown = result.sent ? unknownOutcome : ''
          throw new QfpayConnectionError(
            `Failed to ${doing}: network error (${errorCodeOf(result.error) ?? 'fetch failed'}).${unknown}`,
            { timeout: false, mayHaveReachedGateway: uncertain, endpoint },
            { cause: result.error }
          )
        }
      } else if (answer !== undefined) {
        if (answer instanceof Error) {
          const retry = !last && (result.status === 429 || (!write && result.status >= 500))
          if (!retry) throw answer
        } else if (
          describeRespcd(answer.envelope.respcd).class !== 'retryable' ||
          isCancelUnsupported(endpoint, answer.envelope.respcd) ||
          last
        ) {
          return { ...answer, attempts: attempt }
        }
      }
      const delay = config.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1))
      await untilAborted(config.sleep(delay, total.signal), total.signal).catch(() => undefined)
      if (total.signal.aborted) throw timedOut()
    }
  } finally {
    clearTimeout(timer)
  }
}

/** One HTTP exchange under its own timeout, also ended by the call's total timeout. */
async function attemptOnce(
  config: GatewayConfig,
  url: string,
  init: RequestInit,
  totalSignal: AbortSignal
): Promise<Attempt> {
  const attempt = new AbortController()
  const stop = () => attempt.abort()
  totalSignal.addEventListener('abort', stop, { once: true })
  const timer = setTimeout(stop, config.attemptTimeoutMs)
  let sent = false
  try {
    if (totalSignal.aborted) return { kind: 'timeout', total: true }
    sent = true
    const response = await untilAborted(
      config.fetch(url, { ...init, signal: attempt.signal }),
      attempt.signal
    )
    const bytes = new Uint8Array(await untilAborted(response.arrayBuffer(), attempt.signal))
    return {
      kind: 'answer',
      status: response.status,
      bytes,
      signatureHeader: response.headers.get('X-QF-SIGN'),
      signTypeHeader: response.headers.get('X-QF-SIGNTYPE'),
    }
  } catch (error) {
    if (attempt.signal.aborted) return { kind: 'timeout', total: totalSignal.aborted }
    return { kind: 'failed', error, sent: sent && !isNotSent(error) }
  } finally {
    clearTimeout(timer)
    totalSignal.removeEventListener('abort', stop)
  }
}

/** An HTTP answer → a parsed envelope, or the error that describes why it is not one. */
function readAnswer(
  result: Extract<Attempt, { kind: 'answer' }>,
  endpoint: Endpoint,
  config: GatewayConfig
): Omit<GatewayAnswer, 'attempts'> | QfpayResponseError {
  const text = new TextDecoder().decode(result.bytes)
  if (result.status < 200 || result.status > 299)
    return notAnAnswer({ endpoint, status: result.status, text })
  const check =
    config.responseSignature === 'off'
      ? ({ state: 'unchecked' } as const)
      : checkResponseSignature(
          result.bytes,
          config.key,
          result.signatureHeader,
          result.signTypeHeader
        )
  const unknown = isWriteEndpoint(endpoint) ? ' The outcome is unknown: query by out_trade_no.' : ''
  if (config.responseSignature === 'require' && check.state !== 'verified') {
    const why =
      check.state === 'absent'
        ? 'carries no X-QF-SIGN (responseSignature is "require")'
        : `'s X-QF-SIGN does not match its body under any scheme tried (${check.state === 'mismatch' ? check.tried.join(', ') : ''}): wrong key, altered on the way, or another scheme`
    const cause = new QfpaySignatureError(`Failed to verify response: signature ${check.state}.`, {
      header: result.signatureHeader ?? '',
      body: text,
    })
    return new QfpayResponseError(
      `Failed to ${endpointAction(endpoint)}: the answer${why}.${unknown}`,
      { status: result.status, body: text, endpoint },
      { cause }
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return notAnAnswer({ endpoint, status: result.status, text })
  }
  const envelope = parseEnvelope(json)
  if (envelope === undefined) return notAnAnswer({ endpoint, status: result.status, text, json })
  if (check.state === 'mismatch')
    config.onSignatureMismatch({ endpoint, tried: check.tried, signType: check.signType })
  return {
    envelope,
    signature: check.state,
    ...(check.state === 'verified' ? { signatureScheme: check.scheme } : {}),
  }
}

/**
 * `errorFromResponse` for an answer known to hold no usable `respcd` (an HTTP error status is
 * judged by its status alone, whatever its body): it always yields a `QfpayResponseError`.
 */
function notAnAnswer(raw: RawGatewayAnswer): QfpayResponseError {
  return errorFromResponse(raw) as QfpayResponseError
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (for a fetch that ignores it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined) // a late rejection after we gave up is not unhandled
  if (signal.aborted) return Promise.reject(new Error('aborted'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}

function isNotSent(error: unknown): boolean {
  const code = errorCodeOf(error)
  return code !== undefined && NOT_SENT_CODES.has(code)
}

/** The first `code` found on an error, its `cause` chain, or an AggregateError's members. */
function errorCodeOf(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown }
  if (typeof code === 'string' && code !== '') return code
  const fromCause = errorCodeOf(cause, depth + 1)
  if (fromCause !== undefined) return fromCause
  return Array.isArray(errors)
    ? errors.map((e) => errorCodeOf(e, depth + 1)).find(Boolean)
    : undefined
}

/** The default `sleep`: a timer that ends early when the call's time budget runs out. */
export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
