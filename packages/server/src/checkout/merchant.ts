/**
 * The merchant-side object `createCheckout()` hangs on the app as `checkout.merchant`: for the
 * merchant's own server code (an admin page, a job), never exposed as a browser route.
 */
import type { CheckoutStatus } from '../contract.ts'
import type { CheckoutRecord, RefundRecord } from '../store/store.ts'
import { isPaidStatus } from '../model/status.ts'
import { CheckoutError } from './errors.ts'
import type { OutboxWorker } from './outbox-worker.ts'
import type { PaymentService } from './payments.ts'
import type { DayReport } from './ops/reconcile-day.ts'
import type { ReconcileReport, Reconciler } from './reconciler.ts'
import type { RefundOutcome, Refunds } from './refunds.ts'

/** Server-side operations on checkouts. Records include server fields (`outTradeNo`, `syssn`). */
export interface CheckoutMerchant {
  /** One checkout, or `undefined`. */
  get(id: string): Promise<CheckoutRecord | undefined>
  /** Newest first; page with `before` = the last id of the previous page. */
  list(options?: {
    status?: CheckoutStatus
    limit?: number
    before?: string
  }): Promise<CheckoutRecord[]>
  /**
   * Refunds `amount` minor units (default: all that is left). Throws `CheckoutError` 404 for an
   * unknown id, 409 `conflict` when not paid or the amount exceeds what is left. A lost gateway
   * answer returns the refund with status `unknown` (settled later by query or notify).
   */
  refund(id: string, options?: { amount?: number }): Promise<RefundOutcome>
  /** The refunds of a checkout, oldest first. */
  refunds(id: string): Promise<RefundRecord[]>
  /** Cancels a pending checkout (close/reversal upstream); a paid one throws 409 `already_paid`. */
  cancel(id: string): Promise<CheckoutRecord>
  /** Asks the gateway about one pending checkout now. */
  refresh(id: string): Promise<CheckoutRecord | undefined>
  /** One reconciler pass now (plus settling refunds of unknown outcome). */
  reconcile(): Promise<ReconcileReport>
  /** Runs every due `onPaid` / `onStatus` hook now; resolves with how many ran. */
  deliverHooks(): Promise<number>
  /**
   * Daily reconciliation (ops/reconcile-day.ts): pages through QFPay's `/query` for the UTC+8 day
   * `date` (`YYYY-MM-DD`) and compares with the store. Payments QFPay has and the store does not
   * are fixed through the usual transition (so `onPaid` runs); everything else is reported.
   * Render the report with `formatDayReport`. Throws `RangeError` for a malformed date.
   */
  reconcileDay(date: string): Promise<DayReport>
  /** The last `reconcileDay` report of this app, if any (for an admin page). */
  lastDayReport(): DayReport | undefined
}

/** Builds the merchant object over the services. */
export function createMerchant(parts: {
  payments: PaymentService
  refunds: Refunds
  reconciler: Reconciler
  outbox: OutboxWorker
  reconcileDay: (date: string) => Promise<DayReport>
}): CheckoutMerchant {
  const { payments, refunds, reconciler, outbox } = parts
  let lastDay: DayReport | undefined
  return {
    get: (id) => payments.store.get(id),
    list: (options) => payments.store.list(options),
    refund: (id, options) => refunds.refund(id, options),
    refunds: (id) => payments.store.listRefunds(id),
    async cancel(id) {
      const after = await payments.cancel(id)
      if (!after)
        throw new CheckoutError('checkout_not_found', 404, 'Failed to cancel: no such checkout.')
      if (isPaidStatus(after.status)) {
        throw new CheckoutError(
          'already_paid',
          409,
          'Failed to cancel: the checkout is already paid; refund it instead.'
        )
      }
      return after
    },
    refresh: (id) => payments.refresh(id),
    async reconcile() {
      const report = await reconciler.runOnce()
      await refunds.sweep()
      return report
    },
    deliverHooks: () => outbox.drain(),
    async reconcileDay(date) {
      lastDay = await parts.reconcileDay(date)
      return lastDay
    },
    lastDayReport: () => lastDay,
  }
}
