/**
 * QFPay's asynchronous notifies (docs/qfpay-protocol.md#notify-verification), as hints: verify the signature over the raw
 * bytes, check the order, amount and currency against what we stored, confirm with `/query`,
 * transition, commit, and only then acknowledge. Every rejected notify is recorded with its
 * reason. A forged one is never acknowledged; a validly signed one that does not match anything
 * is acknowledged (QFPay would otherwise retry it for 15 hours) and changes nothing.
 */
import { isQfpayError } from '../../qfpay/errors.ts'
import { isSuccessRespcd } from '../../qfpay/respcd.ts'
import type { PaymentNotify, RefundNotify } from '../../qfpay/types.ts'
import { PAID_STATUSES } from '../../model/status.ts'
import { gatewayTime } from './gateway-rows.ts'
import { SingleFlight } from './keyed-lock.ts'
import type { QfpayClient } from '../../qfpay/client.ts'
import type { Store } from '../../store/store.ts'
import type { CheckoutSettings } from '../app/context.ts'
import type { Logger } from '../app/logger.ts'
import type { PaymentLookup } from './payment-lookup.ts'
import type { PaymentService } from './payments.ts'
import type { NotifyCarrier } from './transitions.ts'
import type { Refunds } from './refunds.ts'

/** The most of a rejected (signed) notify's body that is stored, in UTF-8 bytes. */
export const REJECTED_BODY_MAX_BYTES = 2_048

/** Log one line per this many unverified notifies of one reason (the first always logs). */
const UNVERIFIED_LOG_EVERY = 1_000

/**
 * At most `REJECTED_BODY_MAX_BYTES` of UTF-8, cut on a character boundary: counted in bytes,
 * not UTF-16 units, because a body of 0xFF bytes decodes to U+FFFD, three bytes each.
 */
export function byteCappedExcerpt(text: string, maxBytes = REJECTED_BODY_MAX_BYTES): string {
  const bytes = new TextEncoder().encode(text)
  if (bytes.length <= maxBytes) return text
  const suffix = `…[${bytes.length} bytes]`
  let cut = maxBytes - new TextEncoder().encode(suffix).length
  // Step back over UTF-8 continuation bytes so no character is split.
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--
  return new TextDecoder().decode(bytes.subarray(0, cut)) + suffix
}

/** What the route answers: `SUCCESS` only for `ack`. */
export type NotifyAnswer = { ack: true } | { ack: false; status: 400 | 503; reason: string }

/** What the notify handler is built from (app/create-checkout.ts). */
export interface NotifyDeps {
  store: Store
  settings: Pick<CheckoutSettings, 'confirmNotifies'>
  logger: Logger
  /** Verifies a notify's signature with the merchant's key. */
  client: Pick<QfpayClient, 'verifyNotify'>
  /** The app clock as an ISO string (`receivedAt`). */
  now(): string
  lookup: Pick<PaymentLookup, 'observe'>
  payments: Pick<PaymentService, 'apply'>
}

/** Processes notifies; one per app. */
export class NotifyHandler {
  readonly #svc: NotifyDeps
  readonly #refunds: Refunds
  /** 50 copies of one notify in flight share one verification, one `/query` and one commit. */
  readonly #flights = new SingleFlight()
  /** Notifies that failed verification, by reason, since start (never stored: see `handle`). */
  readonly unverified = new Map<string, number>()

  constructor(svc: NotifyDeps, refunds: Refunds) {
    this.#svc = svc
    this.#refunds = refunds
  }

  /** Handles one notify, given its raw body bytes and `X-QF-SIGN` header. */
  async handle(raw: Uint8Array, signature: string | undefined): Promise<NotifyAnswer> {
    let verified
    try {
      verified = this.#svc.client.verifyNotify(raw, signature)
    } catch (error) {
      if (isQfpayError(error, 'qfpay_signature_error')) {
        const reason = signature ? 'bad_signature' : 'missing_signature'
        // Anyone can post here, so nothing of an unverified body is stored (a flood of forgeries
        // would otherwise grow the store without bound): a counter and a sampled log line only.
        this.#countUnverified(reason)
        return { ack: false, status: 400, reason }
      }
      if (isQfpayError(error, 'qfpay_response_error')) {
        // Signed by someone holding the key, yet not JSON: nothing to act on, nothing to retry.
        const rawBody = new TextDecoder().decode(raw)
        await this.#reject({ rawBody, reason: 'malformed_body', notifyType: 'unknown' })
        return { ack: true }
      }
      throw error
    }
    // Decoded only once verified: a forged body costs a signature check, not a copy.
    const rawBody = new TextDecoder().decode(raw)
    if (verified.kind === 'payment') {
      const n = verified.notify
      return this.#flights.run(`payment:${n.syssn ?? ''}:${n.out_trade_no ?? ''}:${rawBody}`, () =>
        this.#payment(n, rawBody)
      )
    }
    if (verified.kind === 'refund') {
      const n = verified.notify
      return this.#flights.run(`refund:${n.syssn ?? ''}:${rawBody}`, () => this.#refund(n, rawBody))
    }
    await this.#reject({
      rawBody,
      reason: 'unsupported_notify_type',
      notifyType: String(verified.notify.notify_type ?? 'unknown'),
    })
    return { ack: true }
  }

  async #payment(n: PaymentNotify, rawBody: string): Promise<NotifyAnswer> {
    const { store, settings, logger } = this.#svc
    const base = {
      rawBody,
      notifyType: 'payment',
      ...(n.syssn ? { syssn: n.syssn } : {}),
      ...(n.out_trade_no ? { outTradeNo: n.out_trade_no } : {}),
    }
    if (!n.syssn || !n.out_trade_no) return this.#ignore({ ...base, reason: 'missing_fields' })
    if (n.respcd !== undefined && !isSuccessRespcd(n.respcd))
      return this.#ignore({ ...base, reason: 'not_a_success' })
    const record = await store.getByOutTradeNo(n.out_trade_no)
    if (!record) return this.#ignore({ ...base, reason: 'unknown_order' })
    const withId = { ...base, checkoutId: record.id }
    if (record.syssn !== undefined && record.syssn !== n.syssn)
      return this.#ignore({ ...withId, reason: 'syssn_mismatch' })
    if (n.txamt !== record.amount) return this.#ignore({ ...withId, reason: 'amount_mismatch' })
    // The 2017 gateway sent an empty txcurrcd; only a present one is compared.
    if (n.txcurrcd && n.txcurrcd.toUpperCase() !== record.currency)
      return this.#ignore({ ...withId, reason: 'currency_mismatch' })
    if (
      PAID_STATUSES.includes(record.status) &&
      (await store.hasAcceptedNotify(n.syssn, 'payment'))
    )
      return { ack: true }

    // Recorded in the transition's own transaction when this notify moves the checkout (one
    // commit; and a crash leaves both or neither, so QFPay's retry runs the transition again).
    const carrier: NotifyCarrier = {
      input: { ...withId, accepted: true, receivedAt: this.#svc.now() },
    }
    let after
    if (settings.confirmNotifies) {
      let observation
      try {
        // The notify's syssn is signed: ask by it, so the order is found whatever month it is.
        // Confirming a notify runs at payment priority: QFPay is waiting for our answer.
        observation = await this.#svc.lookup.observe(record, 'payment', {
          syssn: n.syssn,
          evidence: 'a verified payment notify',
        })
      } catch (error) {
        if (!isQfpayError(error)) throw error
        // Not acknowledged: QFPay retries, and the reconciler queries meanwhile.
        logger.warn('failed to confirm notify by query; not acknowledged', {
          checkoutId: record.id,
          error: error.code,
        })
        return { ack: false, status: 503, reason: 'confirm_failed' }
      }
      if (
        observation.kind !== 'paid' ||
        (observation.syssn !== undefined && observation.syssn !== n.syssn)
      ) {
        await this.#reject({ ...withId, reason: 'not_confirmed_by_query' })
        return { ack: false, status: 503, reason: 'not_confirmed_by_query' }
      }
      after = await this.#svc.payments.apply(record, observation, carrier)
    } else {
      after = await this.#svc.payments.apply(
        record,
        { kind: 'paid', syssn: n.syssn, paidAt: gatewayTime(n.paydtm), reversed: false },
        carrier
      )
    }
    if (!PAID_STATUSES.includes(after.status) && after.status !== 'cancelled') {
      logger.error('a confirmed payment could not be recorded as paid', {
        checkoutId: record.id,
        status: after.status,
      })
    }
    // No transition carried it (already paid, e.g. by the reconciler): record it now, after the
    // state it confirms is durable, so a crash in between leaves no "accepted" mark.
    if (!carrier.result) await store.recordNotify(carrier.input)
    return { ack: true }
  }

  async #refund(n: RefundNotify, rawBody: string): Promise<NotifyAnswer> {
    const { store, settings, logger } = this.#svc
    const base = {
      rawBody,
      notifyType: 'refund',
      ...(n.syssn ? { syssn: n.syssn } : {}),
      ...(n.out_trade_no ? { outTradeNo: n.out_trade_no } : {}),
    }
    if (!n.syssn || !n.out_trade_no) return this.#ignore({ ...base, reason: 'missing_fields' })
    if (n.respcd !== undefined && !isSuccessRespcd(n.respcd))
      return this.#ignore({ ...base, reason: 'not_a_success' })
    const refund = await store.getRefundByOutTradeNo(n.out_trade_no)
    // A refund made elsewhere (QFPay's portal) is not ours to book.
    if (!refund) return this.#ignore({ ...base, reason: 'unknown_refund' })
    const withId = { ...base, checkoutId: refund.checkoutId }
    if (n.txamt !== refund.amount) return this.#ignore({ ...withId, reason: 'amount_mismatch' })
    const checkout = await store.get(refund.checkoutId)
    if (n.orig_syssn && checkout?.syssn && n.orig_syssn !== checkout.syssn)
      return this.#ignore({ ...withId, reason: 'syssn_mismatch' })
    if (refund.status === 'succeeded' && (await store.hasAcceptedNotify(n.syssn, 'refund')))
      return { ack: true }
    if (settings.confirmNotifies) {
      try {
        // By the refund's own number, inside a window around its creation; not by the notify's
        // syssn, whose meaning on refund notifies no current doc states.
        const row = await this.#refunds.queryRefund(refund)
        if (row === undefined || !isSuccessRespcd(row.respcd)) {
          await this.#reject({ ...withId, reason: 'not_confirmed_by_query' })
          return { ack: false, status: 503, reason: 'not_confirmed_by_query' }
        }
      } catch (error) {
        if (!isQfpayError(error)) throw error
        logger.warn('failed to confirm refund notify by query; not acknowledged', {
          refundId: refund.id,
          error: error.code,
        })
        return { ack: false, status: 503, reason: 'confirm_failed' }
      }
    }
    await this.#refunds.succeeded(refund, n.syssn)
    await store.recordNotify({ ...withId, accepted: true, receivedAt: this.#svc.now() })
    return { ack: true }
  }

  /** Records a validly signed notify we will not act on, and acknowledges it. */
  async #ignore(input: {
    rawBody: string
    notifyType: string
    reason: string
    syssn?: string
    outTradeNo?: string
    checkoutId?: string
  }): Promise<NotifyAnswer> {
    this.#svc.logger.warn('notify ignored', {
      reason: input.reason,
      ...(input.checkoutId ? { checkoutId: input.checkoutId } : {}),
      ...(input.outTradeNo ? { outTradeNo: input.outTradeNo } : {}),
    })
    await this.#reject(input)
    return { ack: true }
  }

  async #reject(input: {
    rawBody: string
    notifyType: string
    reason: string
    syssn?: string
    outTradeNo?: string
    checkoutId?: string
  }): Promise<void> {
    await this.#svc.store.recordNotify({
      ...input,
      rawBody: byteCappedExcerpt(input.rawBody),
      accepted: false,
      receivedAt: this.#svc.now(),
    })
  }

  #countUnverified(reason: string): void {
    const count = (this.unverified.get(reason) ?? 0) + 1
    this.unverified.set(reason, count)
    if (count % UNVERIFIED_LOG_EVERY === 1) {
      this.#svc.logger.warn('notify refused: signature does not verify (not stored)', {
        reason,
        countSinceStart: count,
      })
    }
  }
}
