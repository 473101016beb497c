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
export { createCheckout, type CheckoutApp, type CheckoutStats } from './checkout/create-checkout.ts'
export { CheckoutError, isCheckoutError } from './checkout/errors.ts'
export { forwardedClientIp } from './checkout/context.ts'
export {
  createGatewayBudget,
  budgetedClient,
  GatewayBudgetExceeded,
  isGatewayBudgetExceeded,
  type GatewayBudget,
  type GatewayBudgetOptions,
  type GatewayBudgetStats,
  type GatewayPriority,
} from './checkout/gateway-budget.ts'
export type { CheckoutOptions, CheckoutHook, ResolvedOrder } from './checkout/options.ts'
export type { CheckoutMerchant } from './checkout/merchant.ts'
export type { RefundOutcome } from './checkout/refunds.ts'
export type { ReconcileReport, ReconcilerOptions } from './checkout/reconciler.ts'
export type { Logger, LoggerOption } from './checkout/logger.ts'
export { formatDayReport } from './checkout/ops/reconcile-table.ts'
export type { DayDiscrepancy, DayReport } from './checkout/ops/reconcile-day.ts'
export { healthRoutes, type HealthReport } from './checkout/ops/health.ts'
export { METRICS, INSTRUMENTATION_SCOPE, type TelemetryOptions } from './checkout/ops/telemetry.ts'
export type { LongPollOptions } from './checkout/routes/long-poll.ts'
export type { CheckoutEnvironment, GatewayOptions } from './checkout/gateway-config.ts'
export { isStoreError, StoreError, type StoreErrorCode } from './store/store-error.ts'
// The store contract, for a merchant's own `Store` (prove it with `describeStoreContract` from
// `@qfpay-checkout/server/testing`).
export type {
  CheckoutChange,
  CheckoutPatch,
  CheckoutRecord,
  CheckoutStore,
  CreateCheckoutInput,
  CreateCheckoutResult,
  CreateRefundInput,
  CreateRefundResult,
  LeaseInput,
  NotifyInput,
  NotifyRecord,
  NotifyStore,
  OutboxEntry,
  OutboxStore,
  OutboxTopic,
  RecordNotifyResult,
  RefundPatch,
  RefundRecord,
  RefundStatus,
  RefundStore,
  Store,
  StoreOptions,
  TransitionInput,
  UpdateRefundResult,
  WriteRejection,
  WriteResult,
} from './store/store.ts'
export type * from './contract.ts'
