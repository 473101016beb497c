/**
 * Test beds build a full set of `createCheckout()` options and let a test override some of
 * them. With the options grouped (`gateway`, `hooks`, `http`, `reconciler`), a plain spread
 * would replace a whole group: overriding `gateway.requestsPerMinute` would drop the bed's
 * credentials. This merges the groups one level down (and `http`'s own groups), everything else
 * as a spread does.
 */
import type { CheckoutOptions } from '../../src/checkout/app/options.ts'

const GROUPS = ['hooks', 'gateway', 'http', 'reconciler', 'cashier'] as const
const HTTP_GROUPS = ['perClient', 'longPoll'] as const

/** `base` with `extra` laid over it, groups merged rather than replaced. */
export function mergeCheckoutOptions<T extends Partial<CheckoutOptions>>(
  base: T,
  extra: Partial<CheckoutOptions> = {}
): T {
  const merged: Record<string, unknown> = { ...base, ...extra }
  for (const group of GROUPS) {
    if (base[group] !== undefined && extra[group] !== undefined)
      merged[group] = { ...base[group], ...extra[group] }
  }
  if (base.http !== undefined && extra.http !== undefined) {
    const http: Record<string, unknown> = merged['http'] as Record<string, unknown>
    for (const group of HTTP_GROUPS)
      if (base.http[group] !== undefined && extra.http[group] !== undefined)
        http[group] = { ...base.http[group], ...extra.http[group] }
  }
  return merged as T
}
