/**
 * Registers `<qfpay-checkout>` (once, even if this module is loaded twice).
 * @example <script type="module" src="/node_modules/@qfpay-checkout/widget/dist/define.js"></script>
 */
import { QfpayCheckout } from './element/qfpay-checkout.ts'

export { QfpayCheckout }
export * from './index.ts'

if (typeof customElements !== 'undefined' && !customElements.get('qfpay-checkout')) {
  customElements.define('qfpay-checkout', QfpayCheckout)
}

declare global {
  interface HTMLElementTagNameMap {
    'qfpay-checkout': QfpayCheckout
  }
}
