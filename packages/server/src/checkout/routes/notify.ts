/**
 * `POST {base}/notify`: QFPay's asynchronous notify (docs/qfpay-protocol.md#notify-verification). The body is read as raw
 * bytes (never parsed and re-serialised: the signature covers the exact bytes), handed to
 * `NotifyHandler`, and answered `SUCCESS` (200, text/plain) only after the durable commit.
 * Anything else is plain text with a 4xx/5xx status, so QFPay retries. Exempt from the
 * browser guards (security.ts), so the gateway's servers are never refused for lacking an Origin.
 */
import type { Hono } from 'hono'
import { createClientWindow } from '../http/client-window.ts'
import type { CheckoutEnv } from '../app/context.ts'
import { rateLimitKey } from '../http/limit-creations.ts'
import type { ServiceDeps } from './service-deps.ts'

/** Registers `POST /notify`. */
export function registerNotifyRoute(app: Hono<CheckoutEnv>, deps: ServiceDeps): void {
  const refused = createClientWindow({ windowMs: 60_000, clock: deps.clock })
  app.post('/notify', async (c) => {
    const client = rateLimitKey(deps.settings.clientIp(c))
    // QFPay's own servers sign every notify, so they never come near this; a forger is slowed.
    const limit = deps.settings.rejectedNotifiesPerMinute
    if (limit !== false && refused.add(client) >= limit) {
      c.header('Retry-After', '60')
      return c.text('RATE LIMITED', 429)
    }
    // An aborted body is answered by `abortedBodyIsClientError` (security.ts).
    const raw = new Uint8Array(await c.req.arrayBuffer())
    const answer = await deps.notifies.handle(raw, c.req.header('X-QF-SIGN'))
    if (!answer.ack && answer.status === 400) refused.add(client, 1)
    if (answer.ack) return c.text('SUCCESS', 200)
    return c.text(answer.status === 400 ? 'REJECTED' : 'RETRY', answer.status)
  })
}
