/**
 * The demo merchant's server: one Hono app with
 * - `/qfpay`: the public checkout mount (Alipay 800151, WeChat Pay 800201) the shop's element uses;
 * - `/qfpay-pos`: the cashier mount (swipe-card 800108, 800208), staff only through `authorize`;
 * - `/api/products`: the catalogue; `/api/admin/…`: the console's routes.
 *
 * Both mounts share one store, so the console lists every checkout, and the gateway's one notify
 * URL per appcode, `/qfpay/notify`, serves payments from either mount.
 */
import { Hono } from 'hono'
import {
  CheckoutError,
  createCheckout,
  forwardedClientIp,
  type CheckoutApp,
  type CheckoutOptions,
  type CheckoutGatewayOptions,
  type Logger,
  type ResolvedOrder,
  type Store,
} from '@qfpay-checkout/server'
import { createAdminRoutes } from './admin-routes.ts'
import { createStaffAuth } from './admin-auth.ts'
import { CATALOGUE } from './catalogue.ts'
import type { HookLog } from './hook-log.ts'
import { demoMerchant } from './merchant-api.ts'
import { goodsNameOf, parseOrder } from './parse-order.ts'

/** Options of {@link createMerchantApp}. */
export interface MerchantAppOptions {
  gateway: CheckoutGatewayOptions
  store: Store
  adminToken: string
  allowedOrigins: string[]
  /** The merchant server's public origin, e.g. `http://127.0.0.1:8787` (mounts add their path). */
  publicUrl: string
  /** The "thank you" page the `/return` route sends Alipay shoppers to. */
  returnPage: string
  hooks: HookLog
  log: (line: string) => void
  /** QR / pay link lifetime in seconds; the checkout app's default (900) when absent. */
  expiresInSeconds?: number
}

/** The app and its lifecycle. */
export interface MerchantApp {
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>
  shop: CheckoutApp
  pos: CheckoutApp
  close(): Promise<void>
}

/**
 * The demo's `resolveOrder`: prices `<cartId>/<sku>:<qty>,…` from the catalogue (see
 * parse-order.ts). A malformed order or an unknown product is a 400 naming the problem.
 */
export function resolveDemoOrder(order: string): ResolvedOrder {
  const parsed = parseOrder(order, CATALOGUE)
  if (!parsed.ok)
    throw new CheckoutError('invalid_request', 400, parsed.message, { field: 'order' })
  return {
    amount: parsed.order.amount,
    currency: parsed.order.currency,
    goodsName: goodsNameOf(parsed.order),
  }
}

/** A compact console logger: one line, no secrets (the checkout app never logs one). */
function lineLogger(log: (line: string) => void, name: string): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    log(
      `${name} ${level}: ${message}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}`
    )
  return { info: () => {}, warn: line('warn'), error: line('error') }
}

/** Builds the merchant server. */
export function createMerchantApp(options: MerchantAppOptions): MerchantApp {
  const common = {
    gateway: options.gateway,
    store: options.store,
    resolveOrder: resolveDemoOrder,
    hooks: { onPaid: options.hooks.onPaid },
    returnPage: options.returnPage,
    http: {
      allowedOrigins: options.allowedOrigins,
      // Shoppers arrive through the page's Vite proxy (one trusted hop that appends to
      // X-Forwarded-For): without this every shopper would share the proxy's rate-limit bucket.
      clientIp: forwardedClientIp(1),
      // One shopper clicking around the demo must not meet the 30/min production default.
      perClient: { checkoutsPerMinute: 120 },
    },
    ...(options.expiresInSeconds ? { expiresInSeconds: options.expiresInSeconds } : {}),
  } satisfies Partial<CheckoutOptions>
  const staff = createStaffAuth(options.adminToken)
  const shop = createCheckout({
    ...common,
    publicUrl: `${options.publicUrl}/qfpay`,
    logger: lineLogger(options.log, '[qfpay]'),
  })
  const pos = createCheckout({
    ...common,
    logger: lineLogger(options.log, '[qfpay-pos]'),
    publicUrl: `${options.publicUrl}/qfpay-pos`,
    cashier: {
      // Demo-only: the till is staff-only through the admin token (cookie or Bearer).
      authorize: (c) => staff.credential(c) !== undefined,
    },
    payTypes: ['800108', '800208'],
  })

  const app = new Hono()
  app.get('/api/products', (c) => c.json(CATALOGUE))
  app.route(
    '/api/admin',
    createAdminRoutes({
      auth: staff,
      merchant: demoMerchant(shop.merchant, () => shop.health()),
      hooks: options.hooks,
      allowedOrigins: options.allowedOrigins,
    })
  )
  app.route('/qfpay', shop)
  app.route('/qfpay-pos', pos)
  // Reconcile from the start: a checkout left pending by an earlier run of a kept store is
  // settled without waiting for traffic.
  shop.start()
  pos.start()

  return {
    fetch: (request, env) => app.fetch(request, env),
    shop,
    pos,
    async close() {
      await Promise.all([shop.close(), pos.close()])
    },
  }
}
