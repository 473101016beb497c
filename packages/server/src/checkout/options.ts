/**
 * What a merchant passes to `createCheckout()`. Every field has a default that fits a
 * single-server shop; the README's "Options" table mirrors this file.
 */
import type { Context } from 'hono'
import type { Checkout } from '../contract.ts'
import type { Store } from '../store/store.ts'
import type { GatewayOptions } from './gateway-config.ts'
import type { LoggerOption } from './logger.ts'
import type { ReconcilerOptions } from './reconciler.ts'
import type { TelemetryOptions } from './ops/telemetry.ts'
import type { LongPollOptions } from './routes/long-poll.ts'

/** What `resolveOrder` answers: the server, never the browser, decides the money. */
export interface ResolvedOrder {
  /** Minor units (cents, fen), a positive integer. */
  amount: number
  /** ISO-4217; defaults to the app's `currency`. */
  currency?: string
  /** Shown to the shopper and sent as `goods_name` (QFPay: at most 20 characters). */
  goodsName?: string
}

/** A hook that reacts to a checkout; runs from the durable outbox, retried until it resolves. */
export type CheckoutHook = (
  checkout: Checkout,
  context: { idempotencyKey: string; previousStatus: Checkout['status'] }
) => unknown

/** Options of `createCheckout()`. */
export interface CheckoutOptions extends GatewayOptions {
  /**
   * Turns the widget's `order` reference into amount, currency and goods name. Return
   * `undefined` (or throw a `CheckoutError`) for an unknown order. The browser's own idea of
   * the amount is never read.
   */
  resolveOrder: (
    order: string,
    c: Context
  ) => ResolvedOrder | undefined | Promise<ResolvedOrder | undefined>
  /** Runs once when a checkout becomes paid (late payments included). */
  onPaid?: CheckoutHook
  /** Runs once per status change. */
  onStatus?: CheckoutHook
  /**
   * Enabled pay types, in display order. Default: 800151, 800201 (the 2017 document's), only with the
   * sandbox: with `live`/`test` the merchant must list today's codes (e.g. 801514, 801512,
   * 800201, 800212 in Hong Kong).
   */
  payTypes?: string[]
  /**
   * `public` (default) serves shoppers' browsers and refuses swipe-card pay types; `cashier`
   * serves a till: it enables swipe-card types, and every route except notify/return must pass
   * `authorize` (a public route that takes an `authCode` would let anyone charge a photographed
   * code).
   */
  mode?: 'public' | 'cashier'
  /** Cashier mounts: decides whether a request may use the routes (e.g. a staff session). */
  authorize?: (c: Context) => boolean | Promise<boolean>
  /**
   * Default currency. Default `CNY` (the 2017 document's mainland-China wallets) only with the sandbox:
   * with `live`/`test` the merchant must name it (HKD is the norm on QFPay's Hong Kong host).
   */
  currency?: string
  /** `no_credit` forbids credit cards (QFPay: mainland-China wallets). Sent with every payment. */
  limitPay?: 'no_credit'
  /** How long a QR or pay URL stays valid, in seconds. Default 900; QFPay allows 5–120 minutes. */
  expiresIn?: number
  /**
   * The public origin + mount path of this app, e.g. `https://shop.example/qfpay`: the gateway's
   * notify URL is `${publicUrl}/notify` and the return URL `${publicUrl}/return`.
   */
  publicUrl?: string
  /**
   * Where `/return` sends the shopper (303) with `?checkout=<id>`. Only this target (or, as a
   * function, what it returns for a checkout) is ever used: no open redirect.
   */
  returnPage?: string | ((checkout: Checkout) => string)
  /**
   * The store. Default: `QFPAY_STORE` — a `postgres://` URL opens the PostgreSQL store, anything
   * else names a SQLite file — or `./qfpay-checkout.db`. `DATABASE_URL` is not read here.
   */
  store?: Store
  /** Origins allowed to call the browser routes (CORS and the CSRF origin check). Default: same origin only. */
  allowedOrigins?: string[]
  /**
   * The shopper's address, for every per-client limit (creations, open checkouts, event
   * streams, rejected notifies). Default: the socket's remote address, which behind a reverse
   * proxy is the proxy's for everyone: then pass e.g. `forwardedClientIp(1)` (one trusted hop).
   */
  clientIp?: (c: Context) => string
  /** Checkout creations per minute per client IP. Default 30; `false` turns the limit off. */
  createRateLimit?: number | false
  /**
   * Refused (bad-signature) notifies one client may send per minute before the rest are
   * answered 429 unread. Default 60; `false` turns it off. QFPay's own notifies never count.
   */
  rejectedNotifiesPerMinute?: number | false
  /** Pending checkouts one client may hold at once. Default 10. */
  maxPendingPerClient?: number
  /** Open event streams per client. Default 20. */
  maxStreamsPerClient?: number
  /** Largest accepted request body, in bytes. Default 16 KiB. */
  maxBodyBytes?: number
  /** Confirm every notify with `/query` before trusting it. Default `true`. */
  confirmNotifies?: boolean
  /**
   * The reconciler: queries non-final checkouts until final. Default on. Instances sharing a
   * store lease each due checkout to one of them for `leaseMs` (default 60 000).
   */
  reconciler?: ReconcilerOptions
  /**
   * The long-poll fallback (`GET /checkouts/:id?after=<version>`): how long a request is held
   * (default 25 s) and how many may be held per client (default 20) and per instance (10 000).
   */
  longPoll?: LongPollOptions
  /**
   * Where the app logs. Default: JSON lines on the console. Takes pino (or bunyan) as it is, with
   * the fields as structured properties, `console`, or any `{ info, warn, error }(message, fields)`.
   */
  logger?: LoggerOption
  /**
   * OpenTelemetry providers for this app's spans and metrics. Default: the globally registered
   * ones (register them before `createCheckout()`); with none, telemetry is a no-op.
   */
  telemetry?: TelemetryOptions
  /** How long `close()` waits for requests in flight (notifies) and hook runs, ms. Default 10 000. */
  shutdownTimeoutMs?: number
  /** Injected time, for tests. */
  clock?: () => Date
  /** The fetch the QFPay client uses (tests, or an in-process sandbox). */
  gatewayFetch?: typeof fetch
  /**
   * Gateway requests a minute this process may send for the merchant (gateway-budget.ts): QFPay
   * allows 400 per merchant, so several instances on one appcode should each get a share.
   * Shopper-triggered queries may use half, the reconciler three quarters, payments, refunds and
   * closes all of it. Default 400; `false` turns the budget off (a gateway without a quota).
   */
  gatewayRequestsPerMinute?: number | false
  /** Total time budget of one gateway call, in ms. Default 10 000. */
  gatewayTimeoutMs?: number
}
