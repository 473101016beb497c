/**
 * Owns the state machine and its effects: requests, the live status and the countdown.
 * Entering a state starts its effects under a fresh AbortController and aborts the previous
 * state's (Task's abort-and-ticket rule, per state). Events fire from the `prev → next` diff.
 */
import { isServer, type ReactiveController, type ReactiveControllerHost } from 'lit'
import type { Checkout } from '@qfpay-checkout/server/contract'
import { createApi, type Api } from './api.ts'
import { browserEnv, type CheckoutEnv } from './checkout-env.ts'
import {
  checkoutOf,
  initialState,
  isFinal,
  kindOfStatus,
  transition,
  type Action,
  type CheckoutMode,
  type State,
  type WidgetError,
} from './checkout-machine.ts'
import { emit } from './events.ts'
import { StatusStream } from './status-stream.ts'
import { offeredMethods, wantsRedirect } from './pay-methods.ts'
import { warnOnce } from './warn.ts'

/** Countdown tick, ms. */
const TICK_MS = 1_000

/** What the element tells the controller, read at the moment it is needed. */
export interface CheckoutInputs {
  endpoint: string | undefined
  order: string | undefined
  payTypes: string[] | undefined
  mode: CheckoutMode
  checkoutId: string | undefined
}

/** A Lit host that can also dispatch the widget's events. */
export type CheckoutHost = ReactiveControllerHost & EventTarget

/** What {@link CheckoutController} takes. */
export interface CheckoutControllerOptions {
  inputs: () => CheckoutInputs
  /** Overrides of the browser environment (tests inject a clock, fetch, EventSource). */
  env?: () => Partial<CheckoutEnv> | undefined
}

/** The `<qfpay-checkout>` brain: state, transport, timers and events. */
export class CheckoutController implements ReactiveController {
  /** The current state; replaced (never mutated) on every change. */
  state: State = initialState()
  #host: CheckoutHost
  #options: CheckoutControllerOptions
  #env: CheckoutEnv | undefined
  #scope: AbortController | undefined
  #stream: StatusStream | undefined
  #loadedKey: string | undefined
  #listeners = new AbortController()

  constructor(host: CheckoutHost, options: CheckoutControllerOptions) {
    this.#host = host
    this.#options = options
    host.addController(this)
  }

  hostConnected(): void {
    if (isServer) return
    const env = (this.#env ??= { ...browserEnv(), ...this.#options.env?.() })
    this.#listeners = new AbortController()
    const signal = this.#listeners.signal
    env.document.addEventListener('visibilitychange', () => {
      if (env.document.visibilityState === 'hidden') this.#stream?.pause()
      else this.#stream?.resume()
    }, { signal })
    env.window.addEventListener('pageshow', () => this.#stream?.resume(), { signal })
    env.window.addEventListener('online', () => {
      this.#stream?.resume()
      if (this.state.kind === 'error' && this.state.error.code === 'network_error') this.dispatch({ type: 'retry' })
    }, { signal })
    this.#enter(this.state, this.state)
  }

  hostDisconnected(): void {
    this.#listeners.abort()
    this.#scope?.abort()
    this.#scope = undefined
    this.#loadedKey = undefined
  }

  /** The element's endpoint or resume id changed: load again when they differ from the last load. */
  inputsChanged(): void {
    if (!this.#env) return
    const key = this.#key()
    if (key === this.#loadedKey) return
    this.#loadedKey = undefined
    this.dispatchState(initialState())
  }

  /** Choose a pay type (from choosing, or again after expiry / failure / cancel). */
  start(payType: string, authCode?: string): void {
    const ctx = 'ctx' in this.state ? this.state.ctx : undefined
    const method = ctx?.methods.find((m) => m.payType === payType)
    if (!method) {
      warnOnce('unknown_pay_type', `Failed to start pay type ${payType}: it is not among the offered methods.`)
      return
    }
    const { mode } = this.#options.inputs()
    const redirect = wantsRedirect(method, mode, this.#env?.isPhone() ?? false)
    this.dispatch({ type: 'payTypeChosen', method, redirect, ...(authCode ? { authCode } : {}) })
  }

  /** Cancel the waiting checkout (POST cancel); a paid one stays paid. */
  cancel(): void {
    this.dispatch({ type: 'cancelRequested' })
  }

  /** Waiting: check the status now. Otherwise: retry the failed step or start over. */
  refresh(): void {
    if (this.state.kind === 'waiting') void this.#stream?.checkNow()
    else if (this.state.kind === 'error' && this.state.error.retryable) this.retry()
    else this.dispatch({ type: 'refresh' })
  }

  /** Try the failed step again. */
  retry(): void {
    this.dispatch({ type: 'retry' })
  }

  /** Run one action through the machine and react to the change. */
  dispatch(action: Action): void {
    this.dispatchState(transition(this.state, action))
  }

  /** Move to `next` (normally via {@link dispatch}). */
  dispatchState(next: State): void {
    const prev = this.state
    if (next === prev) return
    this.state = next
    this.#enter(prev, next)
    this.#host.requestUpdate()
    this.#emit(prev, next)
  }

  #key(): string {
    const { endpoint, checkoutId } = this.#options.inputs()
    return `${endpoint ?? ''}|${checkoutId ?? this.#env?.checkoutFromUrl() ?? ''}`
  }

  #api(): Api {
    return createApi({ endpoint: this.#options.inputs().endpoint ?? '', fetch: this.#env!.fetch })
  }

  #enter(prev: State, next: State): void {
    if (!this.#env) return
    const fresh =
      prev === next ||
      prev.kind !== next.kind ||
      next.kind === 'loading' ||
      (next.kind === 'waiting' && prev.kind === 'waiting' && prev.checkout.id !== next.checkout.id)
    if (!fresh) {
      if (next.kind === 'waiting' && prev.kind === 'waiting' && next.cancelling && !prev.cancelling) {
        void this.#cancel(next.checkout, this.#scope!.signal)
      }
      return
    }
    this.#scope?.abort()
    this.#stream = undefined
    const scope = (this.#scope = new AbortController())
    if (next.kind === 'loading') void this.#load(scope.signal)
    else if (next.kind === 'creating') void this.#create(next, scope.signal)
    else if (next.kind === 'waiting') this.#wait(prev, next, scope.signal)
  }

  async #load(signal: AbortSignal): Promise<void> {
    const env = this.#env!
    const { endpoint, payTypes, mode, checkoutId } = this.#options.inputs()
    if (!endpoint) {
      warnOnce('missing_endpoint', 'Failed to load the config: the endpoint attribute is missing. Add endpoint="/qfpay".')
      return
    }
    this.#loadedKey = this.#key()
    const api = this.#api()
    const resumeId = checkoutId || env.checkoutFromUrl()
    const [config, resumed] = await Promise.all([api.config(signal), resumeId ? api.get(resumeId, signal) : undefined])
    if (signal.aborted) return
    if (!config.ok) return this.dispatch({ type: 'requestFailed', error: config.error })
    if (resumed && !resumed.ok && resumed.error.retryable) return this.dispatch({ type: 'requestFailed', error: resumed.error })
    const methods = offeredMethods(config.value.methods ?? [], payTypes, mode)
    const checkout = resumed?.ok ? resumed.value : undefined
    this.dispatch({
      type: 'configLoaded',
      config: config.value,
      methods,
      now: env.clock.now(),
      ...(checkout ? { checkout } : {}),
      ...(config.serverDate !== undefined ? { serverDate: config.serverDate } : {}),
    })
    // A resumed redirect checkout shows "waiting", not a QR of the wallet's web page.
    const method = checkout && methods.find((m) => m.payType === checkout.payType)
    if (this.state.kind === 'waiting' && method && wantsRedirect(method, mode, env.isPhone())) {
      this.dispatchState({ ...this.state, redirect: true })
    }
  }

  async #create(state: Extract<State, { kind: 'creating' }>, signal: AbortSignal): Promise<void> {
    const env = this.#env!
    const api = this.#api()
    if (state.replaces && state.replaces.status === 'pending') {
      // Cancel the stale checkout first, so a late scan of the old code cannot pay twice.
      const closed = await this.#cancelResult(api, state.replaces, signal)
      if (signal.aborted) return
      if (!closed.ok) return this.dispatch({ type: 'requestFailed', error: closed.error })
      if (closed.value && kindOfStatus(closed.value) === 'paid') {
        return this.dispatch({ type: 'checkoutCreated', checkout: closed.value, now: env.clock.now() })
      }
    }
    const { order } = this.#options.inputs()
    if (!order) {
      warnOnce('missing_order', 'Failed to create a checkout: the order attribute is missing. Add order="A-1001".')
      const error: WidgetError = { code: 'invalid_request', message: 'order is missing', retryable: false }
      return this.dispatch({ type: 'requestFailed', error })
    }
    const body = { payType: state.method.payType, order, ...(state.authCode ? { authCode: state.authCode } : {}) }
    const created = await api.create(body, signal)
    if (signal.aborted) return
    if (!created.ok) return this.dispatch({ type: 'requestFailed', error: created.error })
    const serverDate = created.serverDate
    this.dispatch({ type: 'checkoutCreated', checkout: created.value, now: env.clock.now(), ...(serverDate !== undefined ? { serverDate } : {}) })
  }

  /** POST cancel; "already paid" or "already final" answers resolve to the current checkout. */
  async #cancelResult(api: Api, checkout: Checkout, signal: AbortSignal) {
    const result = await api.cancel(checkout.id, signal)
    if (result.ok || signal.aborted) return result
    if (result.error.code === 'already_paid' || result.error.code === 'checkout_final') return api.get(checkout.id, signal)
    if (!result.error.retryable) return { ok: true as const, value: undefined }
    return result
  }

  async #cancel(checkout: Checkout, signal: AbortSignal): Promise<void> {
    const result = await this.#cancelResult(this.#api(), checkout, signal)
    if (signal.aborted) return
    if (!result.ok) return this.dispatch({ type: 'requestFailed', error: result.error })
    if (result.value) this.dispatch({ type: 'statusReceived', checkout: result.value, now: this.#env!.clock.now() })
  }

  #wait(prev: State, next: Extract<State, { kind: 'waiting' }>, signal: AbortSignal): void {
    const env = this.#env!
    const { checkout } = next
    if (prev.kind === 'creating' && next.redirect && checkout.payUrl) env.navigate(checkout.payUrl, checkout.id)
    const api = this.#api()
    const stream = (this.#stream = new StatusStream({
      eventsUrl: api.eventsUrl(checkout.id),
      poll: (s) => api.get(checkout.id, s),
      EventSource: env.EventSource,
      clock: env.clock,
      signal,
      onStatus: (c) => this.dispatch({ type: 'statusReceived', checkout: c, now: env.clock.now() }),
      onConnection: (connection) => this.dispatch({ type: 'connectionChanged', connection }),
      onError: (error) => this.dispatch({ type: 'requestFailed', error }),
    }))
    stream.start()
    if (env.document.visibilityState === 'hidden') stream.pause()
    const tick = () => {
      if (signal.aborted) return
      this.dispatch({ type: 'tick', now: env.clock.now() })
      timer = env.clock.setTimeout(tick, TICK_MS)
    }
    let timer = env.clock.setTimeout(tick, TICK_MS)
    signal.addEventListener('abort', () => env.clock.clearTimeout(timer), { once: true })
    if (next.cancelling) void this.#cancel(checkout, signal)
  }

  #emit(prev: State, next: State): void {
    const checkout = checkoutOf(next)
    if (prev.kind === 'creating' && checkout && checkout.id !== prev.replaces?.id) {
      emit(this.#host, 'qfpay-created', checkout)
    }
    if (isFinal(next) && prev.kind !== next.kind) emit(this.#host, `qfpay-${next.kind}`, next.checkout)
    if (next.kind === 'error' && prev.kind !== 'error') {
      emit(this.#host, 'qfpay-error', { ...next.error, ...(checkout ? { checkout } : {}) })
    }
  }
}
