/**
 * What every route and worker of the checkout app shares: the settled options, the store, the
 * clock and the logger, plus the few service calls routes make into the money logic. Route
 * modules take a `CheckoutDeps` and register themselves on the app; they never build their own.
 */
import type { Context } from 'hono'
import type { PayFlow } from '../../contract.ts'
import { DEFAULT_ONLINE_PAY_TYPES, payTypeInfo } from '../../qfpay/pay-types.ts'
import type { Store } from '../../store/store.ts'
import type { Logger } from './logger.ts'
import type { StatusHub } from '../http/status-hub.ts'
import type { CashierOptions, CheckoutOptions } from './options.ts'

/** The options with every default applied, checked once at start. */
export interface CheckoutSettings {
  mode: 'public' | 'cashier'
  payTypes: string[]
  currency: string
  /** `limit_pay` sent with every payment, if any. */
  limitPay: 'no_credit' | undefined
  expiresInSeconds: number
  publicUrl: string | undefined
  returnPage: CheckoutOptions['returnPage']
  allowedOrigins: string[]
  /** Checkout creations per minute per client (`http.perClient.checkoutsPerMinute`). */
  checkoutsPerMinute: number | false
  maxPendingPerClient: number
  rejectedNotifiesPerMinute: number | false
  maxStreamsPerClient: number
  /** The client's address for per-client limits (`options.clientIp`, default `clientIpOf`). */
  clientIp: (c: Context) => string
  maxBodyBytes: number
  confirmNotifies: boolean
  /** The cashier mount's gate (`options.cashier.authorize`); `undefined` on a public mount. */
  authorize: CashierOptions['authorize'] | undefined
  resolveOrder: CheckoutOptions['resolveOrder']
}

/** What routes receive. */
export interface CheckoutDeps {
  settings: CheckoutSettings
  store: Store
  clock: () => Date
  logger: Logger
  /**
   * Asks the gateway about one non-final checkout now and applies the answer. Callers on a
   * browser route rate-limit it per checkout; it never throws for a gateway fault (the
   * reconciler will try again), only for a bug.
   */
  refresh(id: string): Promise<void>
  /**
   * The app's status fan-out (`createStatusHub(store)`, http/status-hub.ts): one store
   * subscription shared by every event stream and held long-poll of the app.
   */
  hub: StatusHub
  /**
   * Open-stream bookkeeping (shutdown and the open-streams gauge): `opened(goodbye)` is called
   * when a status stream starts and returns the call that ends its registration; `goodbye(retryMs)`
   * writes a last `reconnect` event and ends the stream. Optional.
   */
  streams?: { opened(goodbye: (retryMs: number) => Promise<void>): () => void }
  /**
   * Held long-polls (shutdown): `opened(release)` is called when a request starts waiting and
   * returns the call that ends its registration; `release()` answers it at once with the
   * checkout as it stands, so a closing instance is not kept waiting for ~25 s. Optional.
   */
  held?: { opened(release: () => void): () => void }
}

/** Hono env of the checkout sub-app (declared explicitly, not by module augmentation). */
export interface CheckoutEnv {
  Variables: {
    /** Set by the origin check for browser routes. */
    clientIp: string
  }
}

/** A route module: registers its handlers on the app. */
export type RegisterRoutes = (app: import('hono').Hono<CheckoutEnv>, deps: CheckoutDeps) => void

/** QFPay's `expired_time` bounds, in minutes (docs/qfpay-protocol.md#expiry). */
const MIN_EXPIRY_MINUTES = 5
const MAX_EXPIRY_MINUTES = 120
const DEFAULT_EXPIRES_IN_SECONDS = 15 * 60

/** Applies defaults and refuses options that would fail at run time. */
export function resolveSettings(options: CheckoutOptions): CheckoutSettings {
  if (typeof options.resolveOrder !== 'function') {
    throw new Error(
      'Failed to create the checkout app: resolveOrder(order, c) is required; the server decides the amount.'
    )
  }
  const mode = options.cashier === undefined ? 'public' : 'cashier'
  if (mode === 'cashier' && typeof options.cashier?.authorize !== 'function') {
    throw new Error(
      'Failed to create the checkout app: a cashier mount needs cashier.authorize(c), or anyone could charge a scanned code.'
    )
  }
  const http = options.http ?? {}
  const perClient = http.perClient ?? {}
  if (options.limitPay !== undefined && options.limitPay !== 'no_credit')
    throw new Error(`Failed to create the checkout app: limitPay must be 'no_credit' when given.`)
  checkReturnPage(options)
  const payTypes = options.payTypes ?? [...DEFAULT_ONLINE_PAY_TYPES]
  for (const code of payTypes) checkPayType(code, mode)
  const expiresInSeconds = options.expiresInSeconds ?? DEFAULT_EXPIRES_IN_SECONDS
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < MIN_EXPIRY_MINUTES * 60 ||
    expiresInSeconds > MAX_EXPIRY_MINUTES * 60
  ) {
    throw new Error(
      `Failed to create the checkout app: expiresInSeconds must be whole seconds from ${MIN_EXPIRY_MINUTES * 60} to ${MAX_EXPIRY_MINUTES * 60} (QFPay's expired_time range).`
    )
  }
  return {
    mode,
    payTypes,
    currency: (options.currency ?? 'CNY').toUpperCase(),
    limitPay: options.limitPay,
    expiresInSeconds,
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    returnPage: options.returnPage,
    allowedOrigins: http.allowedOrigins ?? [],
    checkoutsPerMinute: perClient.checkoutsPerMinute ?? 30,
    maxPendingPerClient: perClient.pendingCheckouts ?? 10,
    rejectedNotifiesPerMinute: perClient.rejectedNotifiesPerMinute ?? 60,
    maxStreamsPerClient: perClient.openStreams ?? 20,
    clientIp: http.clientIp ?? clientIpOf,
    maxBodyBytes: http.maxBodyBytes ?? 16 * 1024,
    confirmNotifies: options.gateway?.confirmNotifies ?? true,
    authorize: options.cashier?.authorize,
    resolveOrder: options.resolveOrder,
  }
}

/**
 * A relative `returnPage` is resolved against `publicUrl`, never against the request's `Host`
 * (which the client chooses): without `publicUrl` it must be absolute.
 */
function checkReturnPage(options: CheckoutOptions): void {
  const page = options.returnPage
  if (typeof page !== 'string' || options.publicUrl !== undefined) return
  if (!URL.canParse(page)) {
    throw new Error(
      'Failed to create the checkout app: returnPage must be an absolute URL unless publicUrl is set (a relative one would follow the Host header).'
    )
  }
}

function checkPayType(code: string, mode: 'public' | 'cashier'): void {
  const info = payTypeInfo(code)
  if (!info)
    throw new Error(
      `Failed to create the checkout app: pay type ${code} is not one QFPay documents.`
    )
  if (!info.available || info.flow === 'none')
    throw new Error(
      `Failed to create the checkout app: pay type ${code} (${info.name}) is not available.`
    )
  if (info.swipe && mode !== 'cashier') {
    throw new Error(
      `Failed to create the checkout app: swipe-card pay type ${code} is served only by a cashier mount (mode: 'cashier' with authorize).`
    )
  }
}

/** The widget-facing flow of a pay type. */
export function flowOf(payType: string): PayFlow {
  const flow = payTypeInfo(payType)?.flow
  return flow === 'redirect' || flow === 'code' ? flow : 'qr'
}

/**
 * For `clientIp` behind `hops` trusted reverse proxies that each append to `X-Forwarded-For`:
 * the address the outermost trusted proxy saw (the `hops`-th from the right). Entries further
 * left are the client's own claims and are never used. Without the header, the socket address.
 */
export function forwardedClientIp(hops: number): (c: Context) => string {
  if (!Number.isInteger(hops) || hops < 1)
    throw new Error('Failed to configure clientIp: hops must be a positive integer.')
  return (c) => {
    const chain = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
    return chain[chain.length - hops] ?? chain[0] ?? clientIpOf(c)
  }
}

/** The client's IP as the node server reports it; falls back to a constant for fetch runtimes. */
export function clientIpOf(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming
  return incoming?.socket?.remoteAddress ?? 'unknown'
}
