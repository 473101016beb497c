/**
 * React 19 typings for `<qfpay-checkout>`. Opt in once, e.g. in a `global.d.ts`:
 *   import type {} from '@qfpay-checkout/widget/react'
 * React 19 sets known properties and listens to `on<event-name>` props on custom elements.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react'
import type {
  CheckoutMode,
  QfpayCancelledEvent,
  QfpayCheckout,
  QfpayCreatedEvent,
  QfpayErrorEvent,
  QfpayExpiredEvent,
  QfpayFailedEvent,
  QfpayPaidEvent,
} from '@qfpay-checkout/widget'

/** Attributes, properties and events of `<qfpay-checkout>` in JSX. */
export interface QfpayCheckoutJsxProps extends DetailedHTMLProps<
  HTMLAttributes<QfpayCheckout>,
  QfpayCheckout
> {
  endpoint?: string
  order?: string
  'pay-types'?: string
  payTypes?: string[]
  locale?: string
  mode?: CheckoutMode
  /** Checkout id to resume after a redirect. */
  checkout?: string
  'onqfpay-created'?: (event: QfpayCreatedEvent) => void
  'onqfpay-paid'?: (event: QfpayPaidEvent) => void
  'onqfpay-failed'?: (event: QfpayFailedEvent) => void
  'onqfpay-expired'?: (event: QfpayExpiredEvent) => void
  'onqfpay-cancelled'?: (event: QfpayCancelledEvent) => void
  'onqfpay-error'?: (event: QfpayErrorEvent) => void
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'qfpay-checkout': QfpayCheckoutJsxProps
    }
  }
}
