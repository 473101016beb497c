/**
 * The controller's effects once the shopper has chosen (part of the pay chunk): open a
 * checkout, cancel one, and follow a waiting one live with its countdown. Each takes the
 * controller's {@link EffectDeps} and the signal of the state it runs for.
 */
import type { Checkout } from '@qfpay-checkout/server/contract'
import type { Api } from '../state/api.ts'
import type { EffectDeps } from '../state/effect-deps.ts'
import { kindOfStatus, type State } from '../state/checkout-machine.ts'
import { warnOnce } from '../warn.ts'
import { StatusStream } from './status-stream.ts'

/**
 * warn.ts `DEV`, written out: a constant imported from another chunk (warn.ts lives in the
 * entry) is not folded by the minifier, and production builds must drop the warnings here too.
 */
declare const __QFPAY_DEV__: boolean | undefined
const DEV = typeof __QFPAY_DEV__ === 'undefined' || __QFPAY_DEV__

/** Countdown tick, ms. */
const TICK_MS = 1_000

/** Open a checkout for the chosen pay type (after cancelling the one it replaces). */
export async function create(
  { env, api, inputs, dispatch }: EffectDeps,
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
    if (DEV)
      warnOnce(
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
  { env, api, dispatch }: EffectDeps,
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
  deps: EffectDeps,
  prev: State,
  next: Extract<State, { kind: 'waiting' }>,
  signal: AbortSignal
): StatusStream {
  const { env, api, dispatch } = deps
  const { checkout } = next
  const { clock } = env
  if (prev.kind === 'creating' && next.redirect && checkout.payUrl)
    (env.navigate ?? leaveFor)(checkout.payUrl, checkout.id)
  const stream = new StatusStream({
    eventsUrl: api.eventsUrl(checkout.id),
    poll: (s, after) => api.get(checkout.id, s, after),
    version: checkout.version,
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
  if (next.cancelling) void cancel(deps, checkout, signal)
  return stream
}

/** The browser's navigation to the wallet (`CheckoutEnv.navigate` unset). */
function leaveFor(url: string, checkoutId: string): void {
  // Coming back (back button without bfcache, or a reload) must resume, not start over.
  const here = new URL(location.href)
  here.searchParams.set('checkout', checkoutId)
  history.replaceState(history.state, '', here)
  location.assign(url)
}
