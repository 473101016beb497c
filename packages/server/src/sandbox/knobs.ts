/**
 * Fault and behaviour knobs for tests: set per sandbox (options,
 * `sandbox.setKnobs()`, `PUT /__sandbox/knobs`) and per order (by `out_trade_no`, set before or
 * after the order exists). Everything is off by default, so the sandbox behaves like a healthy
 * gateway unless a test asks otherwise.
 */
import { SandboxError } from './sandbox-error.ts'
import { RESPONSE_SIGN_SCHEMES, type ResponseSignScheme } from '../qfpay/response-signature.ts'

/** Every knob, with its unit. */
export interface SandboxKnobs {
  /** Extra delay before each `/trade/v1` answer, in clock milliseconds (not time-scaled). */
  latencyMs: number
  /** Share (0–1) of `/trade/v1` calls answered HTTP 503 with a QFPay-shaped body, not processed. */
  serverErrorRate: number
  /** Share (0–1) answered by an HTML 502 page, as a proxy in front of the gateway would; not processed. */
  htmlErrorRate: number
  /** Share (0–1) of calls that are processed but answered with truncated (malformed) JSON. */
  malformedJsonRate: number
  /** Share (0–1) of notifies never sent at all. */
  notifyDropRate: number
  /** Share (0–1) of notifies sent twice. */
  notifyDuplicateRate: number
  /** Delay before the first attempt of each notify, in clock milliseconds. */
  notifyDelayMs: number
  /** Hold notifies back and deliver them newest first once a second one joins or on `drain()`. */
  notifyReorder: boolean
  /** Swipe-card payments answer `1143` and stay pending for this many `/query` calls, then pay. */
  pendingQueries: number
  /**
   * Pre-orders stay open past their `expired_time`: the gateway never closes or expires them on
   * its own, so only a `/close` (or a payment) ends them. Lets a test see what the checkout does
   * with its own clock when the gateway's timer is late or gone.
   */
  neverExpire: boolean
  /** HTTP 429 above QFPay's documented limits: 100 requests/s and 400/min per merchant. */
  rateLimit: boolean
  /**
   * Today's `/query`: without `start_time`/`end_time` only the current calendar month (UTC+8)
   * is searched by `sysdtm`, a range may not exceed a month, and time filters are ignored when
   * `syssn` is given. Off: every order is found whatever its month (the seeds' reading).
   */
  queryMonthWindow: boolean
  /**
   * How `/close` and `/reversal` refuse, whatever the order: a 4-digit `respcd` (`1297`: the
   * pay type does not support cancel; `1104`: parameter error), `no_syssn` (`0000` with only
   * `orig_syssn`, which also means "not supported"), or `''` (off: the order's rules decide).
   */
  closeRefusal: string
  /**
   * How `/trade/v1` answers are signed: `md5-body` (default; MD5 over the raw body + key),
   * `sha256-body`, `md5-fields` / `sha256-fields` (sorted fields + key, the 2026 docs), or
   * `none` (unsigned). SHA-256 answers carry `X-QF-SIGNTYPE: SHA256`.
   */
  responseSignature: ResponseSignScheme | 'none'
  /**
   * What the browser redirect after an Alipay web payment appends to the return URL: `seed`
   * (default; the 2017 document's `syssn`, `out_trade_no`, `txamt`, `respcd`…) or `wallet` (only an
   * `out_trade_no` that is QFPay's `syssn`, as Alipay's own redirect would carry: what QFPay
   * appends today is undocumented).
   */
  returnParams: 'seed' | 'wallet'
  /**
   * Which endpoint cancels which order: `seed` (default; the 2017 document: close online, reverse
   * swipe-card) or `current` (sdk.qfapi.com 2026-02: reversal for 800101, 801501, 800201 and
   * 800108, close for 800008, 800208 and 801008; 1297 for the HK online types 801512 and 801514,
   * which the 2025-08 page says cannot be cancelled; `txdtm` must be the original one).
   */
  cancelRules: 'seed' | 'current'
  /**
   * Today's `/payment` rules per pay type: HKD-only types refuse another currency, 800212
   * refuses a request without `extend_info.scene_info` and `spbill_create_ip`, `expired_time`
   * is refused where the docs do not allow it.
   */
  payTypeRules: boolean
}

/** The two ways the sandbox can play the gateway: the seed documents, or today's QFPay. */
export type SandboxProfile = 'seed' | 'current'

/**
 * The knobs each profile sets (anything given explicitly wins). `current` plays today's gateway
 * as its public docs describe it (docs/qfpay-protocol.md, "Today's gateway").
 */
export const PROFILE_KNOBS: Readonly<Record<SandboxProfile, Partial<SandboxKnobs>>> = {
  seed: {},
  current: {
    queryMonthWindow: true,
    cancelRules: 'current',
    responseSignature: 'md5-fields',
    returnParams: 'wallet',
    payTypeRules: true,
  },
}

/** Reads a profile name; throws a clear error for anything else. */
export function parseProfile(value: unknown): SandboxProfile {
  if (value === undefined || value === 'seed' || value === 'current')
    return (value ?? 'seed') as SandboxProfile
  throw new KnobError(
    `Failed to pick a sandbox profile: use "seed" or "current", not "${String(value)}".`
  )
}

/** The defaults: a healthy gateway, rate limit off. */
export const DEFAULT_KNOBS: Readonly<SandboxKnobs> = Object.freeze({
  latencyMs: 0,
  serverErrorRate: 0,
  htmlErrorRate: 0,
  malformedJsonRate: 0,
  notifyDropRate: 0,
  notifyDuplicateRate: 0,
  notifyDelayMs: 0,
  notifyReorder: false,
  pendingQueries: 0,
  neverExpire: false,
  rateLimit: false,
  queryMonthWindow: false,
  closeRefusal: '',
  responseSignature: 'md5-body',
  returnParams: 'seed',
  cancelRules: 'seed',
  payTypeRules: false,
})

const RATES = [
  'serverErrorRate',
  'htmlErrorRate',
  'malformedJsonRate',
  'notifyDropRate',
  'notifyDuplicateRate',
] as const
const COUNTS = ['latencyMs', 'notifyDelayMs', 'pendingQueries'] as const
const FLAGS = [
  'notifyReorder',
  'neverExpire',
  'rateLimit',
  'queryMonthWindow',
  'payTypeRules',
] as const

const SIGN_SCHEMES = [...RESPONSE_SIGN_SCHEMES, 'none'] as const

/** Thrown for a knob value out of range; the control API turns it into a 400. */
export class KnobError extends SandboxError {
  constructor(message: string) {
    super('invalid_knobs', message)
    this.name = 'KnobError'
  }
}

/**
 * Checks a partial knob set from an untrusted source (JSON) and returns it typed. Unknown names
 * are refused, so a typo in a test does not silently leave a fault switched off.
 */
export function parseKnobs(input: unknown): Partial<SandboxKnobs> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new KnobError('Failed to set knobs: expected a JSON object.')
  }
  const out: Partial<SandboxKnobs> = {}
  for (const [name, value] of Object.entries(input)) {
    if ((RATES as readonly string[]).includes(name)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1))
        throw new KnobError(`Failed to set knobs: ${name} must be a number from 0 to 1.`)
      out[name as (typeof RATES)[number]] = value
    } else if ((COUNTS as readonly string[]).includes(name)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
        throw new KnobError(`Failed to set knobs: ${name} must be a non-negative integer.`)
      out[name as (typeof COUNTS)[number]] = value
    } else if (name === 'responseSignature') {
      if (typeof value !== 'string' || !(SIGN_SCHEMES as readonly string[]).includes(value))
        throw new KnobError(
          `Failed to set knobs: responseSignature must be one of ${SIGN_SCHEMES.join(', ')}.`
        )
      out.responseSignature = value as SandboxKnobs['responseSignature']
    } else if (name === 'returnParams') {
      if (value !== 'seed' && value !== 'wallet')
        throw new KnobError('Failed to set knobs: returnParams must be "seed" or "wallet".')
      out.returnParams = value
    } else if (name === 'cancelRules') {
      if (value !== 'seed' && value !== 'current')
        throw new KnobError('Failed to set knobs: cancelRules must be "seed" or "current".')
      out.cancelRules = value
    } else if (name === 'closeRefusal') {
      if (typeof value !== 'string' || !/^(?:\d{4}|no_syssn|)$/.test(value))
        throw new KnobError(
          `Failed to set knobs: closeRefusal must be a 4-digit respcd, "no_syssn" or "".`
        )
      out.closeRefusal = value
    } else if ((FLAGS as readonly string[]).includes(name)) {
      if (typeof value !== 'boolean')
        throw new KnobError(`Failed to set knobs: ${name} must be true or false.`)
      out[name as (typeof FLAGS)[number]] = value
    } else {
      throw new KnobError(`Failed to set knobs: unknown knob "${name}".`)
    }
  }
  return out
}

/** Draws against a rate without consuming randomness when the rate is 0 or 1. */
export function chance(rate: number, random: () => number): boolean {
  if (rate <= 0) return false
  if (rate >= 1) return true
  return random() < rate
}
