/**
 * `@qfpay-checkout/widget`: the `<qfpay-checkout>` class and its types, with no side effects
 * (safe to import during server-side rendering). Import `@qfpay-checkout/widget/define` to
 * register the tag.
 * @example
 * import { QfpayCheckout } from '@qfpay-checkout/widget'
 * customElements.define('my-checkout', class extends QfpayCheckout {})
 * @see docs/architecture.md#the-layers
 */
export { QfpayCheckout } from './element/qfpay-checkout.ts'
export { loadLocale, registerLocale, resolveLocale } from './locales/registry.ts'
export { en } from './locales/en.ts'
// zh-CN and zh-HK load on first use (own chunks); import them from
// `@qfpay-checkout/widget/locales/zh-cn` and `…/zh-hk` when you need the objects themselves.
export type { QfpayLocale } from './locales/locale.ts'
export type { CheckoutMode, State, WidgetError } from './state/checkout-machine.ts'
export type { CheckoutEnv } from './state/checkout-env.ts'
export { offeredMethods, wantsRedirect } from './state/pay-methods.ts'
export type {
  QfpayCheckoutEventMap,
  QfpayCreatedEvent,
  QfpayPaidEvent,
  QfpayFailedEvent,
  QfpayExpiredEvent,
  QfpayCancelledEvent,
  QfpayErrorEvent,
  QfpayErrorDetail,
} from './state/events.ts'
export type { Checkout, CheckoutConfig, PayMethod } from '@qfpay-checkout/server/contract'
