/**
 * The embedded default gateway: with no QFPay credentials configured (`QFPAY_ENV` unset or
 * `local`, no `QFPAY_BASE_URL`), the checkout app runs its own sandbox in process. The QFPay
 * client reaches it through `sandbox.fetch`, and the sandbox delivers notifies straight into the
 * checkout app's own `fetch` (no socket), at the one notify URL configured for the appcode
 * (docs/decisions.md#one-notify-url-per-appcode), exactly as QFPay would.
 *
 * With `publicUrl` set and generated credentials (or `embeddedSandbox: true`), the sandbox's
 * phone page is served by the checkout app too, under `{publicUrl}/sandbox/…` (and its control
 * API under `/__sandbox/…`, every POST/PUT behind `sandbox.controlToken`), so a browser can open
 * the pay URL. Otherwise pay URLs point at an internal host: drive payments from code
 * (`checkout.sandbox.pay(syssn)`).
 */
import { createSandbox, type Sandbox } from '../../sandbox/index.ts'
import type { Hono } from 'hono'
import type { CheckoutEnv } from './context.ts'

/** Where in-process requests are addressed; never resolved by DNS. */
export const INTERNAL_ORIGIN = 'http://qfpay-checkout.internal'
const SANDBOX_ORIGIN = 'http://qfpay-sandbox.internal'

/** The running in-process gateway. */
export interface LocalGateway {
  sandbox: Sandbox
  /** The QFPay client's base URL. */
  baseUrl: string
  /** The QFPay client's fetch: straight into the sandbox. */
  fetch: typeof globalThis.fetch
  close(): void
}

/** Starts the in-process sandbox for `appcode`/`key`, notifying `appFetch`. */
export function createLocalGateway(options: {
  appcode: string
  key: string
  mchid: string | undefined
  publicUrl: string | undefined
  appFetch: (request: Request) => Response | Promise<Response>
  now: () => number
}): LocalGateway {
  const mount = options.publicUrl ?? INTERNAL_ORIGIN
  const mountPath = new URL(mount).pathname.replace(/\/+$/, '')
  // Notifies (and the return redirect's target) addressed to this app come back in process.
  const deliver = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    if (`${url.origin}${url.pathname}`.startsWith(mount)) {
      const path = url.pathname.slice(mountPath.length) || '/'
      return options.appFetch(new Request(`${INTERNAL_ORIGIN}${path}${url.search}`, init))
    }
    return globalThis.fetch(input, init)
  }) as typeof globalThis.fetch
  const sandbox = createSandbox({
    appcode: options.appcode,
    key: options.key,
    ...(options.mchid ? { mchid: options.mchid } : {}),
    name: 'qfpay-checkout local sandbox',
    notifyUrl: `${mount}/notify`,
    returnUrl: `${mount}/return`,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    fetch: deliver,
    now: options.now,
  })
  return {
    sandbox,
    baseUrl: SANDBOX_ORIGIN,
    fetch: (async (input: string | URL | Request, init?: RequestInit) =>
      sandbox.fetch(
        input instanceof Request ? input : new Request(String(input), init)
      )) as typeof globalThis.fetch,
    close: () => sandbox.close(),
  }
}

/** What the sandbox warning names as the reason, so the operator knows which setting is missing. */
export function sandboxReason(gateway: {
  environment: string
  generatedCredentials: boolean
}): string {
  return gateway.generatedCredentials
    ? 'QFPAY_ENV, QFPAY_APPCODE and QFPAY_KEY are not set; credentials were generated'
    : 'QFPAY_ENV=local and QFPAY_BASE_URL is not set'
}

/**
 * Serves the in-process sandbox's phone page (`/sandbox/…`) and control API (`/__sandbox/…`)
 * under the app's mount, so a browser can open the pay URLs it hands out. Only for a sandbox
 * nothing real could be behind (the caller decides).
 */
export function mountSandboxRoutes(
  app: Hono<CheckoutEnv>,
  sandbox: Pick<Sandbox, 'fetch'>,
  publicUrl: string
): void {
  const mountPath = new URL(publicUrl).pathname.replace(/\/+$/, '')
  const forward = (request: Request) => {
    const url = new URL(request.url)
    if (url.pathname.startsWith(`${mountPath}/`))
      url.pathname = url.pathname.slice(mountPath.length)
    return sandbox.fetch(new Request(url, request))
  }
  app.all('/sandbox/*', (c) => forward(c.req.raw))
  app.all('/__sandbox/*', (c) => forward(c.req.raw))
}
