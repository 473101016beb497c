/**
 * The widget's state machine: pure data in, data out. No DOM, no fetch, no clock — the
 * controller feeds it actions (with the time they happened) and runs the effects.
 *
 * @see docs/architecture.md#the-checkout-state-machine
 */
import type { Checkout, CheckoutConfig, PayMethod } from '@qfpay-checkout/server/contract'

/** How the widget presents a payment: `auto` picks QR on desktops and redirect on phones. */
export type CheckoutMode = 'auto' | 'qr' | 'redirect' | 'cashier'

/** A failure as the widget shows it: the text comes from the locale, looked up by `code`. */
export interface WidgetError {
  /** A wire `ErrorCode`, or `network_error` / `invalid_response` for the transport. */
  code: string
  /** The server's (or transport's) message, for developers; never shown to shoppers. */
  message: string
  /** True when trying the same step again may succeed (429, 5xx, network). */
  retryable: boolean
  /** HTTP status, when there was a response. */
  status?: number
}

/** What every state after loading keeps: the config and the clock-skew estimate. */
export interface CheckoutContext {
  config: CheckoutConfig
  /** The enabled methods the widget offers, in the merchant's order. */
  methods: PayMethod[]
  /** Server clock minus client clock, ms (from the `Date` header). */
  skewMs: number
}

/** Health of the live status link while waiting. */
export type Connection = 'live' | 'polling' | 'offline'

/** The outcome kinds: a checkout that will not change for the shopper any more. */
export type FinalKind = 'paid' | 'failed' | 'expired' | 'cancelled'

/** The widget's state: a union on `kind`; each kind carries only its own data. */
export type State =
  | { kind: 'loading'; resume?: string }
  | { kind: 'choosing'; ctx: CheckoutContext }
  | {
      kind: 'creating'
      ctx: CheckoutContext
      method: PayMethod
      redirect: boolean
      authCode?: string
      /** A still-open checkout that must be cancelled before a new one is opened. */
      replaces?: Checkout
    }
  | {
      kind: 'waiting'
      ctx: CheckoutContext
      checkout: Checkout
      /** The shopper is (or was) sent to the pay URL instead of scanning a QR code. */
      redirect: boolean
      /** Milliseconds until `expiresAt`, in server time. */
      remainingMs: number
      cancelling: boolean
      connection: Connection
    }
  | { kind: FinalKind; ctx?: CheckoutContext; checkout: Checkout }
  | { kind: 'error'; error: WidgetError; previous: State }

/** Everything that can happen to the widget. */
export type Action =
  | {
      type: 'configLoaded'
      config: CheckoutConfig
      methods: PayMethod[]
      checkout?: Checkout
      /** A resumed checkout is paid on the wallet's page (`wantsRedirect`), not by a QR code. */
      redirect?: boolean
      now: number
      serverDate?: number
    }
  | { type: 'payTypeChosen'; method: PayMethod; redirect: boolean; authCode?: string }
  | { type: 'checkoutCreated'; checkout: Checkout; now: number; serverDate?: number }
  | { type: 'statusReceived'; checkout: Checkout; now: number }
  | { type: 'tick'; now: number }
  | { type: 'connectionChanged'; connection: Connection }
  | { type: 'cancelRequested' }
  | { type: 'requestFailed'; error: WidgetError }
  | { type: 'retry' }
  | { type: 'refresh' }
  /** The endpoint or the checkout to resume changed: start over with them. */
  | { type: 'inputsChanged' }

/** The state a widget starts in; `resume` names a checkout to pick up after a redirect. */
export function initialState(resume?: string): State {
  return resume ? { kind: 'loading', resume } : { kind: 'loading' }
}

/** True for paid, failed, expired and cancelled. */
export function isFinal(state: State): state is Extract<State, { kind: FinalKind }> {
  return (
    state.kind === 'paid' ||
    state.kind === 'failed' ||
    state.kind === 'expired' ||
    state.kind === 'cancelled'
  )
}

/** The checkout a state is about, if any. */
export function checkoutOf(state: State): Checkout | undefined {
  if (state.kind === 'waiting' || isFinal(state)) return state.checkout
  if (state.kind === 'error') return checkoutOf(state.previous)
  return undefined
}

/** Which state a server status puts the shopper in (refunds still mean "you paid"). */
export function kindOfStatus(checkout: Checkout): FinalKind | 'waiting' {
  switch (checkout.status) {
    case 'pending':
      return 'waiting'
    case 'paid':
    case 'refunded':
    case 'partially_refunded':
      return 'paid'
    case 'failed':
    case 'expired':
    case 'cancelled':
      return checkout.status
    default:
      return assertNever(checkout.status)
  }
}

function remaining(checkout: Checkout, now: number, skewMs: number): number {
  return Math.max(0, Date.parse(checkout.expiresAt) - (now + skewMs))
}

/**
 * Skews smaller than this are noise, ms: the `Date` header has a resolution of one second
 * (RFC 9110, section 5.6.7) and the response took some time to arrive.
 */
export const SKEW_THRESHOLD_MS = 2_000

function skewOf(now: number, serverDate: number | undefined, fallback = 0): number {
  if (serverDate === undefined || Number.isNaN(serverDate)) return fallback
  const skew = serverDate - now
  return Math.abs(skew) < SKEW_THRESHOLD_MS ? 0 : skew
}

/** Enter `waiting` or a final state for a checkout the server just described. */
function settle(ctx: CheckoutContext, checkout: Checkout, redirect: boolean, now: number): State {
  const kind = kindOfStatus(checkout)
  if (kind !== 'waiting') return { kind, ctx, checkout }
  const remainingMs = remaining(checkout, now, ctx.skewMs)
  if (remainingMs <= 0) return { kind: 'expired', ctx, checkout }
  return {
    kind: 'waiting',
    ctx,
    checkout,
    redirect,
    remainingMs,
    cancelling: false,
    connection: 'live',
  }
}

/**
 * The only place the rules live. A status whose version is not newer than the current one is
 * ignored (SSE and polling overlap); a final state absorbs everything except `retry`,
 * `refresh` and choosing a pay type again (the "New QR code" of an expired checkout).
 */
export function transition(state: State, action: Action): State {
  switch (action.type) {
    case 'configLoaded': {
      if (state.kind !== 'loading') return state
      const ctx = {
        config: action.config,
        methods: action.methods,
        skewMs: skewOf(action.now, action.serverDate),
      }
      if (!action.checkout) return { kind: 'choosing', ctx }
      return settle(ctx, action.checkout, action.redirect ?? false, action.now)
    }
    case 'payTypeChosen': {
      const { method, redirect, authCode } = action
      const base = {
        kind: 'creating' as const,
        method,
        redirect,
        ...(authCode ? { authCode } : {}),
      }
      if (state.kind === 'choosing') return { ...base, ctx: state.ctx }
      if (
        (state.kind === 'expired' || state.kind === 'failed' || state.kind === 'cancelled') &&
        state.ctx
      ) {
        // An expired QR may still be open at the gateway: cancel it first (no double payment).
        return state.kind === 'expired'
          ? { ...base, ctx: state.ctx, replaces: state.checkout }
          : { ...base, ctx: state.ctx }
      }
      if (state.kind === 'waiting' && !state.cancelling) {
        return { ...base, ctx: state.ctx, replaces: state.checkout }
      }
      return state
    }
    case 'checkoutCreated': {
      if (state.kind !== 'creating') return state
      const ctx = { ...state.ctx, skewMs: skewOf(action.now, action.serverDate, state.ctx.skewMs) }
      return settle(ctx, action.checkout, state.redirect, action.now)
    }
    case 'statusReceived': {
      if (state.kind !== 'waiting') return state
      const { checkout } = action
      if (checkout.id !== state.checkout.id || checkout.version <= state.checkout.version)
        return state
      const next = settle(state.ctx, checkout, state.redirect, action.now)
      return next.kind === 'waiting'
        ? { ...next, cancelling: state.cancelling, connection: state.connection }
        : next
    }
    case 'tick': {
      if (state.kind !== 'waiting') return state
      const remainingMs = remaining(state.checkout, action.now, state.ctx.skewMs)
      if (remainingMs <= 0) return { kind: 'expired', ctx: state.ctx, checkout: state.checkout }
      return remainingMs === state.remainingMs ? state : { ...state, remainingMs }
    }
    case 'connectionChanged':
      if (state.kind !== 'waiting' || state.connection === action.connection) return state
      return { ...state, connection: action.connection }
    case 'cancelRequested':
      if (state.kind !== 'waiting' || state.cancelling) return state
      return { ...state, cancelling: true }
    case 'requestFailed':
      if (state.kind === 'error' || isFinal(state) || state.kind === 'choosing') return state
      // A failed cancel leaves the checkout waiting; retry sends the cancel again.
      return { kind: 'error', error: action.error, previous: state }
    case 'retry':
      return state.kind === 'error' ? state.previous : state
    case 'refresh':
      // While waiting, refresh only re-checks the status (an effect); elsewhere start over.
      if (state.kind === 'waiting' || state.kind === 'creating' || state.kind === 'paid')
        return state
      return { kind: 'loading' }
    case 'inputsChanged':
      // Always a new state, even from loading: the load under way was for the old inputs.
      return initialState()
    default:
      return assertNever(action)
  }
}

/** Compile-time exhaustiveness check. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`)
}
