/**
 * The sandbox's shared state and the operations both the HTTP routes and the programmatic
 * surface use: merchants, the order book, the notifier, knobs and the clock.
 */
import { randomBytes } from 'node:crypto'
import { systemClock, type SandboxClock } from './clock.ts'
import { GatewayError } from './gateway-error.ts'
import { SandboxError } from './sandbox-error.ts'
import { createIdSource } from './ids.ts'
import { PAY_TYPES } from '../qfpay/pay-types.ts'
import {
  DEFAULT_KNOBS,
  parseKnobs,
  parseProfile,
  PROFILE_KNOBS,
  type SandboxKnobs,
  type SandboxProfile,
} from './knobs.ts'
import { createMerchant, type SandboxMerchant, type SandboxMerchantOptions } from './merchants.ts'
import { Notifier, type NotifyRecord } from './notifier.ts'
import { paymentNotifyFields, refundNotifyFields } from './order-rows.ts'
import { OrderBook, type OrderEvents, type SandboxOrder } from './orders.ts'
import { RateLimiter } from './rate-limiter.ts'

/** Options of `createSandbox()`. Every field is optional: with none, one merchant is generated. */
export interface SandboxOptions extends SandboxMerchantOptions {
  /** Several merchants; when given, the top-level merchant fields are ignored. */
  merchants?: readonly SandboxMerchantOptions[]
  /** Absolute origin for the phone-page URLs it hands out. Default: the origin of each request. */
  publicUrl?: string
  /** Divides expiry and notify retry delays (`--time-scale`). Default 1. */
  timeScale?: number
  /** Time source and timers. Default: the system clock. */
  clock?: SandboxClock
  /** Shorthand for a clock whose `now()` is this and whose timers are the system's. */
  now?: () => number
  /** Delivers notifies. Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch
  /** Draws for the rate knobs, in [0, 1). Default `Math.random`. */
  random?: () => number
  /**
   * `seed` (default) plays the seed documents; `current` plays today's gateway: the knobs in
   * `PROFILE_KNOBS.current`, and every known pay type enabled for merchants that name none.
   * Explicit `knobs` win over the profile's.
   */
  profile?: SandboxProfile
  /** Initial knobs (see `SandboxKnobs`). */
  knobs?: Partial<SandboxKnobs>
  /** Largest accepted request body in bytes. Default 64 KiB. */
  bodyLimit?: number
  /** Receives unexpected internal errors (never a key). Default: `console.error`. */
  onInternalError?: (error: unknown) => void
  /**
   * The secret every state-changing control request (`POST`/`PUT /__sandbox/…`) must carry as
   * `Authorization: Bearer <token>` or `X-Sandbox-Token`. Default: 128 random bits, readable as
   * `sandbox.controlToken`. Anyone who can reach the control API without it could mark orders
   * paid, so it is never optional.
   */
  controlToken?: string
}

/** A control operation refused: 404 unknown order, 409 wrong state, 400 bad input. */
export class SandboxControlError extends SandboxError {
  constructor(
    readonly status: 400 | 401 | 404 | 409,
    code: string,
    message: string,
    readonly respcd?: string
  ) {
    super(code, message)
    this.name = 'SandboxControlError'
  }
}

/** The shared core. */
export interface SandboxCore {
  merchants: ReadonlyMap<string, SandboxMerchant>
  book: OrderBook
  notifier: Notifier
  rateLimiter: RateLimiter
  clock: SandboxClock
  random: () => number
  publicUrl: string | undefined
  bodyLimit: number
  /** See `SandboxOptions.controlToken`. */
  controlToken: string
  knobs: SandboxKnobs
  /** By out_trade_no; the same object is the order's `knobs` once it exists. */
  orderKnobs: Map<string, Partial<SandboxKnobs>>
  onInternalError: (error: unknown) => void
  knobsFor(outTradeNo?: string): SandboxKnobs
  setKnobs(input: unknown): SandboxKnobs
  setOrderKnobs(outTradeNo: string, input: unknown): Partial<SandboxKnobs>
  merchantOf(order: SandboxOrder): SandboxMerchant
  /** The configured URL wins; a per-request one is used only when none is configured. */
  returnUrlFor(order: SandboxOrder): string | undefined
  /** Control operations by syssn; they throw `SandboxControlError`. */
  control: {
    order(syssn: string): SandboxOrder
    pay(syssn: string): SandboxOrder
    decline(syssn: string, respcd?: string): SandboxOrder
    expire(syssn: string): SandboxOrder
    latePay(syssn: string): SandboxOrder
    notify(syssn: string): NotifyRecord
  }
}

/** Builds the core from options. */
export function createCore(options: SandboxOptions = {}): SandboxCore {
  const timeScale = options.timeScale ?? 1
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new TypeError('Failed to create the sandbox: timeScale must be a positive number.')
  const clock: SandboxClock =
    options.clock ?? (options.now ? { ...systemClock, now: options.now } : systemClock)
  const random = options.random ?? Math.random
  const profile = parseProfile(options.profile)
  const allTypes = profile === 'current' ? { payTypes: [...PAY_TYPES.keys()] } : {}
  const merchantList = (options.merchants ?? [options]).map((m) =>
    createMerchant({ ...allTypes, ...m })
  )
  const merchants = new Map(merchantList.map((m) => [m.appcode, m]))
  if (merchants.size !== merchantList.length)
    throw new TypeError('Failed to create the sandbox: two merchants share an appcode.')
  const events: OrderEvents = {
    paid(order) {
      const merchant = core.merchantOf(order)
      const fields = paymentNotifyFields(order, merchant.mchid)
      notifier.send({
        syssn: order.syssn,
        notifyType: 'payment',
        fields,
        key: merchant.key,
        url: notifyUrlFor(order),
        knobs: core.knobsFor(order.outTradeNo),
      })
    },
    refunded(order, refund) {
      const merchant = core.merchantOf(order)
      const fields = refundNotifyFields(order, refund, merchant.mchid)
      notifier.send({
        syssn: refund.syssn,
        notifyType: 'refund',
        fields,
        key: merchant.key,
        url: notifyUrlFor(order),
        knobs: core.knobsFor(order.outTradeNo),
      })
    },
  }
  const notifier = new Notifier({
    clock,
    fetch: options.fetch ?? ((...args) => globalThis.fetch(...args)),
    timeScale,
    random,
  })

  const core: SandboxCore = {
    merchants,
    notifier,
    clock,
    random,
    rateLimiter: new RateLimiter(),
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    controlToken: checkControlToken(options.controlToken) ?? randomBytes(16).toString('hex'),
    knobs: { ...DEFAULT_KNOBS, ...PROFILE_KNOBS[profile], ...parseKnobs(options.knobs ?? {}) },
    orderKnobs: new Map(),
    onInternalError:
      options.onInternalError ??
      ((error) => console.error('[qfpay-sandbox] internal error:', error)),
    book: new OrderBook(clock, createIdSource(), events, timeScale),
    knobsFor: (outTradeNo) => ({
      ...core.knobs,
      ...(outTradeNo === undefined ? {} : core.orderKnobs.get(outTradeNo)),
    }),
    setKnobs(input) {
      const { orders, ...rest } = (
        typeof input === 'object' && input !== null ? input : {}
      ) as Record<string, unknown>
      const parsed = parseKnobs(typeof input === 'object' && input !== null ? rest : input)
      if (orders !== undefined) {
        if (typeof orders !== 'object' || orders === null)
          throw new SandboxControlError(
            400,
            'invalid_knobs',
            'Failed to set knobs: orders must map out_trade_no to knobs.'
          )
        for (const [outTradeNo, knobs] of Object.entries(orders))
          core.setOrderKnobs(outTradeNo, knobs)
      }
      Object.assign(core.knobs, parsed)
      return { ...core.knobs }
    },
    setOrderKnobs(outTradeNo, input) {
      const parsed = parseKnobs(input)
      let knobs = core.orderKnobs.get(outTradeNo)
      if (!knobs) core.orderKnobs.set(outTradeNo, (knobs = {}))
      return Object.assign(knobs, parsed)
    },
    merchantOf: (order) => merchants.get(order.appcode) as SandboxMerchant,
    returnUrlFor: (order) => core.merchantOf(order).returnUrl ?? order.requestReturnUrl,
    control: {
      order(syssn) {
        const order = core.book.get(syssn)
        if (!order)
          throw new SandboxControlError(
            404,
            'order_not_found',
            `Failed to find order ${syssn}: no such syssn.`
          )
        return order
      },
      pay: (syssn) => guard(() => core.book.pay(core.control.order(syssn))),
      decline: (syssn, respcd) => guard(() => core.book.decline(core.control.order(syssn), respcd)),
      expire: (syssn) => guard(() => core.book.expire(core.control.order(syssn))),
      latePay: (syssn) => guard(() => core.book.pay(core.control.order(syssn), { late: true })),
      notify(syssn) {
        const order = core.control.order(syssn)
        const previous = notifier
          .log()
          .filter((r) => r.syssn === syssn && r.notifyType === 'payment')
          .at(-1)
        if (previous) return notifier.resend(previous, core.merchantOf(order).key)
        if (order.state !== 'paid')
          throw new SandboxControlError(
            409,
            'order_not_paid',
            `Failed to notify order ${syssn}: it is ${order.state}; QFPay only notifies successes.`
          )
        events.paid(order)
        return notifier.log().at(-1) as NotifyRecord
      },
    },
  }

  /** One notify URL per appcode, set by QFPay (2017); a per-request notify_url only fills a gap. */
  function notifyUrlFor(order: SandboxOrder): string | undefined {
    return core.merchantOf(order).notifyUrl ?? order.requestNotifyUrl
  }
  return core
}

/** A given control token must be long enough not to be guessed. */
function checkControlToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined
  if (!/^[\x21-\x7e]{16,200}$/.test(token))
    throw new TypeError(
      'Failed to create the sandbox: controlToken must be 16 to 200 printable characters, no spaces.'
    )
  return token
}

/** Turns a state refusal of the book into a control error that keeps the QFPay code. */
function guard(run: () => SandboxOrder): SandboxOrder {
  try {
    return run()
  } catch (error) {
    if (error instanceof GatewayError)
      throw new SandboxControlError(
        409,
        'invalid_state',
        `Failed to change the order: ${error.message}.`,
        error.respcd
      )
    throw error
  }
}
