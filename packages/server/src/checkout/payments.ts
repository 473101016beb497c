/**
 * The money logic shared by the routes, the reconciler and the merchant object: how a gateway
 * observation moves a checkout, how an order is closed upstream, and how a checkout is
 * cancelled or expired. Every status change goes through the store's compare-and-set
 * `transition`, so two processes (or a notify racing the reconciler) can never move one
 * payment twice; the in-process `KeyedLock` only keeps one process from racing itself.
 *
 * @see ../../../../../shared/design.md §3 (state machine) and §7 ("One payment per order")
 */
import type { CheckoutStatus } from '../contract.ts'
import type { QfpayClient } from '../qfpay/client.ts'
import { isQfpayError } from '../qfpay/errors.ts'
import { payTypeInfo } from '../qfpay/pay-types.ts'
import type { QueryRow } from '../qfpay/types.ts'
import {
  canTransition,
  type CheckoutPatch,
  type CheckoutRecord,
  type NotifyInput,
  type OutboxTopic,
  type RecordNotifyResult,
  type Store,
} from '../store/store.ts'
import type { CheckoutSettings } from './context.ts'
import { CheckoutError } from './errors.ts'
import { observePayment, paymentRowsByOutTradeNo, type PaymentObservation } from './gateway-rows.ts'
import {
  budgetedClient,
  createGatewayBudget,
  type GatewayBudget,
  type GatewayPriority,
} from './gateway-budget.ts'
import { KeyedLock } from './keyed-lock.ts'
import type { Logger } from './logger.ts'

/** QFPay's `/query` takes at most 100 ids per call (`page_size` max 100, design.md §7). */
export const MAX_QUERY_BATCH = 100

/** Compare-and-set retries before giving up on a row that keeps moving under us. */
const CAS_ATTEMPTS = 8

/** What the payment service is built from. */
export interface PaymentServiceOptions {
  store: Store
  client: QfpayClient
  settings: CheckoutSettings
  clock: () => Date
  logger: Logger
  /**
   * The hooks the app has (`onPaid`, `onStatus`): transitions enqueue outbox entries for these
   * only, so a shop without `onStatus` pays no outbox row or completion commit for it.
   * Default: both.
   */
  hooks?: readonly OutboxTopic[]
  /**
   * The merchant's gateway request budget every call goes through (gateway-budget.ts).
   * Default: QFPay's 400 requests a minute.
   */
  budget?: GatewayBudget
}

/**
 * An accepted notify to record with the transition it causes (one commit, not two). `result` is
 * set when it was recorded that way; when no transition happened, the caller records it itself.
 */
export interface NotifyCarrier {
  input: NotifyInput
  result?: RecordNotifyResult
}

/** What closing an order upstream achieved. */
export type CloseOutcome = 'closed' | 'paid' | 'missing' | 'unknown'

/** The shared transitions (see the file comment). */
export class PaymentService {
  readonly store: Store
  /** The QFPay client behind the budget: writes at `payment` priority, queries at `reconciler`. */
  readonly client: QfpayClient
  /** The same budget, for telemetry and for callers that gate work of their own. */
  readonly budget: GatewayBudget
  /** Queries at each priority (writes are always `payment`). */
  readonly #clients: Record<GatewayPriority, QfpayClient>
  readonly settings: CheckoutSettings
  readonly clock: () => Date
  readonly logger: Logger
  /** Which outbox topics transitions enqueue; `undefined` = all. */
  readonly hooks: readonly OutboxTopic[] | undefined
  /** One gateway conversation per checkout at a time, in this process. */
  readonly locks = new KeyedLock()

  constructor(options: PaymentServiceOptions) {
    this.store = options.store
    this.budget = options.budget ?? createGatewayBudget({ clock: options.clock })
    this.#clients = {
      payment: budgetedClient(options.client, this.budget, 'payment'),
      reconciler: budgetedClient(options.client, this.budget, 'reconciler'),
      shopper: budgetedClient(options.client, this.budget, 'shopper'),
    }
    this.client = this.#clients.reconciler
    this.settings = options.settings
    this.clock = options.clock
    this.logger = options.logger
    this.hooks = options.hooks
  }

  now(): string {
    return this.clock().toISOString()
  }

  /**
   * Moves a checkout to `status` unless it already moved somewhere the edge does not allow
   * (then the row as it is now is returned, and the caller reads its status). Retries the
   * compare-and-set when the version moved under us.
   */
  async transitionTo(
    id: string,
    status: CheckoutStatus,
    patch: CheckoutPatch = {},
    options: { notify?: NotifyCarrier; seen?: CheckoutRecord } = {}
  ): Promise<CheckoutRecord | undefined> {
    // A row the caller just read may stand in for the first read: the compare-and-set still
    // guards the write, and a refusal hands back the row as it is. Not when the edge looks
    // wrong (re-read to answer with the row as it is now), nor when the syssn decision below
    // would rest on it (a syssn is bookkeeping: setting one does not bump the version).
    const seen = options.seen
    let hint =
      seen &&
      seen.id === id &&
      seen.status !== status &&
      canTransition(seen.status, status) &&
      (patch.syssn === undefined || seen.syssn !== undefined)
        ? seen
        : undefined
    const hooks = this.hooks ? { hooks: this.hooks } : {}
    const notify = options.notify ? { notify: options.notify.input } : {}
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = hint ?? (await this.store.get(id))
      hint = undefined
      if (!current) return undefined
      if (current.status === status || !canTransition(current.status, status)) return current
      // A syssn the row already has must not be re-sent as a different one.
      const write = { ...patch }
      if (current.syssn !== undefined && write.syssn !== undefined && write.syssn !== current.syssn)
        delete write.syssn
      const result = await this.store.transition(id, {
        ...write,
        ...hooks,
        ...notify,
        expectedVersion: current.version,
        status,
      })
      if (result.ok) {
        if (options.notify && result.notify) options.notify.result = result.notify
        return result.checkout
      }
      if (result.reason === 'not_found') return undefined
      // Conflict or illegal edge: the rejection carries the row as it is now; no re-read.
      hint = result.current
    }
    throw new Error(`Failed to move checkout ${id} to ${status}: it kept changing.`)
  }

  /** A bookkeeping patch (no status change), retried on version conflicts. */
  async patch(id: string, patch: CheckoutPatch): Promise<CheckoutRecord | undefined> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.store.get(id)
      if (!current) return undefined
      const result = await this.store.update(id, current.version, patch)
      if (result.ok) return result.checkout
      if (result.reason === 'not_found') return undefined
    }
    throw new Error(`Failed to update checkout ${id}: it kept changing.`)
  }

  /** Queries payments by `out_trade_no` in batches of at most 100; rows by `out_trade_no`. */
  async queryPayments(
    records: readonly CheckoutRecord[],
    priority: GatewayPriority = 'reconciler'
  ): Promise<Map<string, QueryRow>> {
    const rows = new Map<string, QueryRow>()
    for (let i = 0; i < records.length; i += MAX_QUERY_BATCH) {
      const batch = records.slice(i, i + MAX_QUERY_BATCH).map((r) => r.outTradeNo)
      const result = await this.#clients[priority].query({
        out_trade_no: batch,
        page_size: batch.length,
      })
      for (const [no, row] of paymentRowsByOutTradeNo(result.rows)) rows.set(no, row)
    }
    return rows
  }

  /** What the gateway says about one payment now (throws on gateway faults). */
  async observe(
    record: CheckoutRecord,
    priority: GatewayPriority = 'reconciler'
  ): Promise<PaymentObservation> {
    return observePayment((await this.queryPayments([record], priority)).get(record.outTradeNo))
  }

  /**
   * Applies an observation to a checkout and returns the row afterwards. Paid wins over
   * everything the state machine allows (a late payment after cancel/expiry is flagged by the
   * store); closed/failed only end a checkout that is still pending.
   */
  async apply(
    record: CheckoutRecord,
    observation: PaymentObservation,
    notify?: NotifyCarrier
  ): Promise<CheckoutRecord> {
    const id = record.id
    const syssn = 'syssn' in observation ? observation.syssn : undefined
    const withSyssn: CheckoutPatch =
      syssn !== undefined && record.syssn === undefined ? { syssn } : {}
    let next: CheckoutRecord | undefined
    switch (observation.kind) {
      case 'paid':
        if (observation.reversed) {
          // A swipe-card reversal gave the money back: the checkout never stays paid.
          next = await this.transitionTo(id, 'cancelled', {
            ...withSyssn,
            upstreamClosed: true,
            nextCheckAt: null,
          })
          break
        }
        next = await this.transitionTo(
          id,
          'paid',
          {
            ...withSyssn,
            ...(observation.paidAt ? { paidAt: observation.paidAt } : {}),
            nextCheckAt: null,
          },
          { seen: record, ...(notify ? { notify } : {}) }
        )
        if (next?.status === 'failed') {
          // The state machine has no failed -> paid edge (a decline is final at QFPay); if money
          // still arrived, a person must refund it. Loud, never silent.
          this.logger.error('payment reported for a failed checkout; refund it by hand', {
            checkoutId: id,
            outTradeNo: record.outTradeNo,
          })
        }
        break
      case 'closed':
        next =
          record.status === 'pending'
            ? await this.transitionTo(id, 'expired', {
                ...withSyssn,
                upstreamClosed: true,
                nextCheckAt: null,
              })
            : record
        break
      case 'failed':
        next =
          record.status === 'pending'
            ? await this.transitionTo(id, 'failed', {
                ...withSyssn,
                failure: observation.failure,
                nextCheckAt: null,
              })
            : record
        break
      case 'pending':
        next = Object.keys(withSyssn).length > 0 ? await this.patch(id, withSyssn) : record
        break
      case 'missing':
        next = record
        break
    }
    return next ?? record
  }

  /**
   * Queries one pending checkout and applies the answer; gateway faults (and a query the budget
   * refused at `priority`) are logged, not thrown.
   */
  async refresh(
    id: string,
    priority: GatewayPriority = 'reconciler'
  ): Promise<CheckoutRecord | undefined> {
    const record = await this.store.get(id)
    if (!record || record.status !== 'pending') return record
    try {
      return await this.apply(record, await this.observe(record, priority))
    } catch (error) {
      if (!isQfpayError(error)) throw error
      this.logger.warn('failed to refresh checkout; the reconciler will try again', {
        checkoutId: id,
        error: error.code,
      })
      return record
    }
  }

  /**
   * Closes an order at the gateway with the endpoint its pay type needs (seed 000: `/close` for
   * online pay types, `/reversal` for swipe-card ones). Faults other than a lost answer throw.
   */
  async closeUpstream(record: CheckoutRecord): Promise<CloseOutcome> {
    const endpoint = payTypeInfo(record.payType)?.cancelWith ?? 'close'
    const params = {
      out_trade_no: record.outTradeNo,
      txamt: record.amount,
      ...(record.syssn ? { syssn: record.syssn } : {}),
    }
    let result
    try {
      result = await this.client[endpoint](params)
    } catch (error) {
      if (
        isQfpayError(error, 'qfpay_timeout') ||
        isQfpayError(error, 'qfpay_connection_error') ||
        isQfpayError(error, 'qfpay_response_error')
      ) {
        this.logger.warn(`failed to ${endpoint} order; will try again`, {
          checkoutId: record.id,
          error: error.code,
        })
        return 'unknown'
      }
      throw error
    }
    if (result.outcome === 'ok') return 'closed'
    if (result.outcome === 'pending') return 'unknown'
    switch (result.respcd) {
      case '1260': // already paid
      case '1262': // refunded (so it was paid)
      case '1125':
        return 'paid'
      case '1142':
      case '1181':
      case '1263':
      case '1264':
        return 'closed'
      case '1136':
      case '1268':
        return 'missing'
      default:
        this.logger.warn(`gateway refused to ${endpoint} order`, {
          checkoutId: record.id,
          respcd: result.respcd,
        })
        return 'unknown'
    }
  }

  /**
   * Cancels a pending checkout: query first (a payment may have landed), then close upstream,
   * then `cancelled`. A checkout that turns out paid comes back paid; the caller answers 409.
   * When the gateway's answer is lost the checkout stays pending and this throws 504.
   */
  cancel(id: string): Promise<CheckoutRecord | undefined> {
    return this.locks.run(id, () => this.#end(id, 'cancelled', false))
  }

  /** Ends a pending checkout whose time is up: final query, close upstream, `expired`. */
  expire(id: string, observation?: PaymentObservation): Promise<CheckoutRecord | undefined> {
    return this.locks.run(id, () => this.#end(id, 'expired', true, observation))
  }

  async #end(
    id: string,
    status: 'cancelled' | 'expired',
    quiet: boolean,
    seen?: PaymentObservation
  ): Promise<CheckoutRecord | undefined> {
    let record = await this.store.get(id)
    if (!record || record.status !== 'pending') return record
    record = await this.apply(record, seen ?? (await this.observe(record)))
    if (record.status !== 'pending') return record
    const outcome = await this.closeUpstream(record)
    if (outcome === 'paid') return this.apply(record, await this.observe(record))
    if (outcome === 'unknown') {
      if (quiet) return record
      throw new CheckoutError(
        'gateway_timeout',
        504,
        'Failed to cancel the checkout: the gateway did not confirm the close. Try again.'
      )
    }
    return this.transitionTo(id, status, {
      upstreamClosed: outcome === 'closed',
      nextCheckAt: null,
    })
  }
}
