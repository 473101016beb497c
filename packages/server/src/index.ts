/**
 * `@qfpay-checkout/server`: the checkout app merchants mount. Only the public surface lives
 * here; the protocol client, the sandbox and the stores come from their own subpaths
 * (`./qfpay`, `./sandbox`, `./stores/sqlite`, `./stores/postgres`), so importing the app does
 * not pull in what a merchant does not use.
 *
 * @example
 * import { createCheckout } from '@qfpay-checkout/server'
 * app.route('/qfpay', createCheckout({ resolveOrder: async (order) => ({ amount: 1000 }) }))
 */
export {
  createCheckout,
  type CheckoutApp,
  type CheckoutStats,
} from './checkout/app/create-checkout.ts'
export { CheckoutError, isCheckoutError } from './checkout/app/errors.ts'
export { forwardedClientIp } from './checkout/app/context.ts'
export {
  GatewayBudgetExceeded,
  isGatewayBudgetExceeded,
  type GatewayBudgetStats,
} from './checkout/money/gateway-budget.ts'
export type {
  CashierOptions,
  CheckoutGatewayOptions,
  CheckoutHook,
  CheckoutHooks,
  CheckoutHttpOptions,
  CheckoutOptions,
  LongPollOptions,
  PerClientLimits,
  ResolvedOrder,
} from './checkout/app/options.ts'
export type {
  CheckoutMerchant,
  MerchantCheckouts,
  MerchantRefunds,
} from './checkout/app/merchant.ts'
export type { RefundOutcome } from './checkout/money/refunds.ts'
export type { ReconcileReport, ReconcilerOptions } from './checkout/workers/reconciler.ts'
export type { Logger, LoggerOption } from './checkout/app/logger.ts'
export { formatDayReport } from './checkout/ops/reconcile-table.ts'
export type { DayDiscrepancy, DayReport } from './checkout/ops/reconcile-day.ts'
export { healthRoutes, type HealthReport } from './checkout/ops/health.ts'
export { METRICS, INSTRUMENTATION_SCOPE, type TelemetryOptions } from './checkout/ops/telemetry.ts'
export type { CheckoutEnvironment } from './checkout/app/gateway-config.ts'
export { isStoreError, StoreError, type StoreErrorCode } from './store/store-error.ts'
// What the app's options and merchant API speak of. The whole store contract, for a merchant's
// own `Store`, is `@qfpay-checkout/server/store`.
export type { CheckoutRecord, RefundRecord, RefundStatus, Store } from './store/store.ts'
export type * from './contract.ts'
