/**
 * `GET {base}/return/:token` (and `GET {base}/return`): where the wallet sends the shopper's
 * browser after paying. The URL is unsigned, so it only says WHICH checkout, by our own token
 * (return-token.ts), never by the gateway's sequential `syssn`: its state comes from `/query`,
 * never from the URL.
 *
 * Then a 303 to the merchant's configured `returnPage` with `?checkout=<id>` (the widget resumes
 * from it). The target is never read from the request, so this is no open redirect. Without a
 * `returnPage`, a small script-free HTML page states the outcome. A request that names none of
 * our checkouts is never a 404 (it may be a shopper who just paid, sent back with parameters we
 * cannot read): a fixed `returnPage` gets the shopper without a checkout id, otherwise a page
 * says the payment, if made, is being confirmed. Neither reveals anything about any checkout.
 */
import type { Context, Hono } from 'hono'
import type { CheckoutStatus } from '../../contract.ts'
import type { CheckoutEnv } from '../context.ts'
import { toWireCheckout } from '../../model/wire.ts'
import type { CheckoutRecord } from '../../store/store.ts'
import { settledWithin } from '../settled-within.ts'
import { checkoutForReturn } from './return-token.ts'
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

/** What a shopper whose checkout we cannot tell is shown. */
const UNKNOWN_TEXT =
  'If you completed the payment, it is being confirmed: the shop will show it shortly. You can close this page.'

/** Registers `GET /return/:token` and `GET /return`. */
export function registerReturnRoute(app: Hono<CheckoutEnv>, deps: ServiceDeps): void {
  const handler = async (c: Context<CheckoutEnv>) => {
    const found = await checkoutForReturn(c, deps)
    if (!found) {
      c.header('Cache-Control', 'no-store')
      const target = deps.settings.returnPage
      if (typeof target === 'string')
        return c.redirect(new URL(target, baseOf(deps)).toString(), 303)
      return c.html(page(UNKNOWN_TEXT), 200)
    }
    const record = await refreshOnReturn(deps, found)
    c.header('Cache-Control', 'no-store')
    const target = deps.settings.returnPage
    if (target !== undefined) {
      const url = new URL(
        typeof target === 'function' ? target(toWireCheckout(record)) : target,
        baseOf(deps)
      )
      url.searchParams.set('checkout', record.id)
      return c.redirect(url.toString(), 303)
    }
    return c.html(page(STATUS_TEXT[record.status]), record.status === 'pending' ? 202 : 200)
  }
  app.get('/return/:token', handler)
  app.get('/return', handler)
}

/**
 * What a relative `returnPage` is resolved against: `publicUrl`, never the request (its Host
 * header is the client's to choose). Start-up refuses a relative `returnPage` without it.
 */
function baseOf(deps: ServiceDeps): string | undefined {
  return deps.settings.publicUrl ? `${deps.settings.publicUrl}/` : undefined
}

/**
 * The gateway query a `/return` visit may trigger. Anyone can replay a return URL, so it goes
 * through the same per-checkout single-flight throttle as the status poll (`deps.refresh`,
 * shopper priority of the gateway budget): 450 visits in a few seconds cost at most one
 * `/query` per checkout per window. The visit waits for it at most `RETURN_WAIT_MS`.
 */
async function refreshOnReturn(deps: ServiceDeps, found: CheckoutRecord): Promise<CheckoutRecord> {
  if (found.status === 'pending') await settledWithin(deps.refresh(found.id), RETURN_WAIT_MS)
  return (await deps.store.get(found.id)) ?? found
}

function page(text: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Payment</title><p role="status">${escapeHtml(text)}</p></html>`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
