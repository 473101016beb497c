/**
 * Fault and behaviour knobs for tests: set per sandbox (options,
 * `sandbox.setKnobs()`, `PUT /__sandbox/knobs`) and per order (by `out_trade_no`, set before or
 * after the order exists). Everything is off by default, so the sandbox behaves like a healthy
 * gateway unless a test asks otherwise.
 */

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
})

const RATES = [
  'serverErrorRate',
  'htmlErrorRate',
  'malformedJsonRate',
  'notifyDropRate',
  'notifyDuplicateRate',
] as const
const COUNTS = ['latencyMs', 'notifyDelayMs', 'pendingQueries'] as const
const FLAGS = ['notifyReorder', 'neverExpire', 'rateLimit'] as const

/** Thrown for a knob value out of range; the control API turns it into a 400. */
export class KnobError extends Error {
  override name = 'KnobError'
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
