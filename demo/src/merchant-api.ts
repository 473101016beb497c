/**
 * What the console shows and does, over the checkout app's server-side object
 * (`checkout.merchant`, see packages/server/src/checkout/app/merchant.ts). Rows leave out the
 * gateway bookkeeping (`outTradeNo`, `syssn`, reconciler fields) a shop assistant has no use for.
 */
import {
  type CheckoutMerchant,
  type CheckoutRecord,
  type DayReport,
  formatDayReport,
  type HealthReport,
} from '@qfpay-checkout/server'
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
  /** The shop mount's health report (never on a public route: the admin routes are staff only). */
  health(): Promise<HealthReport>
  /** Runs the daily reconciliation for `date` (a UTC+8 day) and keeps it as the last one. */
  reconcileDay(date: string): Promise<DayReportView>
  /** The last daily reconciliation run in this process, or `null`. */
  lastReconciliation(): DayReportView | null
}

/** A reconciliation report plus its readable table, as the console shows it. */
export type DayReportView = DayReport & { table: string }

/** Newest checkouts the console lists. */
const LIST_LIMIT = 200

function row(record: CheckoutRecord): ConsoleCheckout {
  const { outTradeNo, syssn, nextCheckAt, checkAttempts, upstreamClosed, updatedAt, ...rest } =
    record
  return rest
}

/** The report with its table. */
function view(report: DayReport): DayReportView {
  return { ...report, table: formatDayReport(report) }
}

/** Wraps `checkout.merchant` (and the app's `health()`). */
export function demoMerchant(
  merchant: CheckoutMerchant,
  health: () => Promise<HealthReport>
): DemoMerchant {
  return {
    health,
    reconcileDay: async (date) => view(await merchant.reconcileDay(date)),
    lastReconciliation() {
      const last = merchant.lastDayReport()
      return last ? view(last) : null
    },
    list: async () => (await merchant.checkouts.list({ limit: LIST_LIMIT })).map(row),
    async refund(id, options) {
      const { checkout, refund } = await merchant.refunds.create(id, options)
      return {
        checkout: row(checkout),
        refund: { id: refund.id, amount: refund.amount, status: refund.status },
      }
    },
    cancel: async (id) => row(await merchant.checkouts.cancel(id)),
  }
}
