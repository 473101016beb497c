/**
 * What a merchant passes to `createCheckout()`. Every field has a default that fits a
 * single-server shop; the README's "Options" table mirrors this file. What the shop sells sits
 * at the top (`resolveOrder`, pay types, currency, expiry); everything else is grouped by what it
 * configures: `hooks`, `gateway`, `http`, `reconciler`, `store`, `logger`, `telemetry`. Every
 * duration and rate names its unit (`…Seconds`, `…Ms`, `…PerMinute`, `…Bytes`).
 */
import type { Context } from 'hono'
import type { Checkout } from '../../contract.ts'
import type { Store } from '../../store/store.ts'
import type { GatewayOptions } from './gateway-config.ts'
import type { LoggerOption } from './logger.ts'
import type { ReconcilerOptions } from '../workers/reconciler.ts'
import type { TelemetryOptions } from '../ops/telemetry.ts'

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

/** `hooks`: what the merchant's code runs when a checkout moves. */
export interface CheckoutHooks {
  /** Runs once when a checkout becomes paid (late payments included). */
  onPaid?: CheckoutHook
  /** Runs once per status change. */
  onStatus?: CheckoutHook
}

/**
 * `gateway`: which QFPay gateway, with which credentials (each also read from its environment
 * variable), and how this process talks to it.
 */
export interface CheckoutGatewayOptions extends GatewayOptions {
  /**
   * Gateway requests a minute this process may send for the merchant (money/gateway-budget.ts):
   * QFPay allows 400 per merchant, so several instances on one appcode should each get a share.
   * Shopper-triggered queries may use half, the reconciler three quarters, payments, refunds and
   * closes all of it. Default 400; `false` turns the budget off (a gateway without a quota).
   */
  requestsPerMinute?: number | false
  /** Total time budget of one gateway call, ms. Default 10 000. */
  timeoutMs?: number
  /** Confirm every notify with `/query` before trusting it. Default `true`. */
  confirmNotifies?: boolean
  /** The fetch the QFPay client uses (tests, or a sandbox in the same process). */
  fetch?: typeof fetch
}

/** `http.perClient`: what one client address (`http.clientIp`) may hold or send. */
export interface PerClientLimits {
  /** Checkout creations per minute. Default 30; `false` turns the limit off. */
  checkoutsPerMinute?: number | false
  /**
   * Refused (bad-signature) notifies per minute before the rest are answered 429 unread.
   * Default 60; `false` turns it off. QFPay's own notifies never count.
   */
  rejectedNotifiesPerMinute?: number | false
  /** Pending checkouts held at once. Default 10. */
  pendingCheckouts?: number
  /** Open event streams. Default 20. */
  openStreams?: number
  /** Long-polls held at once. Default 20. */
  heldLongPolls?: number
}

/**
 * `http.longPoll`: the fallback `GET /checkouts/:id?after=<version>` for browsers whose event
 * stream fails.
 */
export interface LongPollOptions {
  /**
   * How long a request is held when nothing changes, ms. Default 25 000: below the 30–60 s idle
   * timeouts of common proxies, so the answer comes from us, not from them.
   */
  holdMs?: number
  /** Requests held at once by this app instance. Default 10 000. */
  maxHeld?: number
}

/** `http`: the browser-facing hardening. */
export interface CheckoutHttpOptions {
  /** Origins allowed to call the browser routes (CORS and the CSRF origin check). Default: same origin only. */
  allowedOrigins?: string[]
  /**
   * The shopper's address, for every per-client limit. Default: the socket's remote address,
   * which behind a reverse proxy is the proxy's for everyone: then pass e.g.
   * `forwardedClientIp(1)` (one trusted hop).
   */
  clientIp?: (c: Context) => string
  /** Largest accepted request body, in bytes. Default 16 KiB. */
  maxBodyBytes?: number
  /** Per-client limits (see {@link PerClientLimits}). */
  perClient?: PerClientLimits
  /** The long-poll fallback (see {@link LongPollOptions}). */
  longPoll?: LongPollOptions
}

/** `cashier`: serves a till instead of shoppers' browsers. */
export interface CashierOptions {
  /**
   * Decides whether a request may use the routes (e.g. a staff session). Every route except
   * notify/return must pass it: a public route that takes an `authCode` would let anyone charge
   * a photographed code.
   */
  authorize: (c: Context) => boolean | Promise<boolean>
}

/** Options of `createCheckout()`. */
export interface CheckoutOptions {
  /**
   * Turns the widget's `order` reference into amount, currency and goods name. Return
   * `undefined` (or throw a `CheckoutError`) for an unknown order. The browser's own idea of
   * the amount is never read.
   */
  resolveOrder: (
    order: string,
    c: Context
  ) => ResolvedOrder | undefined | Promise<ResolvedOrder | undefined>
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
   * Enabled pay types, in display order. Default: 800151, 800201 (the 2017 document's), only with the
   * sandbox: with `live`/`test` the merchant must list today's codes (e.g. 801514, 801512,
   * 800201, 800212 in Hong Kong).
   */
  payTypes?: string[]
  /**
   * Default currency. Default `CNY` (the 2017 document's mainland-China wallets) only with the sandbox:
   * with `live`/`test` the merchant must name it (HKD is the norm on QFPay's Hong Kong host).
   */
  currency?: string
  /** `no_credit` forbids credit cards (QFPay: mainland-China wallets). Sent with every payment. */
  limitPay?: 'no_credit'
  /** How long a QR or pay URL stays valid, in seconds. Default 900; QFPay allows 300–7200. */
  expiresInSeconds?: number
  /**
   * Makes this mount a till: enables swipe-card pay types, and every route except notify/return
   * must pass `cashier.authorize`. Absent (default): the mount serves shoppers' browsers and
   * refuses swipe-card types.
   */
  cashier?: CashierOptions
  /** The merchant's hooks (see {@link CheckoutHooks}). */
  hooks?: CheckoutHooks
  /**
   * The gateway and its credentials. Default: the environment (`QFPAY_ENV`, `QFPAY_APPCODE`,
   * `QFPAY_KEY`, …), and with none the in-process sandbox.
   */
  gateway?: CheckoutGatewayOptions
  /** Browser-facing hardening: origins, client address, per-client limits, long-poll. */
  http?: CheckoutHttpOptions
  /**
   * The reconciler: queries non-final checkouts until final. Default on. Instances sharing a
   * store lease each due checkout to one of them for `leaseMs` (default 60 000).
   */
  reconciler?: ReconcilerOptions
  /**
   * The store. Default: `QFPAY_STORE` — a `postgres://` URL opens the PostgreSQL store, anything
   * else names a SQLite file — or `./qfpay-checkout.db`. `DATABASE_URL` is not read here.
   */
  store?: Store
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
}
