/**
 * The element's events: bubbling, composed, `qfpay-` prefixed, with the Checkout as `detail`
 * (`qfpay-error` carries the error, its `retryable` flag and the checkout when there is one).
 */
import type { Checkout } from '@qfpay-checkout/server/contract'
import type { WidgetError } from './checkout-machine.ts'

/** `detail` of `qfpay-error`. */
export interface QfpayErrorDetail extends WidgetError {
  checkout?: Checkout
}

/** A checkout was opened (a QR is about to show, or the shopper is about to be redirected). */
export type QfpayCreatedEvent = CustomEvent<Checkout>
/** The checkout is paid (refunds later do not change this). */
export type QfpayPaidEvent = CustomEvent<Checkout>
/** The gateway declined or failed the payment. */
export type QfpayFailedEvent = CustomEvent<Checkout>
/** The QR code or pay URL expired before payment. */
export type QfpayExpiredEvent = CustomEvent<Checkout>
/** The checkout was cancelled (by `cancel()`, the Cancel button, or the server). */
export type QfpayCancelledEvent = CustomEvent<Checkout>
/** A request failed; the widget shows it and offers a retry when `detail.retryable`. */
export type QfpayErrorEvent = CustomEvent<QfpayErrorDetail>

/** Event name → event type, for `addEventListener` typing. */
export interface QfpayCheckoutEventMap {
  'qfpay-created': QfpayCreatedEvent
  'qfpay-paid': QfpayPaidEvent
  'qfpay-failed': QfpayFailedEvent
  'qfpay-expired': QfpayExpiredEvent
  'qfpay-cancelled': QfpayCancelledEvent
  'qfpay-error': QfpayErrorEvent
}

/** Dispatch a bubbling, composed event typed by {@link QfpayCheckoutEventMap}. */
export function emit<K extends keyof QfpayCheckoutEventMap>(
  target: EventTarget,
  name: K,
  detail: QfpayCheckoutEventMap[K]['detail']
): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }))
}

declare global {
  interface GlobalEventHandlersEventMap extends QfpayCheckoutEventMap {}
}
