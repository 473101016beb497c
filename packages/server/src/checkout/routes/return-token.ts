/**
 * How `/return` finds the shopper's checkout. QFPay does not document what it (or the wallet)
 * appends to a `return_url`: QFPay's 2017 document lists our `out_trade_no`, while today's Alipay flow hands
 * the URL to Alipay, whose own `out_trade_no` is QFPay's `syssn`. So the checkout is found from
 * our own token, placed in the URL's path when the payment is created: the order's
 * `out_trade_no` (120 random bits, so unguessable). A `?out_trade_no=` of ours still works (a
 * return URL configured at QFPay, as the seed describes); the gateway's sequential `syssn` is
 * never looked up, so nobody can enumerate checkouts with it.
 */
import type { Context } from 'hono'
import type { CheckoutRecord } from '../../store/store.ts'
import type { CheckoutEnv } from '../app/context.ts'
import { servedHere } from '../http/validation.ts'
import type { ServiceDeps } from './service-deps.ts'

/** What may be an out_trade_no of ours (the token `returnUrlFor` in money/create-payment.ts puts in the path); anything else is not looked up. */
const TOKEN_PATTERN = /^[0-9A-Za-z_-]{8,64}$/

/**
 * The checkout a `/return` request names, or `undefined` when it names none of ours (the
 * caller then answers without a checkout id, never with a 404 to a shopper who may have paid).
 */
export async function checkoutForReturn(
  c: Context<CheckoutEnv>,
  deps: Pick<ServiceDeps, 'store' | 'settings'>
): Promise<CheckoutRecord | undefined> {
  const candidates = [c.req.param('token'), c.req.query('out_trade_no')]
  for (const token of candidates) {
    if (!token || !TOKEN_PATTERN.test(token)) continue
    const found = await deps.store.getByOutTradeNo(token)
    if (found && servedHere(found, deps.settings)) return found
  }
  return undefined
}
