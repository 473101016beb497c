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
/** After a gateway fault the whole batch waits this long, ms, doubled per attempt up to the cap. */
const FAULT_DELAY_MS = 10_000
const FAULT_DELAY_CAP_MS = 2 * 60_000
/**
 * Past its expiry a checkout still pending (its close was refused or not confirmed) is queried
 * after as long again as it has been overdue, from 1 minute up to 20: a few calls per hour,
 * never a flood, while an order that expires upstream is still seen soon after it does.
 */
const OVERDUE_MIN_DELAY_MS = 60_000
const OVERDUE_MAX_DELAY_MS = 20 * 60_000

/** The check after a gateway fault (or a refused call) on the `attempts`-th try: exponential. */
export function faultCheckAt(now: Date, attempts: number): string {
  const delay = Math.min(FAULT_DELAY_CAP_MS, FAULT_DELAY_MS * 2 ** Math.max(0, attempts - 1))
  return new Date(now.getTime() + delay).toISOString()
}

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
  if (at < end) return new Date(Math.min(at + delay, end)).toISOString()
  const overdue = Math.min(OVERDUE_MAX_DELAY_MS, Math.max(OVERDUE_MIN_DELAY_MS, at - end))
  return new Date(at + overdue).toISOString()
}
