/**
 * Test support for the browser-facing modules: a small checkout app with the real security,
 * config, status and events modules over a memory store, and stand-ins for the money routes
 * (create, cancel, notify, return) so these tests do not depend on them. Not shipped API.
 */
import { Hono } from 'hono'
import type { Checkout } from '../../src/contract.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { CheckoutRecord, Store } from '../../src/store/store.ts'
import { newOutTradeNo } from '../../src/qfpay/out-trade-no.ts'
import {
  type CheckoutDeps,
  type CheckoutEnv,
  type CheckoutSettings,
  resolveSettings,
} from '../../src/checkout/app/context.ts'
import { renderError } from '../../src/checkout/app/errors.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'
import type { CheckoutOptions } from '../../src/checkout/app/options.ts'
import { registerConfigRoute } from '../../src/checkout/routes/config.ts'
import { type EventsRouteOptions, registerEventsRoute } from '../../src/checkout/routes/events.ts'
import { type StatusRouteOptions, registerStatusRoute } from '../../src/checkout/routes/status.ts'
import {
  createRefreshGate,
  type RefreshGateOptions,
} from '../../src/checkout/routes/refresh-gate.ts'
import { registerSecurity } from '../../src/checkout/http/security.ts'
import { createStatusHub, type StatusHub } from '../../src/checkout/http/status-hub.ts'
import { validCheckoutId, validCreateCheckoutBody } from '../../src/checkout/http/validation.ts'

/** What a test can tune. */
export interface BrowserTestAppOptions {
  options?: Partial<CheckoutOptions>
  store?: Store
  hub?: StatusHub
  refresh?: (id: string) => Promise<void>
  status?: StatusRouteOptions & RefreshGateOptions
  events?: EventsRouteOptions
  held?: CheckoutDeps['held']
}

/** The app and the handles a test drives it with. */
export interface BrowserTestApp {
  app: Hono<CheckoutEnv>
  store: Store
  deps: CheckoutDeps
  settings: CheckoutSettings
  /** Ids passed to `deps.refresh`, in call order. */
  refreshed: string[]
  /** The injected clock; move it with `advance`. */
  advance(ms: number): void
}

/** Builds the test app. The clock starts at 2024-05-01T02:30:00Z and moves only by `advance`. */
export function createBrowserTestApp(options: BrowserTestAppOptions = {}): BrowserTestApp {
  let now = Date.parse('2024-05-01T02:30:00.000Z')
  const clock = () => new Date(now)
  const store = options.store ?? createMemoryStore({ clock })
  const settings = resolveSettings({ resolveOrder: () => ({ amount: 100 }), ...options.options })
  const refreshed: string[] = []
  const deps: CheckoutDeps = {
    settings,
    store,
    clock,
    logger: silentLogger,
    // Throttled as createCheckout() builds it (the status route relies on that).
    refresh: createRefreshGate(
      {
        clock,
        logger: silentLogger,
        refresh: async (id) => {
          refreshed.push(id)
          await options.refresh?.(id)
        },
      },
      options.status
    ),
    // The app's one status hub, as createCheckout() builds it (a test may bring its own to watch).
    hub: options.hub ?? createStatusHub(store, { logger: silentLogger }),
    ...(options.held ? { held: options.held } : {}),
  }
  const app = new Hono<CheckoutEnv>()
  app.onError(renderError(silentLogger))
  registerSecurity(app, deps)
  registerConfigRoute(app, deps)
  registerStatusRoute(app, deps, options.status)
  registerEventsRoute(app, deps, options.events)
  // Stand-ins for the core engineer's routes: just enough to see what reaches them.
  app.post('/checkouts', validCreateCheckoutBody, (c) =>
    c.json({ received: c.req.valid('json') }, 201)
  )
  app.post('/checkouts/:id/cancel', validCheckoutId, (c) =>
    c.json({ cancelled: c.req.valid('param').id })
  )
  app.post('/notify', async (c) => c.text(`SUCCESS ${(await c.req.text()).length}`))
  app.get('/return', (c) => c.redirect('/done', 303))
  return { app, store, deps, settings, refreshed, advance: (ms) => void (now += ms) }
}

/** Creates a pending checkout and returns the stored row. */
export async function seedCheckout(store: Store, order = 'A-1001'): Promise<CheckoutRecord> {
  const result = await store.create({
    order,
    payType: '800151',
    flow: 'qr',
    amount: 1234,
    currency: 'CNY',
    goodsName: 'Tea',
    outTradeNo: newOutTradeNo('payment'),
    expiresAt: '2024-05-01T02:45:00.000Z',
  })
  return result.checkout
}

/** Moves a checkout to `status` (from its current version). */
export async function moveTo(
  store: Store,
  id: string,
  status: Checkout['status']
): Promise<CheckoutRecord> {
  const row = await store.get(id)
  if (!row) throw new Error(`no checkout ${id}`)
  const result = await store.transition(id, {
    expectedVersion: row.version,
    status,
    ...(status === 'paid'
      ? { paidAt: '2024-05-01T02:31:00.000Z', syssn: `S${row.version}${id.slice(0, 6)}` }
      : {}),
  })
  if (!result.ok) throw new Error(`transition failed: ${result.reason}`)
  return result.checkout
}

/** A Node-server-like env, so `clientIpOf(c)` sees `ip` under `app.request()`. */
export function fromIp(ip: string): { incoming: { socket: { remoteAddress: string } } } {
  return { incoming: { socket: { remoteAddress: ip } } }
}
