/**
 * Identifiers the store hands out. Checkout ids are what the browser sees, so they must not be
 * guessable; `out_trade_no`s are what QFPay sees, so they follow its character rules.
 */
import { randomBytes } from 'node:crypto'

/** Bytes of randomness in a checkout id: 18 bytes = 144 bits (at least 128 so ids cannot be guessed). */
const ID_BYTES = 18

/** An unguessable checkout (or refund) id: 24 base64url characters, 144 random bits. */
export function newCheckoutId(): string {
  return randomBytes(ID_BYTES).toString('base64url')
}

/**
 * A fresh QFPay `out_trade_no`: a one-letter kind (`P` payment, `R` refund) and 32 hex digits.
 * Letters and digits only, 33 of QFPay's 128 allowed characters; 128 random
 * bits keep it unique across payments and refunds without a shared sequence.
 */
export function newOutTradeNo(kind: 'payment' | 'refund'): string {
  return (kind === 'payment' ? 'P' : 'R') + randomBytes(16).toString('hex')
}
