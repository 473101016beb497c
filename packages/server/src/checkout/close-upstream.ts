/**
 * Closing an order upstream: `/close` or `/reversal` as the pay type needs (pay-types.ts), with
 * the original `txdtm`, and what the answer means for the checkout. A refusal is remembered per
 * checkout (in this process), so neither the reconciler nor a shopper pressing cancel again and
 * again turns it into a flood of gateway calls: a close the gateway cannot do is never re-sent,
 * one it did not confirm waits `CLOSE_RETRY_MS`. Sources: docs/qfpay-protocol.md, "Close or
 * reversal".
 */
import type { QfpayClient } from '../qfpay/client.ts'
import { isQfpayError } from '../qfpay/errors.ts'
import { cancelEndpoint } from '../qfpay/pay-types.ts'
import {
  isCancelUnsupported,
  isOrderClosedRespcd,
  isOrderMissingRespcd,
  isOrderPaidRespcd,
  isParameterRefusedRespcd,
} from '../qfpay/respcd.ts'
import { formatTxdtm } from '../qfpay/txdtm.ts'
import type { CheckoutRecord } from '../store/store.ts'
import type { Logger } from './logger.ts'

/**
 * What closing an order upstream achieved. `unsupported`: the gateway cannot cancel this order
 * (`1297`, or a `0000` without a `syssn` of its own): it ends only when it expires upstream.
 */
export type CloseOutcome = 'closed' | 'paid' | 'missing' | 'unsupported' | 'unknown'

/** After a close the gateway did not confirm, no new close of that checkout for this long, ms. */
export const CLOSE_RETRY_MS = 30_000
/**
 * A checkout the gateway cannot close stays pending (queried slowly) until it expires upstream;
 * if the gateway still calls it unpaid this long after its expiry, it is ended here.
 */
export const UNCLOSABLE_GIVE_UP_MS = 24 * 60 * 60 * 1000
/** Refused closes remembered at most, so a flood of checkouts cannot grow the map forever. */
const MAX_CLOSE_HOLDS = 10_000

/** Sends closes and remembers refusals; one per payment service. */
export class UpstreamCloser {
  readonly #client: QfpayClient
  readonly #clock: () => Date
  readonly #logger: Logger
  /** Checkout id → the refusal in force and until when (ms). */
  readonly #closeHolds = new Map<string, { until: number; outcome: CloseOutcome }>()
  /** Pay type → the cancel endpoint the gateway accepted when the documented one was refused. */
  readonly #cancelEndpoints = new Map<string, 'close' | 'reversal'>()

  constructor(client: QfpayClient, clock: () => Date, logger: Logger) {
    this.#client = client
    this.#clock = clock
    this.#logger = logger
  }

  /** The refused close still in force for a checkout, if any. */
  held(id: string): CloseOutcome | undefined {
    const held = this.#closeHolds.get(id)
    return held && held.until > this.#clock().getTime() ? held.outcome : undefined
  }

  /** Forgets a checkout's refused close once it has ended. */
  forget(id: string): void {
    this.#closeHolds.delete(id)
  }

  /**
   * Closes an order at the gateway with the endpoint its pay type needs (pay-types.ts). A
   * refusal or a lost answer is an outcome (`unsupported`, `unknown`), remembered per checkout
   * so it is not re-sent at once; only a programming fault throws.
   */
  async close(record: CheckoutRecord): Promise<CloseOutcome> {
    const held = this.held(record.id)
    if (held) return held
    const outcome = await this.#close(record)
    if (outcome === 'unsupported' || outcome === 'unknown') {
      if (this.#closeHolds.size >= MAX_CLOSE_HOLDS) {
        const oldest = this.#closeHolds.keys().next().value
        if (oldest !== undefined) this.#closeHolds.delete(oldest)
      }
      const until = outcome === 'unsupported' ? Infinity : this.#clock().getTime() + CLOSE_RETRY_MS
      this.#closeHolds.set(record.id, { until, outcome })
    } else this.#closeHolds.delete(record.id)
    return outcome
  }

  async #close(record: CheckoutRecord): Promise<CloseOutcome> {
    const first = this.#cancelEndpoints.get(record.payType) ?? cancelEndpoint(record.payType)
    const params = {
      out_trade_no: record.outTradeNo,
      txamt: record.amount,
      // Today's docs ask for the ORIGINAL transaction time here; /payment was sent with it too.
      txdtm: formatTxdtm(new Date(record.createdAt)),
      ...(record.syssn ? { syssn: record.syssn } : {}),
    }
    let endpoint = first
    let result
    for (;;) {
      try {
        result = await this.#client[endpoint](params)
        break
      } catch (error) {
        if (!isQfpayError(error)) throw error
        const respcd = isQfpayError(error, 'qfpay_api_error') ? error.respcd : ''
        // The docs disagree on close vs reversal per pay type (pay-types.ts): a 1104 ("not for
        // this order") from one endpoint gets the other, once; the one that works is kept.
        if (isParameterRefusedRespcd(respcd) && endpoint === first) {
          endpoint = endpoint === 'close' ? 'reversal' : 'close'
          continue
        }
        // A lost answer, a request the gateway refused, a retryable code after every attempt:
        // the close did not happen as far as we know. Try again later, never at once.
        this.#logger.warn(`failed to ${endpoint} order; will try again later`, {
          checkoutId: record.id,
          error: error.code,
          ...(respcd ? { respcd } : {}),
        })
        return 'unknown'
      }
    }
    if (endpoint !== first) this.#cancelEndpoints.set(record.payType, endpoint)
    if (result.outcome === 'ok') {
      // QFPay's 2018 reference: an answer with no syssn of its own (only orig_syssn) means the
      // wallet does not support cancelling; the order was not closed.
      const own = result.response.syssn
      if (typeof own === 'string' && own !== '') return 'closed'
      return this.#unsupported(record, endpoint, '0000 without syssn')
    }
    if (result.outcome === 'pending') return 'unknown'
    const code = result.respcd
    if (isOrderPaidRespcd(code)) return 'paid'
    if (isOrderClosedRespcd(code)) return 'closed'
    if (isOrderMissingRespcd(code)) return 'missing'
    if (isCancelUnsupported(endpoint, code)) return this.#unsupported(record, endpoint, code)
    this.#logger.warn(`gateway refused to ${endpoint} order`, {
      checkoutId: record.id,
      respcd: code,
    })
    return 'unknown'
  }

  #unsupported(record: CheckoutRecord, endpoint: string, answer: string): CloseOutcome {
    this.#logger.warn(`the gateway cannot ${endpoint} this order; it will expire upstream`, {
      checkoutId: record.id,
      payType: record.payType,
      answer,
    })
    return 'unsupported'
  }
}
