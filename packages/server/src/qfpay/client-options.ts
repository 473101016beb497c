/**
 * `createQfpayClient` options and their validation. Mistakes are reported at creation, once,
 * with a message that names the option and never repeats a credential's value.
 *
 * @see docs/qfpay-protocol.md#environments (QFPay's card-only sandbox host is not used)
 */
import { defaultSleep, type GatewayAttemptReport, type GatewayConfig } from './call-gateway.ts'
import { appcodeProblem, keyProblem } from './credentials.ts'
import {
  isQfpayEnvironment,
  regionBaseUrl,
  regionByName,
  regionNames,
  type QfpayEnvironment,
} from './regions.ts'
import type { ResponseSignatureMode } from './response-signature.ts'
import type { SignType } from './sign.ts'

/** What `createQfpayClient` takes. Give exactly one of `baseUrl` and `environment`. */
export interface QfpayClientOptions {
  /** The merchant's `app_code`, sent as `X-QF-APPCODE`. */
  appcode: string
  /** The `client_key`: signs requests, verifies responses and notifies. Never sent, logged or echoed. */
  key: string
  /** Sent on every call only when set; never send one you were not issued. */
  mchid?: string
  /** Any gateway base URL, e.g. the project's sandbox `http://127.0.0.1:8787`. */
  baseUrl?: string
  /** `live` or `test`: QFPay's host for `region` (see `QFPAY_REGIONS`). */
  environment?: QfpayEnvironment
  /**
   * With `environment`: the country or region whose host to use (regions.ts: `hk` default,
   * `cn`/`mainland`, `sg`, `th`, `jp`, `ae`/`dubai`, `id`, `eu`). Credentials are per country.
   */
  region?: string
  /** Request signature hash; `SHA256` adds `X-QF-SIGNTYPE: SHA256`. Default `MD5`. */
  signType?: SignType
  /** Time budget of one method call, retries and back-off included, ms. Default 30 000. */
  timeoutMs?: number
  /** Time budget of one HTTP attempt, ms; only `/query` retries after it. Default `timeoutMs`. */
  attemptTimeoutMs?: number
  /** Attempts per call for retryable failures, 1–3. Default 3. */
  maxAttempts?: number
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch
  /** The clock for default `txdtm` values. Default `Date.now`. */
  now?: () => Date | number
  /** Back-off wait; should end early when `signal` aborts. Default a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number
  /**
   * Response `X-QF-SIGN` checks (response-signature.ts): `verify` (default) checks every signed
   * answer under each documented scheme and, when none matches, logs once, loudly, and goes on;
   * `require` refuses an unsigned or mismatched answer; `off` does not check.
   */
  responseSignature?: ResponseSignatureMode
  /** Where the one loud line about a response signature mismatch goes. Default `console.error`. */
  logger?: { error(message: string, fields?: Record<string, unknown>): void }
  /**
   * Told about every HTTP attempt once it ended: endpoint, attempt number, duration, HTTP status
   * and `respcd` as the client read them (for telemetry, health, budgets). Never the body, the
   * signature or the key. Its exceptions are ignored.
   */
  onAttempt?: (report: GatewayAttemptReport) => void
}

/** Default time budget of a call, ms. QFPay documents none; swipe-card answers can take seconds. */
export const DEFAULT_TIMEOUT_MS = 30_000
/** Attempts at most, first one included (never more than 3 in all). */
export const MAX_ATTEMPTS = 3

/** Validated options: the transport config plus what the params builder needs. */
export interface ResolvedClientOptions {
  gateway: GatewayConfig
  mchid: string | undefined
  now: () => Date | number
}

/** Validates options; throws `TypeError`/`RangeError` ("Failed to create QFPay client: …"). */
export function resolveClientOptions(options: QfpayClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) fail('options are required')
  const { appcode, key, mchid } = options
  // The same rules as the checkout app's configuration (credentials.ts); never echoes the key.
  const appcodeIssue = appcodeProblem(appcode)
  if (appcodeIssue !== undefined) fail(`appcode ${appcodeIssue}`)
  const problem = keyProblem(key)
  if (problem !== undefined) fail(`key ${problem}`)
  if (mchid !== undefined && !isToken(mchid))
    fail('mchid, when given, must be a non-empty string without spaces')

  let baseUrl: string
  if (options.baseUrl !== undefined && options.environment !== undefined)
    fail('give baseUrl or environment, not both')
  if (options.environment !== undefined) {
    if (!isQfpayEnvironment(options.environment)) fail(`environment must be 'live' or 'test'`)
    const region = regionByName(options.region ?? 'hk')
    if (region === undefined) fail(`region must be one of ${regionNames()}`)
    const host = regionBaseUrl(region, options.environment)
    baseUrl = 'url' in host ? host.url : fail(host.error)
  } else if (options.baseUrl !== undefined) {
    if (options.region !== undefined) fail('give region with environment, not with baseUrl')
    baseUrl = httpUrl(options.baseUrl) ?? fail('baseUrl must be an absolute http(s) URL')
  } else {
    // No silent default: the named environments move real money.
    baseUrl = fail(`give baseUrl (e.g. the project's sandbox) or environment ('live' | 'test')`)
  }

  const signType = options.signType ?? 'MD5'
  if (signType !== 'MD5' && signType !== 'SHA256') fail(`signType must be 'MD5' or 'SHA256'`)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!isPositive(timeoutMs)) fail('timeoutMs must be a positive number', RangeError)
  const attemptTimeoutMs = options.attemptTimeoutMs ?? timeoutMs
  if (!isPositive(attemptTimeoutMs)) fail('attemptTimeoutMs must be a positive number', RangeError)
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
    fail(`maxAttempts must be an integer from 1 to ${MAX_ATTEMPTS}`, RangeError)
  }
  const fetchFn = options.fetch ?? globalThis.fetch
  if (typeof fetchFn !== 'function') fail('no fetch available: pass options.fetch')
  for (const name of ['now', 'sleep', 'random', 'onAttempt'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      fail(`${name} must be a function`)
  }
  const responseSignature = options.responseSignature ?? 'verify'
  if (!['verify', 'require', 'off'].includes(responseSignature))
    fail(`responseSignature must be 'verify', 'require' or 'off'`)
  const logger = options.logger ?? { error: (m, f) => console.error(m, f ?? '') }
  let warned = false
  return {
    gateway: {
      baseUrl,
      appcode,
      key,
      signType,
      timeoutMs,
      attemptTimeoutMs,
      maxAttempts,
      // Called unbound: some runtimes reject a fetch called with another `this`.
      fetch: (input, init) => fetchFn(input, init),
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
      responseSignature,
      onAttempt: options.onAttempt,
      // Once per client: a host that signs another way would otherwise log on every call.
      onSignatureMismatch: ({ endpoint, tried, signType }) => {
        if (warned) return
        warned = true
        logger.error(
          `QFPay response signature did not verify under any scheme tried (${tried.join(', ')}); the call goes on because responseSignature is 'verify'. Check QFPAY_KEY; once you know how this host signs, set responseSignature to 'require' (or 'off'). Reported once.`,
          { endpoint, tried: [...tried], signType: signType ?? 'absent' }
        )
      },
    },
    mchid,
    now: options.now ?? Date.now,
  }
}

function fail(reason: string, Kind: typeof TypeError = TypeError): never {
  throw new Kind(`Failed to create QFPay client: ${reason}.`)
}

/** Printable ASCII, no spaces: what a header-safe credential looks like. */
function isToken(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]+$/.test(value)
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
}

/** The URL without a trailing slash, or `undefined` when it is not absolute http(s). */
function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
    return url.href.replace(/\/+$/, '')
  } catch {
    return undefined
  }
}
