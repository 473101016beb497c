/**
 * The money logic shared by the routes, the reconciler and the merchant object: how a gateway
 * observation moves a checkout, how an order is closed upstream, and how a checkout is
 * cancelled or expired. Every status change goes through the store's compare-and-set
 * `transition`, so two processes (or a notify racing the reconciler) can never move one
 * payment twice; the in-process `KeyedLock` only keeps one process from racing itself.
 *
 * @see docs/architecture.md#the-checkout-state-machine
 * @see docs/decisions.md#one-payment-per-order
 */
import type { CheckoutStatus } from '../contract.ts'
import type { QfpayClient } from '../qfpay/client.ts'
import { isQfpayError } from '../qfpay/errors.ts'
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
import { type CloseOutcome, UNCLOSABLE_GIVE_UP_MS, UpstreamCloser } from './close-upstream.ts'
import type { Logger } from './logger.ts'
import { planQueries, WIDE_WINDOW_MARGIN_MS, WINDOW_MARGIN_MS } from './query-window.ts'

export { MAX_QUERY_BATCH } from './query-window.ts'
export { CLOSE_RETRY_MS, type CloseOutcome, UNCLOSABLE_GIVE_UP_MS } from './close-upstream.ts'

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
    this.#closer = new UpstreamCloser(this.client, this.clock, this.logger)
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
      const result = await this.store.transition(id, { expectedVersion: current.version, ...patch })
      if (result.ok) return result.checkout
      if (result.reason === 'not_found') return undefined
    }
    throw new Error(`Failed to update checkout ${id}: it kept changing.`)
  }

  /**
   * Queries payments: by `syssn` where known, by `out_trade_no` otherwise, always inside a window
   * around each order's creation (query-window.ts: today's gateway searches only the current
   * month without one), under the gateway budget at `priority`. Rows by `out_trade_no`.
   */
  async queryPayments(
    records: readonly Pick<CheckoutRecord, 'outTradeNo' | 'syssn' | 'createdAt'>[],
    priority: GatewayPriority = 'reconciler',
    margin = WINDOW_MARGIN_MS
  ): Promise<Map<string, QueryRow>> {
    const rows = new Map<string, QueryRow>()
    for (const plan of planQueries(records, margin)) {
      const { by, ids, start_time, end_time } = plan
      const result = await this.#clients[priority].query({
        [by]: ids,
        start_time,
        end_time,
        page_size: ids.length,
      })
      for (const [no, row] of paymentRowsByOutTradeNo(result.rows)) rows.set(no, row)
    }
    return rows
  }

  /**
   * What the gateway says about one payment now (throws on gateway faults), asked under the
   * gateway budget at `priority`. `paid` is evidence that the gateway took the money (a verified
   * notify's `syssn`, or a close refused as "already paid"): the query asks by that `syssn`, and
   * when even so nothing is found, the contradiction is logged at error level and the query is
   * tried again over a wider window.
   */
  async observe(
    record: CheckoutRecord,
    priority: GatewayPriority = 'reconciler',
    paid?: { syssn?: string | undefined; evidence: string }
  ): Promise<PaymentObservation> {
    const lookup = { ...record, syssn: record.syssn ?? paid?.syssn }
    const first = observePayment(
      (await this.queryPayments([lookup], priority)).get(record.outTradeNo)
    )
    if (first.kind !== 'missing' || !paid) return first
    this.logger.error('paid upstream but not found by /query; querying again over a wider window', {
      checkoutId: record.id,
      outTradeNo: record.outTradeNo,
      evidence: paid.evidence,
    })
    const wide = await this.queryPayments(
      [{ ...record, syssn: undefined }],
      priority,
      WIDE_WINDOW_MARGIN_MS
    )
    const second = observePayment(wide.get(record.outTradeNo))
    if (second.kind === 'missing')
      this.logger.error('paid upstream but still not found by /query; the reconciler will retry', {
        checkoutId: record.id,
        outTradeNo: record.outTradeNo,
      })
    return second
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

  /** Closes orders upstream and remembers refusals (close-upstream.ts). */
  readonly #closer: UpstreamCloser

  /** Closes an order at the gateway (see `UpstreamCloser.close`). */
  closeUpstream(record: CheckoutRecord): Promise<CloseOutcome> {
    return this.#closer.close(record)
  }

  /** The refused close still in force for a checkout, if any. */
  closeHeld(id: string): CloseOutcome | undefined {
    return this.#closer.held(id)
  }

  /** Forgets a checkout's refused close once it has ended. */
  forgetClose(id: string): void {
    this.#closer.forget(id)
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
    // A close that just went unconfirmed is not re-sent, and not re-queried, on every click.
    if (!quiet && this.closeHeld(id) === 'unknown') throw closeUnconfirmed()
    record = await this.apply(record, seen ?? (await this.observe(record)))
    if (record.status !== 'pending') return record
    const outcome = await this.closeUpstream(record)
    if (outcome === 'unsupported') {
      // The shopper asked to stop: the checkout ends here (the order expires upstream, and a
      // late payment still arrives by notify). At expiry it stays pending, queried slowly,
      // until the gateway shows it closed, or for a day at most.
      const end = Date.parse(record.expiresAt) + UNCLOSABLE_GIVE_UP_MS
      if (status === 'expired' && this.clock().getTime() < end) return record
      this.forgetClose(id)
      return this.transitionTo(id, status, { upstreamClosed: false, nextCheckAt: null })
    }
    if (outcome === 'paid')
      return this.apply(
        record,
        await this.observe(record, 'reconciler', { evidence: 'the close answered already paid' })
      )
    if (outcome === 'unknown') {
      if (quiet) return record
      throw closeUnconfirmed()
    }
    this.forgetClose(id)
    return this.transitionTo(id, status, {
      upstreamClosed: outcome === 'closed',
      nextCheckAt: null,
    })
  }
}

function closeUnconfirmed(): CheckoutError {
  return new CheckoutError(
    'gateway_timeout',
    504,
    'Failed to cancel the checkout: the gateway did not confirm the close. Try again.'
  )
}
