/**
 * `transition` and `updateRefund`, written once for every store over its transaction adapter
 * (`transaction.ts`): lock and read, let the model decide (`planWrite`, `planRefundUpdate`),
 * persist exactly that, and tell subscribers only after the commit.
 */
import { checkTransitionNotify, planWrite } from '../model/plan-write.ts'
import { planRefundUpdate } from '../model/plan-refund.ts'
import type { Store } from './store.ts'
import { type StoreTransactions, andThen } from './transaction.ts'

/** The write methods every store shares. */
export function checkoutWrites(txs: StoreTransactions): Pick<Store, 'transition' | 'updateRefund'> {
  return {
    async transition(id, { expectedVersion, status, notify, hooks, ...patch }) {
      const receivedAt = checkTransitionNotify(notify)
      const notifyArg = notify && { input: notify, receivedAt: receivedAt! }
      const result = await txs.run((tx) =>
        andThen(tx.lockCheckout(id), (current) => {
          const plan = planWrite(current, expectedVersion, patch, status, txs.now(), hooks)
          if (!plan.ok) return { plan, recorded: undefined }
          // Same transaction, one commit: the notify row exists iff the transition committed.
          return andThen(tx.writeCheckout(plan, expectedVersion, notifyArg), (recorded) => ({
            plan,
            recorded,
          }))
        })
      )
      const { plan, recorded } = result
      if (!plan.ok) return plan
      if (plan.bumped) txs.committed(plan.next)
      return {
        ok: true,
        checkout: plan.next,
        bumped: plan.bumped,
        ...(recorded ? { notify: recorded } : {}),
      }
    },
    async updateRefund(id, patch) {
      const plan = await txs.run((tx) =>
        andThen(tx.lockRefund(id), ({ refund, checkout }) => {
          const p = planRefundUpdate(refund, checkout, patch, txs.now())
          if (!p.ok) return p
          return andThen(tx.writeRefund(p.refund), () => {
            const write = p.checkoutWrite
            if (!write) return p
            return andThen(tx.writeCheckout(write, write.next.version - 1), () => p)
          })
        })
      )
      if (!plan.ok) return plan
      if (!plan.checkoutWrite) return { ok: true, refund: plan.refund }
      txs.committed(plan.checkoutWrite.next)
      return { ok: true, refund: plan.refund, checkout: plan.checkoutWrite.next }
    },
  }
}
