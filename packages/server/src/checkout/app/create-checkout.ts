/**
 * `createCheckout()`: the Hono app a merchant mounts to take Alipay and WeChat Pay through
 * QFPay, plus the merchant-side object and lifecycle of the workers behind it.
 *
 * @see docs/architecture.md
 * @see docs/decisions.md
 */
import { Hono } from 'hono'
import { createQfpayClient } from '../../qfpay/client.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import type { Store } from '../../store/store.ts'
import { type CheckoutEnv, resolveSettings } from './context.ts'
import { createCheckoutClaims } from '../http/checkout-claims.ts'
import {
  createGatewayBudget,
  gatewayClients,
  type GatewayBudgetStats,
} from '../money/gateway-budget.ts'
import { UpstreamCloser } from '../money/close-upstream.ts'
import { createPayment } from '../money/create-payment.ts'
import { KeyedLock } from '../money/keyed-lock.ts'
import { PaymentLookup } from '../money/payment-lookup.ts'
import { CheckoutTransitions } from '../money/transitions.ts'
import { CheckoutError, renderError } from './errors.ts'
import { resolveGatewayConfig } from './gateway-config.ts'
import { defaultStore } from './default-store.ts'
import { createNotifyPruner } from '../workers/notify-pruner.ts'
import {
  createLocalGateway,
  type LocalGateway,
  mountSandboxRoutes,
  sandboxReason,
} from './local-gateway.ts'
import { adaptLogger, consoleLogger } from './logger.ts'
import { type CheckoutMerchant, createMerchant } from './merchant.ts'
import { NotifyHandler } from '../money/notifies.ts'
import type { CheckoutOptions } from './options.ts'
import { OutboxWorker } from '../workers/outbox-worker.ts'
import { PaymentService } from '../money/payments.ts'
import { Reconciler } from '../workers/reconciler.ts'
import { Refunds } from '../money/refunds.ts'
import { registerCancelRoute } from '../routes/cancel.ts'
import { registerConfigRoute } from '../routes/config.ts'
import { registerCreateRoute } from '../routes/create.ts'
import { registerEventsRoute } from '../routes/events.ts'
import { registerNotifyRoute } from '../routes/notify.ts'
import { createRefreshGate } from '../routes/refresh-gate.ts'
import { settledWithin } from './settled-within.ts'
import { registerReturnRoute } from '../routes/return.ts'
import { checkLiveChoices } from './live-choices.ts'
import type { ServiceDeps } from '../routes/service-deps.ts'
import { registerStatusRoute } from '../routes/status.ts'
import { registerSecurity } from '../http/security.ts'
import { createStatusHub } from '../http/status-hub.ts'
import { observeGatewayAttempts } from '../ops/gateway-attempts.ts'
import { checkHealth, type HealthReport } from '../ops/health.ts'
import { instrumentStore } from '../ops/instrument-store.ts'
import { OpsMonitor } from '../ops/monitor.ts'
import { reconcileDay } from '../ops/reconcile-day.ts'
import { instrumentNotifies } from '../ops/notify-span.ts'
import { outboxObserver, reconcilerObserver } from '../ops/observers.ts'
import { DEFAULT_DRAIN_MS, Lifecycle } from '../ops/shutdown.ts'

/** Default total time budget of one gateway call, ms (`gateway.timeoutMs` in options.ts). */
const DEFAULT_GATEWAY_TIMEOUT_MS = 10_000

/** What `createCheckout()` returns: a mountable Hono app that also carries the server-side API. */
export type CheckoutApp = Hono<CheckoutEnv> & {
  /** Refunds, cancels, listing and one-shot reconciling, for the merchant's server code. */
  merchant: CheckoutMerchant
  /**
   * Starts the reconciler and hook timers (unref'd). Also happens on the first request, so
   * calling it is only needed to reconcile before any traffic arrives (e.g. after a restart).
   */
  start(): void
  /**
   * Graceful shutdown: refuses new checkouts (503 `unavailable`), tells open status streams to
   * reconnect elsewhere, waits (up to `shutdownTimeoutMs`) for requests in flight and hook runs,
   * stops the workers (their reconciler leases given back), stops the in-process sandbox and
   * closes a store the app opened itself.
   */
  close(): Promise<void>
  /**
   * Liveness and readiness as JSON (ops/health.ts): store reachable and migrated, the gateway's
   * last success and error, the workers' last runs and backlog. Never calls the gateway.
   */
  health(): Promise<HealthReport>
  /** The store in use. */
  store: Store
  /** The in-process sandbox when no gateway is configured; `undefined` otherwise. */
  sandbox: Sandbox | undefined
  /** Counters for monitoring: the gateway budget's use and refusals, unverified notifies by reason. */
  stats(): CheckoutStats
}

/** What `stats()` reports, since start of this process. */
export interface CheckoutStats {
  gatewayBudget: GatewayBudgetStats
  unverifiedNotifies: Record<string, number>
}

/**
 * Creates the checkout app. Credentials come from `options` or the environment
 * (`QFPAY_ENV` live|test|local, `QFPAY_APPCODE`, `QFPAY_KEY`, `QFPAY_MCHID`, `QFPAY_BASE_URL`);
 * with none, it runs against an in-process sandbox and says so loudly. A configured but empty
 * or malformed key throws here, before anything listens. The store defaults to `QFPAY_STORE`:
 * a `postgres://` / `postgresql://` URL opens the PostgreSQL store, anything else is a SQLite
 * file (default `./qfpay-checkout.db`). `DATABASE_URL` is deliberately not read: it usually
 * names the merchant's own database; pass `store: createPostgresStore(process.env.DATABASE_URL)`.
 *
 * Workers start on the first request or on `start()`; `close()` stops them.
 *
 * @example
 * import { Hono } from 'hono'
 * import { createCheckout } from '@qfpay-checkout/server'
 *
 * const checkout = createCheckout({
 *   resolveOrder: async (order) => ({ amount: 1000, currency: 'CNY', goodsName: 'Tea' }),
 *   hooks: { onPaid: async (paid) => fulfil(paid.order) },
 *   publicUrl: 'https://shop.example/qfpay',
 * })
 * const app = new Hono()
 * app.route('/qfpay', checkout)
 * // later, from server code: await checkout.merchant.refunds.create(id, { amount: 500 })
 * @see docs/architecture.md#routes-of-the-checkout-app
 */
export function createCheckout(options: CheckoutOptions): CheckoutApp {
  const settings = resolveSettings(options)
  const gatewayOptions = options.gateway ?? {}
  const gateway = resolveGatewayConfig(gatewayOptions)
  checkLiveChoices(options, gateway)
  const logger = options.logger ? adaptLogger(options.logger) : consoleLogger
  const clock = options.clock ?? (() => new Date())
  const ownsStore = options.store === undefined
  const rawStore = options.store ?? defaultStore(clock)
  const monitor = new OpsMonitor(clock, options.telemetry)
  // Services see the store through a wrapper that counts transitions (telemetry).
  const store = instrumentStore(rawStore, monitor)
  const lifecycle = new Lifecycle()
  const app = new Hono<CheckoutEnv>()

  let local: LocalGateway | undefined
  // The sandbox's phone page and control API share the mount only when nothing real could be
  // behind it: generated credentials, or the merchant's explicit `embeddedSandbox: true`.
  const serveSandbox =
    gateway.baseUrl === undefined &&
    settings.publicUrl !== undefined &&
    (gateway.generatedCredentials || gateway.embeddedSandboxAllowed)
  if (gateway.baseUrl === undefined) {
    local = createLocalGateway({
      appcode: gateway.appcode,
      key: gateway.key,
      mchid: gateway.mchid,
      publicUrl: settings.publicUrl,
      appFetch: (request) => app.fetch(request),
      now: () => clock().getTime(),
    })
    // Loud on purpose: nothing here moves real money, and a forgotten env var must not go unseen.
    logger.warn(
      `QFPay checkout is running against the in-process SANDBOX: no real payments (${sandboxReason(gateway)}). Set QFPAY_ENV=live, QFPAY_APPCODE and QFPAY_KEY for QFPay.`,
      {
        environment: gateway.environment,
        generatedCredentials: gateway.generatedCredentials,
        ...(serveSandbox
          ? {
              sandboxControl: `${settings.publicUrl}/__sandbox`,
              controlToken: local.sandbox.controlToken,
            }
          : {}),
      }
    )
  } else {
    logger.info('QFPay checkout gateway configured', {
      environment: gateway.environment,
      baseUrl: gateway.baseUrl,
    })
  }
  const client = createQfpayClient({
    appcode: gateway.appcode,
    key: gateway.key,
    ...(gateway.mchid ? { mchid: gateway.mchid } : {}),
    baseUrl: local?.baseUrl ?? (gateway.baseUrl as string),
    signType: gateway.signType,
    responseSignature: gateway.responseSignature,
    logger,
    timeoutMs: gatewayOptions.timeoutMs ?? DEFAULT_GATEWAY_TIMEOUT_MS,
    now: clock,
    // Looked up per call, so a fetch patched later (msw in a merchant's tests) is still used.
    fetch: local?.fetch ?? gatewayOptions.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    onAttempt: observeGatewayAttempts(monitor),
  })

  // Outbox entries only for the hooks this app has: no row, no completion commit for the others.
  const { onPaid, onStatus } = options.hooks ?? {}
  const hooks = [...(onPaid ? ['onPaid' as const] : []), ...(onStatus ? ['onStatus' as const] : [])]
  const budget = createGatewayBudget({
    clock,
    ...(gatewayOptions.requestsPerMinute !== undefined
      ? { limitPerMinute: gatewayOptions.requestsPerMinute }
      : {}),
  })
  // The money logic in narrow parts, each given exactly what it uses. Every gateway call goes
  // through the budget: writes at `payment` priority, queries at the caller's.
  const clients = gatewayClients(client, budget)
  const gatewayClient = clients.reconciler
  const now = () => clock().toISOString()
  const locks = new KeyedLock()
  const transitions = new CheckoutTransitions({ store, hooks })
  const lookup = new PaymentLookup({ clients, logger })
  const closer = new UpstreamCloser(gatewayClient, clock, logger)
  const payments = new PaymentService({
    store,
    transitions,
    lookup,
    closer,
    locks,
    clock,
    logger,
  })
  const refunds = new Refunds({ store, client: gatewayClient, hooks, logger, now })
  const notifies = new NotifyHandler(
    { store, settings, logger, client: gatewayClient, now, lookup, payments },
    refunds
  )
  instrumentNotifies(notifies, monitor)
  const reconciler = new Reconciler(
    { store, clock, logger, lookup, transitions, payments },
    options.reconciler,
    reconcilerObserver(monitor, store)
  )
  const opening = {
    store,
    settings,
    clock,
    logger,
    client: gatewayClient,
    locks,
    lookup,
    transitions,
    payments,
  }
  const outbox = new OutboxWorker({
    store,
    clock,
    logger,
    onPaid,
    onStatus,
    observer: outboxObserver(monitor),
  })
  const deps: ServiceDeps = {
    settings,
    store,
    clock,
    logger,
    // One throttle for every shopper-triggered query (status polls and /return visits).
    refresh: createRefreshGate({
      clock,
      logger,
      refresh: async (id) => void (await payments.refresh(id, 'shopper')),
    }),
    hub: createStatusHub(store, { logger }),
    openPayment: (input, c, guard) => createPayment(opening, input, c, guard),
    payments,
    notifies,
    // Held long-polls answer at once when closing (the widget asks again, elsewhere).
    held: { opened: (release) => lifecycle.addStream(async () => release()) },
    streams: {
      opened(goodbye) {
        monitor.streamOpened()
        const off = lifecycle.addStream(goodbye)
        return () => {
          off()
          monitor.streamClosed()
        }
      },
    },
    claims: createCheckoutClaims(gateway.key),
  }

  let started = false
  let closed = false
  const pruner = createNotifyPruner({ store, clock, logger })
  const start = () => {
    if (started || closed) return
    started = true
    pruner.start()
    reconciler.start()
    outbox.start()
    outbox
      .drain()
      .catch((error: unknown) => logger.error('outbox drain failed', { error: String(error) }))
    refunds
      .scan()
      .then(() => refunds.sweep())
      .catch((error: unknown) =>
        logger.error('refund recovery scan failed', { error: String(error) })
      )
  }

  app.onError(renderError(logger))
  app.notFound(() => {
    throw new CheckoutError('not_found', 404, 'Failed to find the route.')
  })
  // Lazy start: the first request (a notify after a restart included) wakes the workers.
  app.use('*', async function startWorkers(_c, next) {
    start()
    await next()
  })
  registerSecurity(app, deps)
  // After the guards, so a refusal while shutting down carries the CORS headers a browser needs.
  app.use('*', lifecycle.middleware())
  registerConfigRoute(app, deps)
  registerCreateRoute(app, deps)
  registerStatusRoute(app, deps, {
    longPollMs: options.http?.longPoll?.holdMs,
    maxLongPolls: options.http?.longPoll?.maxHeld,
    maxLongPollsPerClient: options.http?.perClient?.heldLongPolls,
  })
  registerEventsRoute(app, deps)
  registerCancelRoute(app, deps)
  registerNotifyRoute(app, deps)
  registerReturnRoute(app, deps)
  // The in-process sandbox's phone page and control API, so a browser can open its pay URLs.
  if (local && serveSandbox && settings.publicUrl)
    mountSandboxRoutes(app, local.sandbox, settings.publicUrl)

  const merchant = createMerchant({
    store,
    payments,
    refunds,
    reconciler,
    outbox,
    async reconcileDay(date) {
      const report = await reconcileDay({ store, client: gatewayClient, lookup, payments }, date)
      for (const d of report.discrepancies)
        monitor.telemetry.contradictions.add(1, {
          'qfpay.contradiction': d.kind,
          'qfpay.source': 'daily',
        })
      return report
    },
  })
  return Object.assign(app, {
    merchant,
    start,
    store: rawStore,
    sandbox: local?.sandbox,
    health: () =>
      checkHealth({
        store,
        monitor,
        environment: gateway.environment,
        reconcilerEnabled: reconciler.enabled,
        isClosing: () => lifecycle.closing,
      }),
    stats: () => ({
      gatewayBudget: budget.stats(),
      unverifiedNotifies: Object.fromEntries(notifies.unverified),
    }),
    async close() {
      if (closed) return
      closed = true
      const budgetMs = options.shutdownTimeoutMs ?? DEFAULT_DRAIN_MS
      const deadline = Date.now() + budgetMs
      lifecycle.beginClose()
      const streams = await lifecycle.endStreams(budgetMs)
      const drained = await lifecycle.drain(Math.max(0, deadline - Date.now()))
      reconciler.stop()
      outbox.stop()
      pruner.stop()
      const idle = await settledWithin(
        Promise.all([reconciler.idle(), outbox.idle()]),
        Math.max(0, deadline - Date.now())
      )
      if (!drained || !idle || streams > 0 || lifecycle.inFlight > 0)
        logger.info('checkout app closed', {
          streamsEnded: streams,
          requestsStillInFlight: lifecycle.inFlight,
          workersIdle: idle,
        })
      local?.close()
      if (ownsStore) await rawStore.close()
    },
  })
}
