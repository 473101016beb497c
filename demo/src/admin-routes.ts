/**
 * The merchant console's routes (`/api/admin/…`), staff only. They call the checkout app's
 * merchant API, which is server-side only by design: refunds and cancels never come straight
 * from a shopper's browser.
 *
 * | route | does |
 * |---|---|
 * | `GET /session`, `POST /session {token}`, `DELETE /session` | check / sign in (sets the cookie) / sign out |
 * | `GET /checkouts` | `{ checkouts }`, newest first |
 * | `POST /checkouts/:id/refund {amount?}` | refund `amount` minor units, or all that is left |
 * | `POST /checkouts/:id/cancel` | cancel a pending checkout |
 * | `GET /hooks` | how often `onPaid` ran: `{ onPaidRuns, paidCheckouts, byCheckout }` |
 * | `GET /health` | the shop mount's health report (`checkout.health()`) |
 * | `GET /reconciliation` | `{ report }`: the last daily reconciliation with its table, or `null` |
 * | `POST /reconciliation {date?}` | `{ report }`: reconcile a UTC+8 day now (default: today there) |
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { isCheckoutError } from '@qfpay-checkout/server'
import type { StaffAuth } from './admin-auth.ts'
import type { HookLog } from './hook-log.ts'
import type { DemoMerchant } from './merchant-api.ts'

/** What the admin routes need. */
export interface AdminRoutesOptions {
  auth: StaffAuth
  merchant: DemoMerchant
  hooks: HookLog
  /** Origins the page is served from; a cookie-authenticated write must come from one. */
  allowedOrigins: readonly string[]
}

/** The largest sign-in body, in bytes. */
const SIGN_IN_MAX_BYTES = 1024

/** Builds the sub-app; mount it at `/api/admin`. */
export function createAdminRoutes(options: AdminRoutesOptions): Hono {
  const app = new Hono()
  const { auth, merchant } = options
  // Staff answers (checkouts, amounts) must not sit in a browser or proxy cache.
  app.use('*', async (c, next) => {
    await next()
    c.res.headers.set('Cache-Control', 'no-store')
  })

  app.onError((error, c) => {
    // The checkout app's errors render themselves: the documented JSON body and status.
    if (isCheckoutError(error)) return error.getResponse()
    console.error('[demo] admin route failed:', error instanceof Error ? error.message : error)
    return c.json(
      {
        error: { code: 'internal_error', message: 'Failed to handle the request: internal error.' },
      },
      500
    )
  })

  // A sign-in body is a 32-character token: anything much bigger is refused before it is read.
  const signInLimit = bodyLimit({
    maxSize: SIGN_IN_MAX_BYTES,
    onError: (c) =>
      c.json(
        {
          error: {
            code: 'payload_too_large',
            message: `Failed to sign in: the body is larger than ${SIGN_IN_MAX_BYTES} bytes.`,
          },
        },
        413
      ),
  })
  app.post('/session', signInLimit, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { token?: unknown }
    if (!sameOrigin(c, options.allowedOrigins))
      return forbidden(c, 'Failed to sign in: the request came from another site.')
    if (typeof body.token !== 'string' || !auth.signIn(c, body.token.trim()))
      return forbidden(c, 'Failed to sign in: that is not the admin token.')
    return c.body(null, 204)
  })

  app.use('*', requireStaff(options))

  app.get('/session', (c) => c.body(null, 204))
  app.delete('/session', (c) => {
    auth.signOut(c)
    return c.body(null, 204)
  })

  app.get('/checkouts', async (c) => c.json({ checkouts: await merchant.list() }))

  app.post('/checkouts/:id/refund', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { amount?: unknown }
    const amount = body.amount
    if (amount !== undefined && (!Number.isSafeInteger(amount) || (amount as number) <= 0)) {
      return c.json(
        {
          error: {
            code: 'invalid_request',
            message: 'Failed to refund: amount must be a positive integer in minor units.',
            field: 'amount',
          },
        },
        400
      )
    }
    return c.json(
      await merchant.refund(
        c.req.param('id'),
        amount === undefined ? {} : { amount: amount as number }
      )
    )
  })

  app.post('/checkouts/:id/cancel', async (c) => c.json(await merchant.cancel(c.req.param('id'))))

  app.get('/hooks', (c) => c.json(options.hooks.stats()))

  app.get('/health', async (c) => c.json(await merchant.health()))
  app.get('/reconciliation', (c) => c.json({ report: merchant.lastReconciliation() }))
  app.post('/reconciliation', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { date?: unknown }
    // QFPay counts days in UTC+8: "today" is today there.
    const date = body.date ?? new Date(Date.now() + 8 * 60 * 60_000).toISOString().slice(0, 10)
    if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      return c.json(
        {
          error: {
            code: 'invalid_request',
            message: 'Failed to reconcile: date must be YYYY-MM-DD.',
            field: 'date',
          },
        },
        400
      )
    }
    try {
      return c.json({ report: await merchant.reconcileDay(date) })
    } catch (error) {
      if (!(error instanceof RangeError)) throw error
      return c.json(
        { error: { code: 'invalid_request', message: error.message, field: 'date' } },
        400
      )
    }
  })

  return app
}

/** Every route after sign-in: staff only; cookie-authenticated writes must be same-site JSON. */
function requireStaff(options: AdminRoutesOptions): MiddlewareHandler {
  return async function requireStaffToken(c, next) {
    const how = options.auth.credential(c)
    if (!how)
      return c.json(
        {
          error: {
            code: 'forbidden',
            message: 'Failed to authorise: sign in with the admin token the demo printed at start.',
          },
        },
        403
      )
    if (how === 'cookie' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      // A cross-site form cannot send application/json without a preflight we never grant, and
      // SameSite=Strict keeps the cookie off cross-site requests anyway: two locks, one door.
      const json = c.req.header('content-type')?.startsWith('application/json') ?? false
      if ((!json && c.req.method !== 'DELETE') || !sameOrigin(c, options.allowedOrigins)) {
        return forbidden(
          c,
          'Failed to authorise: staff writes must be JSON requests from the demo page.'
        )
      }
    }
    await next()
  }
}

/** No Origin (same-origin GET, curl) is fine; a present one must be the page's. */
function sameOrigin(c: Context, allowed: readonly string[]): boolean {
  const origin = c.req.header('origin')
  return origin === undefined || allowed.includes(origin)
}

function forbidden(c: Context, message: string) {
  return c.json({ error: { code: 'forbidden', message } }, 403)
}
