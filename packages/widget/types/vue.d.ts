/**
 * Vue 3 typings for `<qfpay-checkout>` in templates. Opt in once, e.g. in `env.d.ts`:
 *   import type {} from '@qfpay-checkout/widget/vue'
 * and tell Vue the tag is a custom element (`compilerOptions.isCustomElement`).
 */
import type { DefineComponent } from 'vue'
import type {
  CheckoutMode,
  QfpayCancelledEvent,
  QfpayCreatedEvent,
  QfpayErrorEvent,
  QfpayExpiredEvent,
  QfpayFailedEvent,
  QfpayPaidEvent,
} from '@qfpay-checkout/widget'

/** Props and `@qfpay-*` listeners of `<qfpay-checkout>`. */
export interface QfpayCheckoutVueProps {
  endpoint?: string
  order?: string
  'pay-types'?: string
  locale?: string
  mode?: CheckoutMode
  checkout?: string
  onQfpayCreated?: (event: QfpayCreatedEvent) => void
  onQfpayPaid?: (event: QfpayPaidEvent) => void
  onQfpayFailed?: (event: QfpayFailedEvent) => void
  onQfpayExpired?: (event: QfpayExpiredEvent) => void
  onQfpayCancelled?: (event: QfpayCancelledEvent) => void
  onQfpayError?: (event: QfpayErrorEvent) => void
}

declare module 'vue' {
  interface GlobalComponents {
    'qfpay-checkout': DefineComponent<QfpayCheckoutVueProps>
  }
}
