/**
 * QFPay's documented limits: 100 requests per second and 400 per minute per merchant, HTTP 429
 * beyond (docs/qfpay-protocol.md#rate-limits). Sliding windows on the sandbox
 * clock. Only consulted while the `rateLimit` knob is on (off by default).
 */

/** Requests per second per merchant (QFPay). */
export const RATE_PER_SECOND = 100
/** Requests per minute per merchant (QFPay). */
export const RATE_PER_MINUTE = 400

/** Counts requests per appcode. */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>()

  /** Records a request at `now` and says whether it is within the limits. */
  allow(appcode: string, now: number): boolean {
    const recent = (this.#hits.get(appcode) ?? []).filter((at) => at > now - 60_000)
    const lastSecond = recent.filter((at) => at > now - 1_000).length
    const allowed = lastSecond < RATE_PER_SECOND && recent.length < RATE_PER_MINUTE
    // Refused requests count too: a client hammering through a 429 stays limited.
    recent.push(now)
    this.#hits.set(appcode, recent)
    return allowed
  }
}
