/**
 * The demo merchant's `onPaid` hook: it records each run, so the console (and the end-to-end
 * tests, through the admin routes) can show that a payment ran the hook exactly once however
 * many notifies, polls and reconciler passes saw it. A real shop would ship the goods here,
 * deduplicating on `context.idempotencyKey`.
 */
import type { Checkout } from '@qfpay-checkout/server/contract'

/** One recorded hook run. */
export interface HookRun {
  checkoutId: string
  order: string
  amount: number
  idempotencyKey: string
  at: string
}

/** Runs per checkout, and the hook to pass to `createCheckout({ onPaid })`. */
export interface HookLog {
  onPaid(checkout: Checkout, context: { idempotencyKey: string }): void
  runs(): HookRun[]
  /** `{ onPaidRuns, paidCheckouts, byCheckout: { id: runs } }` */
  stats(): { onPaidRuns: number; paidCheckouts: number; byCheckout: Record<string, number> }
}

/** Creates an empty log. `log` prints one line per run (the demo's console output). */
export function createHookLog(log?: (line: string) => void): HookLog {
  const runs: HookRun[] = []
  return {
    onPaid(checkout, context) {
      runs.push({
        checkoutId: checkout.id,
        order: checkout.order,
        amount: checkout.amount,
        idempotencyKey: context.idempotencyKey,
        at: new Date().toISOString(),
      })
      log?.(
        `onPaid: ${checkout.order} paid (${checkout.amount} ${checkout.currency} minor units, pay type ${checkout.payType})`
      )
    },
    runs: () => [...runs],
    stats() {
      const byCheckout: Record<string, number> = {}
      for (const run of runs) byCheckout[run.checkoutId] = (byCheckout[run.checkoutId] ?? 0) + 1
      return { onPaidRuns: runs.length, paidCheckouts: Object.keys(byCheckout).length, byCheckout }
    },
  }
}
