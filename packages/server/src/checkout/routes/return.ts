/**
 * `GET {base}/return`: where Alipay sends the shopper's browser after paying (seed 000 §7:
 * `syssn`, `out_trade_no`, `txamt`, `respcd`… as GET parameters). The parameters are unsigned,
 * so they only say WHICH checkout (by our unguessable `out_trade_no`, never by the gateway's
 * sequential `syssn`): its state comes from `/query`, never from the URL.
 *
 * Then a 303 to the merchant's configured `returnPage` with `?checkout=<id>` (the widget resumes
 * from it). The target is never read from the request, so this is no open redirect. Without a
 * `returnPage`, a small script-free HTML page states the outcome. An unknown order is 404
 * `checkout_not_found` (the usual JSON error body).
 */
import type { Hono } from 'hono'
import type { CheckoutStatus } from '../../contract.ts'
import type { CheckoutEnv } from '../context.ts'
import { checkoutNotFound, servedHere } from '../validation.ts'
import { toWireCheckout } from '../wire.ts'
import type { CheckoutRecord } from '../../store/store.ts'
import { withinMs } from './refresh-gate.ts'
import type { ServiceDeps } from './service-deps.ts'

/** How long a `/return` visit waits for the gateway before answering what the store has, ms. */
const RETURN_WAIT_MS = 1500

/** What the fallback page says per status. */
const STATUS_TEXT: Record<CheckoutStatus, string> = {
  pending: 'We are still waiting for the payment to be confirmed. You can close this page.',
  paid: 'Payment received. Thank you! You can close this page.',
  partially_refunded: 'Payment received. You can close this page.',
  refunded: 'This payment was refunded.',
  failed: 'The payment did not go through.',
  expired: 'This payment link expired.',
  cancelled: 'This payment was cancelled.',
}

/** Registers `GET /return`. */
export function registerReturnRoute(app: Hono<CheckoutEnv>, deps: ServiceDeps): void {
  app.get('/return', async (c) => {
    // Only our own `out_trade_no` (120 random bits) finds the checkout. QFPay's `syssn` is a
    // date plus a sequence number: looking it up would let anyone enumerate syssns and collect
    // checkout ids (the redirect carries ?checkout=<id>) and trigger a /query per guess.
    const outTradeNo = c.req.query('out_trade_no')
    const found = outTradeNo ? await deps.store.getByOutTradeNo(outTradeNo) : undefined
    if (!found || !servedHere(found, deps.settings)) throw checkoutNotFound()
    const record = await refreshOnReturn(deps, found)
    c.header('Cache-Control', 'no-store')
    const target = deps.settings.returnPage
    if (target !== undefined) {
      // Resolved against publicUrl, never against the request (its Host header is the client's).
      const url = new URL(
        typeof target === 'function' ? target(toWireCheckout(record)) : target,
        deps.settings.publicUrl ? `${deps.settings.publicUrl}/` : undefined
      )
      url.searchParams.set('checkout', record.id)
      return c.redirect(url.toString(), 303)
    }
    return c.html(page(STATUS_TEXT[record.status]), record.status === 'pending' ? 202 : 200)
  })
}

/**
 * The gateway query a `/return` visit may trigger. Anyone can replay a return URL, so it goes
 * through the same per-checkout single-flight throttle as the status poll (`deps.refresh`,
 * shopper priority of the gateway budget): 450 visits in a few seconds cost at most one
 * `/query` per checkout per window. The visit waits for it at most `RETURN_WAIT_MS`.
 */
async function refreshOnReturn(deps: ServiceDeps, found: CheckoutRecord): Promise<CheckoutRecord> {
  if (found.status === 'pending') await withinMs(deps.refresh(found.id), RETURN_WAIT_MS)
  return (await deps.store.get(found.id)) ?? found
}

function page(text: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Payment</title><p role="status">${escapeHtml(text)}</p></html>`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
