/**
 * Owns the state machine and its effects: requests, the live status and the countdown (those
 * after choosing live in the pay chunk: pay/checkout-effects.ts).
 * Entering a state starts its effects under a fresh AbortController and aborts the previous
 * state's (Task's abort-and-ticket rule, per state). Events fire from the `prev → next` diff.
 * Like `@lit/task`, it watches its inputs itself: `hostUpdate()` starts over when the endpoint
 * or the checkout to resume changed.
 *
 * The pay chunk (pay/pay.ts: what the states with a checkout need) is loaded here, once, and
 * kept here: the element and its views get it from {@link CheckoutController.pay}, so nothing in
 * the entry imports it statically (first paint never ships it).
 */
import { isServer, type ReactiveController, type ReactiveControllerHost } from 'lit'
import { createApi, type Api } from './api.ts'
import { browserEnv, type CheckoutEnv } from './checkout-env.ts'
import {
  checkoutOf,
  initialState,
  isFinal,
  transition,
  type Action,
  type State,
} from './checkout-machine.ts'
import { emit } from './events.ts'
import type { EffectDeps } from './effect-deps.ts'
import type { CheckoutInputs } from './checkout-inputs.ts'
import type { PayModule } from '../pay/pay.ts'
import type { StatusStream } from '../pay/status-stream.ts'
import { offeredMethods, wantsRedirect } from './pay-methods.ts'
import { DEV, warnOnce } from '../warn.ts'

/** What the element tells the controller (its own module: the pay chunk's effects read it too). */
export type { CheckoutInputs }

/** A Lit host that can also dispatch the widget's events. */
export type CheckoutHost = ReactiveControllerHost & EventTarget

/** What {@link CheckoutController} takes. */
export interface CheckoutControllerOptions {
  inputs: () => CheckoutInputs
  /** Overrides of the browser environment (tests inject a clock, fetch, EventSource). */
  env?: () => Partial<CheckoutEnv> | undefined
  /** Something to wait for along with the config before choosing shows (the element's locale). */
  ready?: () => unknown
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
  /** The inputs (endpoint, checkout to resume) the current run started from. */
  #inputsKey: string | undefined
  #listeners = new AbortController()
  #pay: PayModule | undefined
  #payLoad: Promise<PayModule> | undefined

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
    // Hidden / shown and back-forward cache: see pay/checkout-effects.ts `wait` (only waiting listens).
    env.window.addEventListener(
      'online',
      () => {
        this.#stream?.resume()
        if (this.state.kind === 'error' && this.state.error.code === 'network_error')
          this.dispatch({ type: 'retry' })
      },
      { signal }
    )
    this.#inputsKey = this.#key()
    this.#enter(this.state, this.state)
  }

  /** Before each render: start over when the endpoint or the checkout to resume changed. */
  hostUpdate(): void {
    // Unset while disconnected (and on a server): nothing runs, nothing to start over.
    const key = this.#inputsKey && this.#key()
    if (key === this.#inputsKey) return
    this.#inputsKey = key
    this.dispatch({ type: 'inputsChanged' })
  }

  hostDisconnected(): void {
    this.#listeners.abort()
    this.#scope?.abort()
    this.#scope = undefined
    this.#inputsKey = undefined
  }

  /** The pay chunk, once loaded (preloaded while choosing; always there once a checkout exists). */
  get pay(): PayModule | undefined {
    return this.#pay
  }

  /** Whether the shopper is on a phone (the env's answer; false before connecting and on a server). */
  isPhone(): boolean {
    return this.#env?.isPhone() ?? false
  }

  /** Choose a pay type (from choosing, or again after expiry / failure / cancel). */
  start(payType: string, authCode?: string): void {
    const ctx = 'ctx' in this.state ? this.state.ctx : undefined
    const method = ctx?.methods.find((m) => m.payType === payType)
    if (!method) {
      if (DEV)
        warnOnce(
          'unknown_pay_type',
          `Failed to start pay type ${payType}: it is not among the offered methods.`
        )
      return
    }
    const { mode } = this.#options.inputs()
    const redirect = wantsRedirect(method, mode, this.isPhone())
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

  /** Run one action through the machine and react to the change (the only way state changes). */
  dispatch(action: Action): void {
    this.#move(transition(this.state, action))
  }

  #move(next: State): void {
    const prev = this.state
    if (next === prev) return
    this.state = next
    this.#enter(prev, next)
    this.#host.requestUpdate()
    this.#emit(prev, next)
  }

  /**
   * The element's own inputs, as `@lit/task` compares its arguments. Not the page URL: the
   * redirect writes `?checkout=` into it on the way out (so coming back resumes), and a change
   * the widget made itself must not start it over. `#load` reads the URL when it resumes.
   */
  #key(): string {
    const { endpoint, checkoutId } = this.#options.inputs()
    return `${endpoint ?? ''}|${checkoutId ?? ''}`
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
      if (
        next.kind === 'waiting' &&
        prev.kind === 'waiting' &&
        next.cancelling &&
        !prev.cancelling
      ) {
        void this.#pay?.cancel(this.#deps(), next.checkout, this.#scope!.signal)
      }
      return
    }
    this.#scope?.abort()
    this.#stream = undefined
    const scope = (this.#scope = new AbortController())
    // Choosing: preload what paying needs (the pay chunk), while the shopper picks.
    // (A failure is no error while choosing: the machine ignores it, and paying loads again.)
    if (next.kind === 'choosing') void this.#loadPay(scope.signal)
    if (next.kind === 'loading') void this.#load(scope.signal)
    else if (next.kind === 'creating') void this.#create(next, scope.signal)
    // Waiting comes after creating or resuming, which loaded the pay chunk.
    else if (next.kind === 'waiting')
      this.#stream = this.#pay?.wait(this.#deps(), prev, next, scope.signal)
  }

  async #load(signal: AbortSignal): Promise<void> {
    const env = this.#env!
    const { endpoint, payTypes, mode, checkoutId } = this.#options.inputs()
    if (!endpoint) {
      if (DEV)
        warnOnce(
          'missing_endpoint',
          'Failed to load the config: the endpoint attribute is missing. Add endpoint="/qfpay".'
        )
      return
    }
    const api = this.#api()
    const resumeId = checkoutId || env.checkoutFromUrl()
    const [config, resumed] = await Promise.all([
      api.config(signal),
      resumeId ? api.get(resumeId, signal) : undefined,
      this.#options.ready?.(),
      resumeId && this.#loadPay(signal),
    ])
    if (signal.aborted) return
    if (!config.ok) return this.dispatch({ type: 'requestFailed', error: config.error })
    if (resumed && !resumed.ok && resumed.error.retryable)
      return this.dispatch({ type: 'requestFailed', error: resumed.error })
    const methods = offeredMethods(config.value.methods ?? [], payTypes, mode)
    const checkout = resumed?.ok ? resumed.value : undefined
    // A resumed redirect checkout shows "waiting", not a QR of the wallet's web page.
    const method = checkout && methods.find((m) => m.payType === checkout.payType)
    this.dispatch({
      type: 'configLoaded',
      config: config.value,
      methods,
      now: env.clock.now(),
      checkout,
      redirect: !!method && wantsRedirect(method, mode, env.isPhone()),
      serverDate: config.serverDate,
    })
  }

  /** Open a checkout, once the pay chunk (which does it) is there. */
  async #create(state: Extract<State, { kind: 'creating' }>, signal: AbortSignal): Promise<void> {
    const pay = await this.#loadPay(signal)
    if (pay) await pay.create(this.#deps(), state, signal)
  }

  /** What the pay chunk's effects need. */
  #deps(): EffectDeps {
    return {
      env: this.#env!,
      api: this.#api(),
      inputs: this.#options.inputs,
      dispatch: (action) => this.dispatch(action),
    }
  }

  /**
   * Load the pay chunk (waiting and the final states render from it) before a checkout is
   * opened or resumed: once (its only `import()`), kept in {@link pay}. A chunk that cannot load
   * is a retryable network error, and the next call tries again.
   */
  async #loadPay(signal: AbortSignal): Promise<PayModule | undefined> {
    try {
      return (this.#pay ??= await (this.#payLoad ??= import('../pay/pay.ts')))
    } catch (cause) {
      this.#payLoad = undefined
      if (!signal.aborted) {
        this.dispatch({
          type: 'requestFailed',
          error: { code: 'network_error', message: String(cause), retryable: true },
        })
      }
      return undefined
    }
  }

  #emit(prev: State, next: State): void {
    const checkout = checkoutOf(next)
    if (prev.kind === 'creating' && checkout && checkout.id !== prev.replaces?.id) {
      emit(this.#host, 'qfpay-created', checkout)
    }
    if (isFinal(next) && prev.kind !== next.kind)
      emit(this.#host, `qfpay-${next.kind}`, next.checkout)
    if (next.kind === 'error' && prev.kind !== 'error') {
      emit(this.#host, 'qfpay-error', { ...next.error, ...(checkout ? { checkout } : {}) })
    }
  }
}
