/**
 * The merchant order number QFPay sees (`out_trade_no`), and the form this project gives it.
 *
 * QFPay's rule: at most 128 characters, unique per merchant across payments *and* refunds;
 * letters and digits are always safe (no Chinese or full-width characters). Our numbers are a
 * kind letter and 30 random hex digits: 31 characters, letters and digits only, so they also fit
 * the 32-character limit some wallets put on the merchant number QFPay passes on, and 120
 * random bits keep them unique without a shared sequence. Lookups treat a stored number as an
 * opaque string, so rows written with an older form (`P` + 32 hex digits) are still found.
 *
 * @see docs/qfpay-protocol.md#field-limits
 */

/** What QFPay accepts as an `out_trade_no`: 1–128 printable ASCII characters, no spaces. */
export const OUT_TRADE_NO_PATTERN = /^[\x21-\x7e]{1,128}$/

/** Random hex digits in one of our numbers (120 bits). */
const RANDOM_DIGITS = 30

/**
 * A fresh `out_trade_no`: `P` (payment) or `R` (refund) and 30 random lower-case hex digits.
 * Uses WebCrypto, so it runs on any fetch runtime.
 *
 * @example
 * newOutTradeNo('payment') // 'P3f9c…' (31 characters)
 */
export function newOutTradeNo(kind: 'payment' | 'refund'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(RANDOM_DIGITS / 2))
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return (kind === 'payment' ? 'P' : 'R') + hex
}
