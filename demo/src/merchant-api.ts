/**
 * What the console shows and does, over the checkout app's server-side object
 * (`checkout.merchant`, see packages/server/src/checkout/merchant.ts). Rows leave out the
 * gateway bookkeeping (`outTradeNo`, `syssn`, reconciler fields) a shop assistant has no use for.
 */
import type { CheckoutMerchant, CheckoutRecord } from '@qfpay-checkout/server'
import type { Checkout } from '@qfpay-checkout/server/contract'

/** A console row: the wire checkout plus which mount took it (`public` shop or `cashier` till). */
export type ConsoleCheckout = Checkout & { mount: string }

/** The console's operations. */
export interface DemoMerchant {
  list(): Promise<ConsoleCheckout[]>
  refund(
    id: string,
    options: { amount?: number }
  ): Promise<{ checkout: ConsoleCheckout; refund: { id: string; amount: number; status: string } }>
  cancel(id: string): Promise<ConsoleCheckout>
}

/** Newest checkouts the console lists. */
const LIST_LIMIT = 200

function row(record: CheckoutRecord): ConsoleCheckout {
  const { outTradeNo, syssn, nextCheckAt, checkAttempts, upstreamClosed, updatedAt, ...rest } =
    record
  return rest
}

/** Wraps `checkout.merchant`. */
export function demoMerchant(merchant: CheckoutMerchant): DemoMerchant {
  return {
    list: async () => (await merchant.list({ limit: LIST_LIMIT })).map(row),
    async refund(id, options) {
      const { checkout, refund } = await merchant.refund(id, options)
      return {
        checkout: row(checkout),
        refund: { id: refund.id, amount: refund.amount, status: refund.status },
      }
    },
    cancel: async (id) => row(await merchant.cancel(id)),
  }
}
