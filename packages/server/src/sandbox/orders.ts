/**
 * Per-order state, with QFPay's 2017 close/reversal rules
 * (docs/qfpay-protocol.md#close-and-reversal):
 *
 *   created ──pay──► paid ──refund(s)──► (partially) refunded
 *   created ──expire / close──► closed | expired      pending (swipe) ──reversal──► closed
 *   created, pending ──decline──► failed              paid swipe ──reversal──► reversed (refunded)
 *   closed, expired, failed ──late-pay (control)──► paid, flagged late
 *
 * The book enforces the rules and raises `GatewayError`s with QFPay's codes; HTTP lives elsewhere.
 */
import { payTypeInfo } from '../qfpay/pay-types.ts'
import type { SandboxClock } from './clock.ts'
import { GatewayError } from './gateway-error.ts'
import type { IdSource } from './ids.ts'
import type { SandboxKnobs } from './knobs.ts'
import { formatTxdtm } from '../qfpay/txdtm.ts'

/** The order's own state; refunds are read from `refunds`. */
export type OrderState =
  'created' | 'pending' | 'paid' | 'failed' | 'closed' | 'expired' | 'reversed'

/** One refund: its own transaction (`order_type=refund`, `origssn` = the payment). */
export interface SandboxRefund {
  syssn: string
  outTradeNo: string
  txamt: number
  txdtm: string
  sysdtm: string
  udid: string
  createdAt: number
}

/** One payment order. Amounts are integers in minor units. */
export interface SandboxOrder {
  syssn: string
  appcode: string
  outTradeNo: string
  payType: string
  txamt: number
  txcurrcd: string
  txdtm: string
  sysdtm: string
  createdAt: number
  goodsName: string
  udid: string
  state: OrderState
  /** The row `respcd` of a failed order (e.g. 1201). */
  declineRespcd?: string
  paidAt?: number
  chnlsn: string
  cardcd: string
  /** Pre-orders only. */
  expiresAt?: number
  /** Pre-orders only: the phone page's token and the URL handed out as `pay_url`/`qrcode`. */
  token?: string
  payUrl?: string
  refunds: SandboxRefund[]
  /** Swipe-card orders: `/query` calls left that still answer 1143. */
  pendingQueries: number
  /** Paid after it was closed, expired or declined (control `late-pay`). */
  latePaid: boolean
  /** The close/reversal transaction, once cancelled. */
  cancelSyssn?: string
  /** Per-request URLs, used only when the merchant has none configured (see `notifier.ts`). */
  requestNotifyUrl?: string
  requestReturnUrl?: string
  /** Knobs for this order only, over the sandbox's. */
  knobs: Partial<SandboxKnobs>
}

/** What a new order needs. */
export type NewOrder = Pick<
  SandboxOrder,
  | 'appcode'
  | 'outTradeNo'
  | 'payType'
  | 'txamt'
  | 'txcurrcd'
  | 'txdtm'
  | 'goodsName'
  | 'udid'
  | 'knobs'
> &
  Partial<Pick<SandboxOrder, 'requestNotifyUrl' | 'requestReturnUrl'>> & { expiredMinutes?: number }

/** Hooks the book calls after a success, to send notifies. */
export interface OrderEvents {
  paid(order: SandboxOrder): void
  refunded(order: SandboxOrder, refund: SandboxRefund): void
}

/** sdk.qfapi.com `02-reversal.md` (2026-02): the endpoint per pay type it names. */
const CURRENT_CANCEL: Record<string, 'close' | 'reversal'> = {
  '800101': 'reversal',
  '801501': 'reversal',
  '800201': 'reversal',
  '800108': 'reversal',
  '800008': 'close',
  '800208': 'close',
  '801008': 'close',
}
/** sdk.qfapi.com `02-reversal-cancel.md` (2025-08): "Hong Kong PayTypes do not support cancel". */
const HK_NO_CANCEL = new Set(['801512', '801514'])

/** Keeps orders and refunds, and moves them between states. */
export class OrderBook {
  readonly #orders = new Map<string, SandboxOrder>()
  readonly #byToken = new Map<string, SandboxOrder>()
  /** appcode → every out_trade_no used by a payment or a refund (unique across both). */
  readonly #outTradeNos = new Map<string, Map<string, SandboxOrder>>()
  /** A refund's syssn → the payment it refunds (payments are found by `#orders`). */
  readonly #refundSyssns = new Map<string, SandboxOrder>()
  readonly #timers = new Map<string, unknown>()

  constructor(
    private readonly clock: SandboxClock,
    private readonly ids: IdSource,
    private readonly events: OrderEvents,
    /** Divides every duration (expiry here; notify retries in the notifier). */
    private readonly timeScale: number
  ) {}

  /** Every order, oldest first, after applying any due expiry. */
  list(): SandboxOrder[] {
    return [...this.#orders.values()].map((order) => this.touch(order))
  }

  get(syssn: string): SandboxOrder | undefined {
    const order = this.#orders.get(syssn)
    return order && this.touch(order)
  }

  byToken(token: string): SandboxOrder | undefined {
    const order = this.#byToken.get(token)
    return order && this.touch(order)
  }

  /** The payment an `out_trade_no` names for a merchant (refund numbers do not count). */
  byOutTradeNo(appcode: string, outTradeNo: string): SandboxOrder | undefined {
    const order = this.#outTradeNos.get(appcode)?.get(outTradeNo)
    return order && order.outTradeNo === outTradeNo ? this.touch(order) : undefined
  }

  /**
   * The orders a list of `out_trade_no`s names (a payment's own number, or one of its refunds'),
   * found through the index rather than by reading the whole book, each once.
   */
  byNumbers(appcode: string, outTradeNos: Iterable<string>): SandboxOrder[] {
    const index = this.#outTradeNos.get(appcode)
    const found = new Set<SandboxOrder>()
    for (const no of outTradeNos) {
      const order = index?.get(no)
      if (order) found.add(this.touch(order))
    }
    return [...found]
  }

  /**
   * The orders a list of `syssn`s names (a payment's own, or one of its refunds'), found through
   * the indexes rather than by reading the whole book, each once.
   */
  bySyssns(syssns: Iterable<string>): SandboxOrder[] {
    const found = new Set<SandboxOrder>()
    for (const syssn of syssns) {
      const order = this.#orders.get(syssn) ?? this.#refundSyssns.get(syssn)
      if (order) found.add(this.touch(order))
    }
    return [...found]
  }

  /** 2011 when the number was already used by a payment or a refund of this merchant. */
  assertFreeOutTradeNo(appcode: string, outTradeNo: string): void {
    if (this.#outTradeNos.get(appcode)?.has(outTradeNo)) {
      throw new GatewayError(
        '2011',
        `out_trade_no ${outTradeNo} was already used by a payment or refund of this merchant`
      )
    }
  }

  /** Records a new order in `created` state (the caller then pays, declines or leaves it). */
  create(input: NewOrder, payUrlFor: (token: string) => string): SandboxOrder {
    this.assertFreeOutTradeNo(input.appcode, input.outTradeNo)
    const now = this.clock.now()
    const { expiredMinutes, ...fields } = input
    const order: SandboxOrder = {
      ...fields,
      syssn: this.ids.syssn(now),
      sysdtm: formatTxdtm(now),
      createdAt: now,
      state: 'created',
      chnlsn: '',
      cardcd: '',
      refunds: [],
      pendingQueries: 0,
      latePaid: false,
    }
    this.#orders.set(order.syssn, order)
    this.#claim(order.appcode, order.outTradeNo, order)
    if (!payTypeInfo(order.payType)?.swipe) {
      order.token = this.ids.token()
      order.payUrl = payUrlFor(order.token)
      this.#byToken.set(order.token, order)
      // expired_time is in minutes (default 30); --time-scale shortens it.
      const lifetime = ((expiredMinutes ?? 30) * 60_000) / this.timeScale
      order.expiresAt = now + lifetime
      this.#timers.set(
        order.syssn,
        this.clock.setTimeout(() => this.touch(order), lifetime)
      )
    }
    return order
  }

  /** Takes away a pre-order's expiry: it stays `created` until paid or closed (`neverExpire` knob). */
  keepOpen(order: SandboxOrder): SandboxOrder {
    delete order.expiresAt
    this.#clearTimer(order)
    return order
  }

  /** Applies a due expiry lazily (the timer may not have fired yet, or the clock was moved). */
  touch(order: SandboxOrder): SandboxOrder {
    if (
      order.state === 'created' &&
      order.expiresAt !== undefined &&
      this.clock.now() >= order.expiresAt
    ) {
      order.state = 'expired'
      this.#clearTimer(order)
    }
    return order
  }

  /** The wallet took the money: created/pending → paid, or a late payment after close. */
  pay(order: SandboxOrder, options: { late?: boolean } = {}): SandboxOrder {
    this.touch(order)
    const allowed: OrderState[] = options.late
      ? ['closed', 'expired', 'failed']
      : ['created', 'pending']
    if (!allowed.includes(order.state))
      throw new GatewayError(conflictCode(order), `order ${order.syssn} is ${order.state}`)
    const now = this.clock.now()
    const wallet = payTypeInfo(order.payType)?.wallet ?? 'other'
    order.state = 'paid'
    order.paidAt = now
    order.latePaid = Boolean(options.late)
    order.chnlsn = this.ids.chnlsn(wallet, now)
    order.cardcd = this.ids.cardcd(wallet)
    delete order.declineRespcd
    this.#clearTimer(order)
    this.events.paid(order)
    return order
  }

  /** The wallet refused: created/pending → failed with a decline code (default 1201). */
  decline(order: SandboxOrder, respcd = '1201'): SandboxOrder {
    this.touch(order)
    if (order.state !== 'created' && order.state !== 'pending')
      throw new GatewayError(conflictCode(order), `order ${order.syssn} is ${order.state}`)
    order.state = 'failed'
    order.declineRespcd = respcd
    this.#clearTimer(order)
    return order
  }

  /** Ends a created pre-order's life now, as its `expired_time` would. */
  expire(order: SandboxOrder): SandboxOrder {
    this.touch(order)
    if (order.state !== 'created')
      throw new GatewayError(conflictCode(order), `order ${order.syssn} is ${order.state}`)
    order.state = 'expired'
    this.#clearTimer(order)
    return order
  }

  /** One `/query` sighting of a pending swipe order: count down, then pay (and notify). */
  observe(order: SandboxOrder): SandboxOrder {
    this.touch(order)
    if (order.state !== 'pending') return order
    if (order.pendingQueries > 0) order.pendingQueries--
    else this.pay(order)
    return order
  }

  /**
   * `/close` or `/reversal` (QFPay 2017): close is for online orders, reversal for offline ones.
   * Unpaid (or failed) → closed. Paid: close fails with 1260 (2017: a paid order cannot be
   * closed; current docs agree); reversal refunds the rest and reverses it (2017: reversing an
   * order refunds it even when it was paid).
   */
  cancel(
    order: SandboxOrder,
    endpoint: 'close' | 'reversal',
    txamt: number,
    rules: 'seed' | 'current' = 'seed'
  ): SandboxOrder {
    this.touch(order)
    const info = payTypeInfo(order.payType)
    if (rules === 'current') {
      if (HK_NO_CANCEL.has(order.payType))
        throw new GatewayError('1297', `pay_type ${order.payType} does not support cancel`)
      const want = CURRENT_CANCEL[order.payType]
      if (want && want !== endpoint)
        throw new GatewayError(
          '1104',
          `/${endpoint} does not apply to pay_type ${order.payType}: use /${want}`
        )
    } else if (info && info.cancelWith !== endpoint) {
      const kind = info.swipe ? 'offline (swipe-card)' : 'online'
      throw new GatewayError(
        '1104',
        `/${endpoint} does not apply to ${kind} pay_type ${order.payType}: use /${info.cancelWith}`
      )
    }
    if (txamt !== order.txamt)
      throw new GatewayError('1266', `txamt ${txamt} does not match the order's ${order.txamt}`)
    if (order.state === 'paid') {
      if (endpoint === 'close')
        throw new GatewayError('1260', `order ${order.syssn} is already paid: refund it instead`)
      if (refundedAmount(order) >= order.txamt)
        throw new GatewayError('1262', `order ${order.syssn} is already refunded`)
      order.state = 'reversed'
    } else if (order.state === 'created' || order.state === 'pending' || order.state === 'failed') {
      order.state = 'closed'
    } else {
      throw new GatewayError(conflictCode(order), `order ${order.syssn} is ${order.state}`)
    }
    order.cancelSyssn = this.ids.syssn(this.clock.now())
    this.#clearTimer(order)
    return order
  }

  /** `/refund`: a paid order, a fresh `out_trade_no`, and no more than what is left (1272). */
  refund(
    order: SandboxOrder,
    input: { outTradeNo: string; txamt: number; txdtm: string; udid: string }
  ): SandboxRefund {
    this.touch(order)
    if (order.state !== 'paid') {
      const code =
        order.state === 'reversed'
          ? '1262'
          : order.state === 'closed' || order.state === 'expired'
            ? '1264'
            : '1261'
      throw new GatewayError(
        code,
        `order ${order.syssn} is ${order.state}: only paid orders can be refunded`
      )
    }
    this.assertFreeOutTradeNo(order.appcode, input.outTradeNo)
    const left = order.txamt - refundedAmount(order)
    if (input.txamt > left)
      throw new GatewayError('1272', `txamt ${input.txamt} exceeds the refundable ${left}`)
    const now = this.clock.now()
    const refund: SandboxRefund = {
      ...input,
      syssn: this.ids.syssn(now),
      sysdtm: formatTxdtm(now),
      createdAt: now,
    }
    order.refunds.push(refund)
    this.#refundSyssns.set(refund.syssn, order)
    this.#claim(order.appcode, input.outTradeNo, order)
    this.events.refunded(order, refund)
    return refund
  }

  /** Stops every expiry timer. */
  dispose(): void {
    for (const handle of this.#timers.values()) this.clock.clearTimeout(handle)
    this.#timers.clear()
  }

  #claim(appcode: string, outTradeNo: string, order: SandboxOrder): void {
    let numbers = this.#outTradeNos.get(appcode)
    if (!numbers) this.#outTradeNos.set(appcode, (numbers = new Map()))
    numbers.set(outTradeNo, order)
  }

  #clearTimer(order: SandboxOrder): void {
    const handle = this.#timers.get(order.syssn)
    if (handle !== undefined) this.clock.clearTimeout(handle)
    this.#timers.delete(order.syssn)
  }
}

/** Minor units refunded so far; a reversed order counts as fully refunded. */
export function refundedAmount(order: SandboxOrder): number {
  if (order.state === 'reversed') return order.txamt
  return order.refunds.reduce((sum, refund) => sum + refund.txamt, 0)
}

/** The state-conflict code that names an order's state. */
function conflictCode(order: SandboxOrder): string {
  switch (order.state) {
    case 'paid':
      return refundedAmount(order) >= order.txamt ? '1262' : '1260'
    case 'reversed':
      return '1263'
    case 'closed':
    case 'expired':
      return '1142'
    case 'failed':
      return '1136'
    default:
      return '1261'
  }
}
