/**
 * The money logic shared by the routes, the reconciler and the merchant object: how a gateway
 * observation moves a checkout, how an order is closed upstream, and how a checkout is
 * cancelled or expired. Every status change goes through the store's compare-and-set
 * `transition` (transitions.ts), so two processes (or a notify racing the reconciler) can never
 * move one payment twice; the in-process `KeyedLock` only keeps one process from racing itself.
 * The gateway is asked through payment-lookup.ts, orders are closed through close-upstream.ts.
 *
 * @see docs/architecture.md#the-checkout-state-machine
 * @see docs/decisions.md#one-payment-per-order
 */
import { isQfpayError } from '../../qfpay/errors.ts'
import type { CheckoutPatch, CheckoutRecord, Store } from '../../store/store.ts'
import { CheckoutError } from '../app/errors.ts'
import type { Logger } from '../app/logger.ts'
import type { PaymentObservation } from './gateway-rows.ts'
import type { GatewayPriority } from './gateway-budget.ts'
import type { KeyedLock } from './keyed-lock.ts'
import { type CloseOutcome, UNCLOSABLE_GIVE_UP_MS, type UpstreamCloser } from './close-upstream.ts'
import type { PaymentLookup } from './payment-lookup.ts'
import type { CheckoutTransitions, NotifyCarrier } from './transitions.ts'

/** What the payment service is built from (app/create-checkout.ts builds each part once). */
export interface PaymentServiceOptions {
  store: Store
  transitions: CheckoutTransitions
  lookup: PaymentLookup
  /** Closes orders upstream and remembers refusals (close-upstream.ts). */
  closer: UpstreamCloser
  /** One gateway conversation per checkout at a time, in this process (shared with creation). */
  locks: KeyedLock
  clock: () => Date
  logger: Logger
}

/** How gateway observations move checkouts, and how a pending one is refreshed or ended. */
export class PaymentService {
  readonly #store: Store
  readonly #transitions: CheckoutTransitions
  readonly #lookup: PaymentLookup
  readonly #closer: UpstreamCloser
  readonly #locks: KeyedLock
  readonly #clock: () => Date
  readonly #logger: Logger

  constructor(options: PaymentServiceOptions) {
    this.#store = options.store
    this.#transitions = options.transitions
    this.#lookup = options.lookup
    this.#closer = options.closer
    this.#locks = options.locks
    this.#clock = options.clock
    this.#logger = options.logger
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
          next = await this.#transitions.transitionTo(id, 'cancelled', {
            ...withSyssn,
            upstreamClosed: true,
            nextCheckAt: null,
          })
          break
        }
        next = await this.#transitions.transitionTo(
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
          this.#logger.error('payment reported for a failed checkout; refund it by hand', {
            checkoutId: id,
            outTradeNo: record.outTradeNo,
          })
        }
        break
      case 'closed':
        next =
          record.status === 'pending'
            ? await this.#transitions.transitionTo(id, 'expired', {
                ...withSyssn,
                upstreamClosed: true,
                nextCheckAt: null,
              })
            : record
        break
      case 'failed':
        next =
          record.status === 'pending'
            ? await this.#transitions.transitionTo(id, 'failed', {
                ...withSyssn,
                failure: observation.failure,
                nextCheckAt: null,
              })
            : record
        break
      case 'pending':
        next =
          Object.keys(withSyssn).length > 0 ? await this.#transitions.patch(id, withSyssn) : record
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
    const record = await this.#store.get(id)
    if (!record || record.status !== 'pending') return record
    try {
      return await this.apply(record, await this.#lookup.observe(record, priority))
    } catch (error) {
      if (!isQfpayError(error)) throw error
      this.#logger.warn('failed to refresh checkout; the reconciler will try again', {
        checkoutId: id,
        error: error.code,
      })
      return record
    }
  }

  /** Closes an order at the gateway (see `UpstreamCloser.close`). */
  closeUpstream(record: CheckoutRecord): Promise<CloseOutcome> {
    return this.#closer.close(record)
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
    return this.#locks.run(id, () => this.#end(id, 'cancelled', false))
  }

  /** Ends a pending checkout whose time is up: final query, close upstream, `expired`. */
  expire(id: string, observation?: PaymentObservation): Promise<CheckoutRecord | undefined> {
    return this.#locks.run(id, () => this.#end(id, 'expired', true, observation))
  }

  async #end(
    id: string,
    status: 'cancelled' | 'expired',
    quiet: boolean,
    seen?: PaymentObservation
  ): Promise<CheckoutRecord | undefined> {
    let record = await this.#store.get(id)
    if (!record || record.status !== 'pending') return record
    // A close that just went unconfirmed is not re-sent, and not re-queried, on every click.
    if (!quiet && this.#closer.held(id) === 'unknown') throw closeUnconfirmed()
    record = await this.apply(record, seen ?? (await this.#lookup.observe(record)))
    if (record.status !== 'pending') return record
    const outcome = await this.closeUpstream(record)
    if (outcome === 'unsupported') {
      // The shopper asked to stop: the checkout ends here (the order expires upstream, and a
      // late payment still arrives by notify). At expiry it stays pending, queried slowly,
      // until the gateway shows it closed, or for a day at most.
      const end = Date.parse(record.expiresAt) + UNCLOSABLE_GIVE_UP_MS
      if (status === 'expired' && this.#clock().getTime() < end) return record
      this.forgetClose(id)
      return this.#transitions.transitionTo(id, status, {
        upstreamClosed: false,
        nextCheckAt: null,
      })
    }
    if (outcome === 'paid')
      return this.apply(
        record,
        await this.#lookup.observe(record, 'reconciler', {
          evidence: 'the close answered already paid',
        })
      )
    if (outcome === 'unknown') {
      if (quiet) return record
      throw closeUnconfirmed()
    }
    this.forgetClose(id)
    return this.#transitions.transitionTo(id, status, {
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
