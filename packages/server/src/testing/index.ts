/**
 * `@qfpay-checkout/server/testing`: helpers for a merchant's own tests, kept out of the runtime
 * entries. Sign a notify body the way QFPay does, then post it to your mounted checkout app to
 * test your `onPaid` handling without a gateway.
 */
export { signNotifyForTest, type SignedTestNotify } from './sign-notify.ts'
export {
  describeStoreContract,
  type MakeStore,
  type TestRunner,
} from './store-contract/store-contract.ts'
