/**
 * `@qfpay-checkout/server/sandbox`: a local QFPay `/trade/v1` gateway with a shopper phone
 * page, signed notifies and fault knobs. Runs in process, as msw handlers
 * (`@qfpay-checkout/server/sandbox/msw`) or standalone (`pnpm sandbox`).
 *
 * @see ./README.md
 */
export { createSandbox, type Sandbox } from './create-sandbox.ts'
export { SandboxControlError, type SandboxOptions } from './core.ts'
export { isSandboxError, SandboxError } from './sandbox-error.ts'
export { GatewayError } from './gateway-error.ts'
export { KnobError } from './knobs.ts'
export type { SandboxMerchantOptions, SandboxMerchantView } from './merchants.ts'
export { DEFAULT_KNOBS, PROFILE_KNOBS, type SandboxKnobs, type SandboxProfile } from './knobs.ts'
export { createManualClock, systemClock, type ManualClock, type SandboxClock } from './clock.ts'
export { NOTIFY_RETRY_DELAYS_MS, type NotifyAttempt, type NotifyRecord } from './notifier.ts'
export type { SandboxOrderView, OrderStatus } from './order-rows.ts'
export { pyJsonDumps, type PyJsonValue } from './py-json.ts'
