/**
 * The controller's effects once the shopper has chosen (part of the pay chunk): open a
 * checkout, cancel one, and follow a waiting one live with its countdown.
 */
import type { Checkout } from '@qfpay-checkout/server/contract'
import type { Api } from './api.ts'
import type { CheckoutInputs } from './checkout-inputs.ts'
import type { CheckoutEnv } from './checkout-env.ts'
import { kindOfStatus, type Action, type State } from './checkout-machine.ts'
import { StatusStream } from './status-stream.ts'

/** Countdown tick, ms. */
const TICK_MS = 1_000

/** What the effects need from the controller. */
export interface Effects {
  env: CheckoutEnv
  api: Api
  inputs: () => CheckoutInputs
  dispatch: (action: Action) => void
  /** warn.ts `warnOnce` in development, undefined in production builds (from the entry, so the
   *  pay chunk links nothing that production drops). */
  warn: ((code: string, message: string) => void) | undefined
}

/** Open a checkout for the chosen pay type (after cancelling the one it replaces). */
export async function create(
  { env, api, inputs, dispatch, warn }: Effects,
  state: Extract<State, { kind: 'creating' }>,
  signal: AbortSignal
): Promise<void> {
  if (state.replaces && state.replaces.status === 'pending') {
    // Cancel the stale checkout first, so a late scan of the old code cannot pay twice.
    const closed = await cancelResult(api, state.replaces, signal)
    if (signal.aborted) return
    if (!closed.ok) return dispatch({ type: 'requestFailed', error: closed.error })
    if (closed.value && kindOfStatus(closed.value) === 'paid') {
      return dispatch({ type: 'checkoutCreated', checkout: closed.value, now: env.clock.now() })
    }
  }
  const { order } = inputs()
  if (!order) {
    warn?.(
      'missing_order',
      'Failed to create a checkout: the order attribute is missing. Add order="A-1001".'
    )
    return dispatch({
      type: 'requestFailed',
      error: { code: 'invalid_request', message: 'order is missing', retryable: false },
    })
  }
  // JSON leaves out an undefined authCode.
  const created = await api.create(
    { payType: state.method.payType, order, authCode: state.authCode },
    signal
  )
  if (signal.aborted) return
  if (!created.ok) return dispatch({ type: 'requestFailed', error: created.error })
  dispatch({
    type: 'checkoutCreated',
    checkout: created.value,
    now: env.clock.now(),
    serverDate: created.serverDate,
  })
}

/** POST cancel; "already paid" or "already final" answers resolve to the current checkout. */
async function cancelResult(api: Api, checkout: Checkout, signal: AbortSignal) {
  const result = await api.cancel(checkout.id, signal)
  if (result.ok || signal.aborted) return result
  if (result.error.code === 'already_paid' || result.error.code === 'checkout_final')
    return api.get(checkout.id, signal)
  if (!result.error.retryable) return { ok: true as const, value: undefined }
  return result
}

/** Cancel the waiting checkout; a paid one comes back as paid. */
export async function cancel(
  { env, api, dispatch }: Effects,
  checkout: Checkout,
  signal: AbortSignal
): Promise<void> {
  const result = await cancelResult(api, checkout, signal)
  if (signal.aborted) return
  if (!result.ok) return dispatch({ type: 'requestFailed', error: result.error })
  if (result.value)
    dispatch({ type: 'statusReceived', checkout: result.value, now: env.clock.now() })
}

/** Enter waiting: go to the wallet (redirect), follow the status live, tick the countdown. */
export function wait(
  fx: Effects,
  prev: State,
  next: Extract<State, { kind: 'waiting' }>,
  signal: AbortSignal
): StatusStream {
  const { env, api, dispatch } = fx
  const { checkout } = next
  const { clock } = env
  if (prev.kind === 'creating' && next.redirect && checkout.payUrl)
    env.navigate(checkout.payUrl, checkout.id)
  const stream = new StatusStream({
    eventsUrl: api.eventsUrl(checkout.id),
    poll: (s) => api.get(checkout.id, s),
    EventSource: env.EventSource,
    clock,
    signal,
    onStatus: (c) => dispatch({ type: 'statusReceived', checkout: c, now: clock.now() }),
    onConnection: (connection) => dispatch({ type: 'connectionChanged', connection }),
    onError: (error) => dispatch({ type: 'requestFailed', error }),
  })
  stream.start()
  // No traffic while the tab is hidden; shown again or back from the wallet: check at once.
  const { document: doc, window: win } = env
  if (doc.visibilityState === 'hidden') stream.pause()
  doc.addEventListener(
    'visibilitychange',
    () => (doc.visibilityState === 'hidden' ? stream.pause() : stream.resume()),
    { signal }
  )
  win.addEventListener('pageshow', () => stream.resume(), { signal })
  const tick = () => {
    if (signal.aborted) return
    dispatch({ type: 'tick', now: clock.now() })
    timer = clock.setTimeout(tick, TICK_MS)
  }
  let timer = clock.setTimeout(tick, TICK_MS)
  signal.addEventListener('abort', () => clock.clearTimeout(timer), { once: true })
  if (next.cancelling) void cancel(fx, checkout, signal)
  return stream
}
