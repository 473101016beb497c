/**
 * How every error family of this package is recognised: one global-registry symbol on the
 * instance, naming its family. `instanceof` fails when two copies of the package are loaded
 * side by side (a bundled one and a linked one), and an error's name and shape are easy to
 * match by accident; a brand is neither. Each family's guard (`isQfpayError`,
 * `isCheckoutError`, `isStoreError`, `isSandboxError`) reads it, and nothing else does.
 *
 * Framework-free and free of `node:` imports, so the QFPay protocol layer can use it too.
 */

/** The families: one per public entry point (docs/architecture.md#errors). */
export type ErrorFamily = 'qfpay' | 'checkout' | 'store' | 'sandbox'

const BRAND = Symbol.for('qfpay-checkout.error-family')

/** Marks `error` as one of `family`; called by each family's base class constructor. */
export function brandError(error: Error, family: ErrorFamily): void {
  // Not enumerable: it stays out of JSON, logs and `toJSON()` field copies.
  Object.defineProperty(error, BRAND, { value: family, configurable: true })
}

/** `true` when `value` was branded as one of `family`, by any copy of this package. */
export function hasErrorBrand(value: unknown, family: ErrorFamily): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === family
  )
}
