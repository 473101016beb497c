/**
 * When the reconciler looks at a pending checkout again. QFPay only notifies successes
 * (docs/qfpay-protocol.md#notify-verification), so every pending checkout is queried until it ends: soon after creation
 * (a shopper who pays at once is confirmed even when the notify is lost), then less and less
 * often, never later than its expiry.
 */

/** Delays after each reconciler query of a QR / redirect checkout, in ms. The first is 4 s (3–5 s after creation). */
const ONLINE_DELAYS_MS = [4_000, 5_000, 10_000, 15_000, 30_000, 60_000] as const
/** Swipe-card payments are confirmed while the cashier waits: every few seconds. */
const SWIPE_DELAYS_MS = [2_000, 2_000, 3_000, 5_000] as const
/** After a gateway fault the whole batch waits this long, ms. */
export const FAULT_DELAY_MS = 10_000

/** The first check after creation. */
export function firstCheckAt(createdAt: Date, swipe: boolean): string {
  return new Date(
    createdAt.getTime() + (swipe ? SWIPE_DELAYS_MS[0] : ONLINE_DELAYS_MS[0])
  ).toISOString()
}

/** The check after `attempts` queries, capped at `expiresAt + graceMs` (when the reconciler closes it). */
export function nextCheckAt(
  now: Date,
  attempts: number,
  swipe: boolean,
  expiresAt: string,
  graceMs: number
): string {
  const delays = swipe ? SWIPE_DELAYS_MS : ONLINE_DELAYS_MS
  const delay = delays[Math.min(attempts, delays.length - 1)] as number
  const end = Date.parse(expiresAt) + graceMs
  const at = now.getTime()
  // Past the end (closing it failed), keep the normal pace rather than spinning.
  return new Date(at < end ? Math.min(at + delay, end) : at + delay).toISOString()
}
