/**
 * Refunds, for the merchant's server code (never a browser route). Each refund is persisted with
 * its own new `out_trade_no` BEFORE `/refund` is called (QFPay: unique across
 * payments and refunds), the store keeps the sum of refunds within the paid amount atomically,
 * and refunds of one payment run one at a time in this process. A lost answer leaves the refund
 * `unknown`, its amount still reserved, until `/query` (or a refund notify) settles it.
 */
import { isQfpayError } from '../qfpay/errors.ts'
import {
  describeRespcd,
  isReusedOutTradeNoRespcd,
  isSuccessRespcd,
  isUnsettledRespcd,
} from '../qfpay/respcd.ts'
import type { QueryRow } from '../qfpay/types.ts'
import type { CheckoutRecord, RefundRecord } from '../store/store.ts'
import { REFUNDABLE_STATUSES, isRefundableStatus } from '../model/status.ts'
import { newOutTradeNo } from '../qfpay/out-trade-no.ts'
import { CheckoutError } from './errors.ts'
import { KeyedLock } from './keyed-lock.ts'
import type { PaymentService } from './payments.ts'
import { planQueries } from './query-window.ts'

/** What `merchant.refund` answers. */
export interface RefundOutcome {
  refund: RefundRecord
  /** The payment after the refund (refunded / partially_refunded on success). */
  checkout: CheckoutRecord
}

const UNSETTLED = new Set(['requested', 'unknown'])

/** Refund operations; one instance per checkout app. */
export class Refunds {
  readonly #svc: PaymentService
  /** Serialises refunds per payment in this process (the store enforces the sum across processes). */
  readonly #locks = new KeyedLock()
  /** Checkouts with a refund whose outcome is not known yet (filled by `refund` and `scan`). */
  readonly #unsettled = new Set<string>()

  constructor(svc: PaymentService) {
    this.#svc = svc
  }

  /**
   * Refunds `amount` (default: everything still refundable) of a paid checkout. An earlier
   * refund of this payment left `requested`/`unknown` (a crash, a lost answer) is settled first,
   * re-sent under its SAME `out_trade_no` if the gateway never saw it; if it had the same amount,
   * this call is taken as its retry and answers it instead of refunding twice.
   */
  refund(checkoutId: string, options: { amount?: number } = {}): Promise<RefundOutcome> {
    return this.#locks.run(checkoutId, async () => {
      const { store } = this.#svc
      const settledNow = await this.#settleAll(checkoutId, true)
      const checkout = await store.get(checkoutId)
      if (!checkout)
        throw new CheckoutError('checkout_not_found', 404, 'Failed to refund: no such checkout.')
      // The earlier refund just settled as a success with what is asked now: this call is its retry.
      const retried = settledNow.find(
        (r) =>
          r.status === 'succeeded' && (options.amount === undefined || r.amount === options.amount)
      )
      if (retried) return { refund: retried, checkout }
      if (!isRefundableStatus(checkout.status)) {
        throw new CheckoutError(
          'conflict',
          409,
          `Failed to refund: the checkout is ${checkout.status}, not paid.`
        )
      }
      if (!checkout.syssn)
        throw new CheckoutError(
          'conflict',
          409,
          "Failed to refund: the gateway never told us the payment's syssn."
        )
      const reserved = (await store.listRefunds(checkoutId))
        .filter((r) => r.status !== 'failed')
        .reduce((sum, r) => sum + r.amount, 0)
      const amount = options.amount ?? checkout.amount - reserved
      if (!Number.isSafeInteger(amount) || amount <= 0) {
        throw new CheckoutError(
          'invalid_request',
          400,
          'Failed to refund: the amount must be a positive integer in minor units, and something must be left to refund.',
          { field: 'amount' }
        )
      }
      const created = await store.createRefund({
        checkoutId,
        amount,
        outTradeNo: newOutTradeNo('refund'),
        createdAt: this.#svc.now(),
      })
      if (!created.ok) {
        if (created.reason === 'not_found')
          throw new CheckoutError('checkout_not_found', 404, 'Failed to refund: no such checkout.')
        if (created.reason === 'not_refundable')
          throw new CheckoutError(
            'conflict',
            409,
            `Failed to refund: the checkout is ${created.status}.`
          )
        throw new CheckoutError(
          'conflict',
          409,
          `Failed to refund: only ${created.refundable} is left to refund.`,
          { field: 'amount' }
        )
      }
      const refund = await this.#send(created.refund, checkout.syssn)
      return { refund, checkout: (await store.get(checkoutId)) ?? checkout }
    })
  }

  /** Settles every refund of one checkout whose outcome is unknown (query; re-send if never seen). */
  settle(checkoutId: string): Promise<RefundRecord[]> {
    return this.#locks.run(checkoutId, () => this.#settleAll(checkoutId, true))
  }

  /** Settles every refund this process knows to be unsettled. Called by `reconcile()`. */
  async sweep(): Promise<void> {
    for (const checkoutId of [...this.#unsettled]) {
      try {
        await this.settle(checkoutId)
      } catch (error) {
        if (!isQfpayError(error)) throw error
        this.#svc.logger.warn('failed to settle refund; will try again', {
          checkoutId,
          error: error.code,
        })
      }
    }
  }

  /**
   * Finds refunds left unsettled by an earlier run (a crash between commit and answer). Reads
   * every paid checkout once, so it runs once at start, in the background.
   * TODO: a store index of unsettled refunds would make this O(unsettled).
   */
  async scan(): Promise<void> {
    for (const status of REFUNDABLE_STATUSES) {
      let before: string | undefined
      for (;;) {
        const page = await this.#svc.store.list({
          status,
          limit: 200,
          ...(before ? { before } : {}),
        })
        for (const checkout of page) {
          const refunds = await this.#svc.store.listRefunds(checkout.id)
          if (refunds.some((r) => UNSETTLED.has(r.status))) this.#unsettled.add(checkout.id)
        }
        if (page.length < 200) break
        before = page[page.length - 1]?.id
      }
    }
  }

  /** Marks a refund succeeded (refund notify, query); moves the checkout in the same commit. */
  async succeeded(refund: RefundRecord, syssn: string | undefined): Promise<void> {
    const hooks = this.#svc.hooks ? { hooks: this.#svc.hooks } : {}
    const result = await this.#svc.store.updateRefund(refund.id, {
      status: 'succeeded',
      ...(syssn ? { syssn } : {}),
      ...hooks,
    })
    if (
      !result.ok &&
      result.reason === 'illegal_transition' &&
      result.current.status === 'failed'
    ) {
      this.#svc.logger.error('gateway reports success for a refund recorded as failed', {
        refundId: refund.id,
        checkoutId: refund.checkoutId,
      })
    }
  }

  async #settleAll(checkoutId: string, resend: boolean): Promise<RefundRecord[]> {
    const { store } = this.#svc
    const open = (await store.listRefunds(checkoutId)).filter((r) => UNSETTLED.has(r.status))
    const settled: RefundRecord[] = []
    const checkout = await store.get(checkoutId)
    for (const refund of open) {
      const row = await this.queryRefund(refund)
      let after: RefundRecord | undefined
      if (!row)
        after = resend && checkout?.syssn ? await this.#send(refund, checkout.syssn) : refund
      else after = await this.#applyRow(refund, row)
      if (after && !UNSETTLED.has(after.status)) settled.push(after)
    }
    const left = (await store.listRefunds(checkoutId)).some((r) => UNSETTLED.has(r.status))
    if (left) this.#unsettled.add(checkoutId)
    else this.#unsettled.delete(checkoutId)
    return settled
  }

  /**
   * The gateway's row for one refund: by its `syssn` when known, inside a window around its
   * creation (query-window.ts), so a refund made late on the last day of a month still settles.
   */
  async queryRefund(refund: RefundRecord): Promise<QueryRow | undefined> {
    const [plan] = planQueries([refund])
    if (!plan) return undefined
    const result = await this.#svc.client.query({
      [plan.by]: plan.ids,
      start_time: plan.start_time,
      end_time: plan.end_time,
      page_size: 1,
    })
    return result.rows.find(
      (r) =>
        r.out_trade_no === refund.outTradeNo &&
        (r.order_type === undefined || r.order_type === 'refund')
    )
  }

  async #applyRow(refund: RefundRecord, row: QueryRow): Promise<RefundRecord | undefined> {
    if (isSuccessRespcd(row.respcd))
      await this.succeeded(refund, typeof row.syssn === 'string' ? row.syssn : undefined)
    else if (isUnsettledRespcd(row.respcd))
      await this.#svc.store.updateRefund(refund.id, { status: 'unknown' }).catch(() => undefined)
    else
      await this.#svc.store.updateRefund(refund.id, {
        status: 'failed',
        failure: {
          code: 'gateway_declined',
          message: `The refund was refused: ${describeRespcd(row.respcd).meaning}.`,
          respcd: row.respcd,
        },
      })
    return this.#svc.store.getRefund(refund.id)
  }

  /** Calls `/refund` for a persisted refund row and records what came back. */
  async #send(refund: RefundRecord, paymentSyssn: string): Promise<RefundRecord> {
    const { store, client, logger } = this.#svc
    const update = async (patch: Parameters<typeof store.updateRefund>[1]) => {
      const result = await store.updateRefund(refund.id, patch)
      return result.ok ? result.refund : ((await store.getRefund(refund.id)) ?? refund)
    }
    try {
      const result = await client.refund({
        syssn: paymentSyssn,
        out_trade_no: refund.outTradeNo,
        txamt: refund.amount,
      })
      const syssn =
        typeof result.response.syssn === 'string' && result.response.syssn !== ''
          ? result.response.syssn
          : undefined
      if (result.outcome === 'ok') {
        await this.succeeded(refund, syssn)
        return (await store.getRefund(refund.id)) ?? refund
      }
      if (result.outcome === 'pending')
        return this.#unknown(await update({ status: 'unknown', ...(syssn ? { syssn } : {}) }))
      return update({
        status: 'failed',
        failure: {
          code: 'gateway_declined',
          message: `The refund was refused: ${describeRespcd(result.respcd).meaning}.`,
          respcd: result.respcd,
        },
      })
    } catch (error) {
      if (!isQfpayError(error)) throw error
      const apiRefusal =
        isQfpayError(error, 'qfpay_api_error') &&
        !error.retryable &&
        !isReusedOutTradeNoRespcd(error.respcd)
      const neverSent =
        isQfpayError(error, 'qfpay_connection_error') && !error.mayHaveReachedGateway
      if (apiRefusal || neverSent) {
        const respcd = isQfpayError(error, 'qfpay_api_error') ? error.respcd : undefined
        return update({
          status: 'failed',
          failure: {
            code: 'gateway_error',
            message: 'The payment gateway refused the refund.',
            ...(respcd ? { respcd } : {}),
          },
        })
      }
      logger.warn('refund outcome unknown; it will be queried', {
        refundId: refund.id,
        checkoutId: refund.checkoutId,
        error: error.code,
      })
      return this.#unknown(await update({ status: 'unknown' }))
    }
  }

  #unknown(refund: RefundRecord): RefundRecord {
    if (UNSETTLED.has(refund.status)) this.#unsettled.add(refund.checkoutId)
    return refund
  }
}
