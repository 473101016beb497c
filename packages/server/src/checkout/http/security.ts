/**
 * The browser-facing guards of the checkout app: CORS, the Origin (CSRF) check, secure headers,
 * body size, cashier authorization. The creation rate limit lives in `limit-creations.ts`.
 * `registerSecurity` installs all of them on the right paths; `/notify` and `/return` are
 * called by QFPay's servers and by a top-level navigation from the wallet, so they get no
 * Origin/CSRF/CORS check, no rate limit and no cashier check.
 */
import type { Context, Hono, MiddlewareHandler, Next } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { csrf } from 'hono/csrf'
import { secureHeaders } from 'hono/secure-headers'
import type { CheckoutDeps, CheckoutEnv, CheckoutSettings } from '../app/context.ts'
import { CheckoutError } from '../app/errors.ts'
import { limitCreations } from './limit-creations.ts'
import { requireJson } from './validation.ts'

/**
 * The floor of `/notify`'s body limit, in bytes: a QFPay notify is a few hundred bytes of JSON,
 * but a merchant who sets a tiny `http.maxBodyBytes` for browsers must not start
 * refusing the gateway.
 */
const NOTIFY_MIN_BODY_BYTES = 64 * 1024

/** How long a browser may cache a CORS preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600

/** The browser routes, as Hono path patterns relative to the mount (`/checkouts/*` also matches `/checkouts`). */
export const BROWSER_PATHS = ['/config', '/checkouts/*'] as const

/** The origins that count as "this site": the request's own, `publicUrl`'s, and the allowed list. */
function originPolicy(settings: CheckoutSettings): (origin: string, c: Context) => boolean {
  const trusted = new Set(settings.allowedOrigins.map((origin) => origin.replace(/\/+$/, '')))
  if (settings.publicUrl) trusted.add(new URL(settings.publicUrl).origin)
  // 'null' is what sandboxed iframes and file:// pages send: never trusted, even if listed.
  trusted.delete('null')
  return (origin, c) =>
    origin !== 'null' && (trusted.has(origin) || origin === new URL(c.req.url).origin)
}

/**
 * CORS for the browser routes (Hono's `cors`): only `allowedOrigins` get
 * `Access-Control-Allow-Origin`, with credentials (a cashier's staff session may be a cookie).
 * `Retry-After` is exposed so the widget can honour a 429. Answers preflights itself, so it must
 * run before anything that could refuse an `OPTIONS` request.
 */
export function allowOrigins(settings: CheckoutSettings): MiddlewareHandler<CheckoutEnv> {
  const allowed = new Set(settings.allowedOrigins.map((origin) => origin.replace(/\/+$/, '')))
  allowed.delete('null')
  const options = {
    origin: (origin: string) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Last-Event-ID'],
    exposeHeaders: ['Retry-After'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  }
  // Hono's cors sends Allow-Credentials to every origin when asked to; only an allowed origin
  // may have it, so the handler with credentials runs for allowed origins only.
  const withCredentials = cors({ ...options, credentials: true })
  const without = cors(options)
  return async function allowOrigins(c, next) {
    const origin = c.req.header('origin')
    return (origin !== undefined && allowed.has(origin) ? withCredentials : without)(c, next)
  }
}

/**
 * The CSRF guard of the state-changing browser routes: a POST passes when the browser says it
 * is same-origin (`Sec-Fetch-Site`, which page script cannot forge; it also survives a TLS proxy
 * that makes the request URL's origin differ from the page's), or its `Origin` is this site's,
 * `publicUrl`'s or an allowed one. Anything else is 403 `origin_not_allowed`. A POST with neither
 * header is not from a modern browser and passes if it declares a JSON body; Hono's `csrf` runs
 * behind with the same policy and refuses form, text or untyped posts without an Origin (the shape
 * of a legacy-browser cross-site form, which could otherwise reach the empty-body cancel). Safe
 * methods pass; every request gets the `clientIp` variable.
 */
export function checkOrigin(settings: CheckoutSettings): MiddlewareHandler<CheckoutEnv> {
  const isTrusted = originPolicy(settings)
  const formGuard = csrf({ origin: isTrusted })
  return async function checkOrigin(c: Context<CheckoutEnv>, next: Next) {
    c.set('clientIp', settings.clientIp(c))
    if (/^(GET|HEAD|OPTIONS)$/.test(c.req.method)) return next()
    const fetchSite = c.req.header('sec-fetch-site')
    const origin = c.req.header('origin')
    const sameOrigin = fetchSite === 'same-origin'
    const refused =
      origin !== undefined
        ? !sameOrigin && !isTrusted(origin, c)
        : fetchSite === 'cross-site' || fetchSite === 'same-site'
    if (refused) {
      throw new CheckoutError(
        'origin_not_allowed',
        403,
        "Failed to accept the request: its origin is not allowed. Add the page's origin to allowedOrigins."
      )
    }
    return formGuard(c, next)
  }
}

/**
 * Hono's `secureHeaders` for API answers: nothing may load or frame them. HSTS is left to the
 * host app, because a mounted sub-app must not decide the transport policy of every subdomain.
 */
export function setSecureHeaders(): MiddlewareHandler<CheckoutEnv> {
  const handler = secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: 'DENY',
    strictTransportSecurity: false,
  })
  return async function setSecureHeaders(c, next) {
    return handler(c, next)
  }
}

/** Hono's `bodyLimit` at `maxBytes` (default `settings.maxBodyBytes`): 413 `payload_too_large`. */
export function limitBody(
  settings: CheckoutSettings,
  maxBytes = settings.maxBodyBytes
): MiddlewareHandler<CheckoutEnv> {
  const handler = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new CheckoutError(
        'payload_too_large',
        413,
        `Failed to read the request: the body is larger than ${maxBytes} bytes.`
      )
    },
  })
  return async function limitBody(c, next) {
    return handler(c, next)
  }
}

/**
 * On a cashier mount, refuses every request `settings.authorize(c)` does not accept (403
 * `forbidden`); on a public mount it does nothing. Preflights never reach it (CORS answers them).
 */
export function authorizeCashier(settings: CheckoutSettings): MiddlewareHandler<CheckoutEnv> {
  return async function authorizeCashier(c, next) {
    if (settings.mode === 'cashier' && !(await settings.authorize?.(c))) {
      throw new CheckoutError(
        'forbidden',
        403,
        'Failed to accept the request: this cashier route needs an authorized session.'
      )
    }
    return next()
  }
}

/**
 * Installs every guard on its paths. Call it on the checkout sub-app after `onError` and before
 * registering any route (Hono runs middleware in registration order):
 *
 * | path | middleware, in order |
 * |---|---|
 * | `/config`, `/checkouts/*`, `/notify`, `/return`, `/return/*` | `setSecureHeaders` |
 * | `/config`, `/checkouts/*` (which matches `/checkouts` too) | `allowOrigins` → `checkOrigin` → `authorizeCashier` |
 * | `POST /checkouts` | `limitCreations` → `limitBody` → `requireJson()` |
 * | `POST /checkouts/:id/cancel` | `limitBody` → `requireJson({ bodyOptional: true })` |
 * | `POST /notify` | `limitBody` (at least 64 KiB) |
 * | `GET /return`, `GET /return/:token` | nothing more |
 *
 * The create route still validates its body with `validCreateCheckoutBody` (validation.ts).
 *
 * @example
 * const app = new Hono<CheckoutEnv>()
 * app.onError(renderError(deps.logger))
 * registerSecurity(app, deps)
 * registerConfigRoute(app, deps) // …then the other routes
 */
export function registerSecurity(
  app: Hono<CheckoutEnv>,
  deps: Pick<CheckoutDeps, 'settings'>
): void {
  const { settings } = deps
  const notifyMax = Math.max(settings.maxBodyBytes, NOTIFY_MIN_BODY_BYTES)
  // Only on the checkout's own routes: the in-process sandbox's phone page, mounted beside them
  // in local mode, is HTML and must not get an API's `default-src 'none'`.
  for (const path of [...BROWSER_PATHS, '/notify', '/return', '/return/*'])
    app.use(path, setSecureHeaders())
  const browser = [allowOrigins(settings), checkOrigin(settings), authorizeCashier(settings)]
  for (const path of BROWSER_PATHS) app.use(path, ...browser)
  app.on('POST', '/checkouts', limitCreations(settings), limitBody(settings), requireJson())
  app.on('POST', '/checkouts/:id/cancel', limitBody(settings), requireJson({ bodyOptional: true }))
  app.on('POST', '/notify', limitBody(settings, notifyMax))
}
