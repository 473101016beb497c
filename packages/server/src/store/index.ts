/**
 * `@qfpay-checkout/server/store`: the `Store` contract, for a merchant who keeps checkouts in a
 * database of their own. `createCheckout({ store })` takes any object implementing `Store`;
 * prove one with `describeStoreContract` from `@qfpay-checkout/server/testing`, the suite the
 * built-in memory, SQLite and PostgreSQL stores pass. Types only, plus the error a store throws.
 *
 * @example
 * import type { Store } from '@qfpay-checkout/server/store'
 * export function openMyStore(): Store { ... }
 */
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
} from './store.ts'
export { isStoreError, StoreError, type StoreErrorCode } from './store-error.ts'
