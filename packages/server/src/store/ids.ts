/**
 * Identifiers the store hands out. Checkout ids are what the browser sees, so they must not be
 * guessable. (The `out_trade_no`s QFPay sees come from `qfpay/out-trade-no.ts`.)
 */
import { randomBytes } from 'node:crypto'

/** Bytes of randomness in a checkout id: 18 bytes = 144 bits (at least 128 so ids cannot be guessed). */
const ID_BYTES = 18

/** An unguessable checkout (or refund) id: 24 base64url characters, 144 random bits. */
export function newCheckoutId(): string {
  return randomBytes(ID_BYTES).toString('base64url')
}
