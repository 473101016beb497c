/**
 * The store as the app's services see it: the same object, with every committed status change
 * counted (`qfpay.checkout.transitions`) and told to the notify span it happened in. Nothing
 * about the writes changes; the wrapper only reads what they return.
 */
import type { Store, WriteResult } from '../../store/store.ts'
import type { OpsMonitor } from './monitor.ts'
import { markNotifyTransition } from './notify-span.ts'

/** Returns a view of `store` that reports transitions to `monitor`. */
export function instrumentStore(store: Store, monitor: OpsMonitor): Store {
  const counted = (status: string, late: boolean) => {
    monitor.telemetry.transitions.add(1, {
      'qfpay.checkout.status': status,
      ...(late ? { 'qfpay.checkout.late_payment': true } : {}),
    })
    markNotifyTransition(status)
  }
  const overrides: Partial<Store> = {
    async create(input) {
      const result = await store.create(input)
      if (result.kind === 'created') counted('pending', false)
      return result
    },
    async transition(id, input): Promise<WriteResult> {
      const result = await store.transition(id, input)
      // A patch (no `status`) is bookkeeping, not a transition.
      if (result.ok && input.status !== undefined)
        counted(result.checkout.status, result.checkout.latePayment === true)
      return result
    },
    async updateRefund(id, patch) {
      const result = await store.updateRefund(id, patch)
      if (result.ok && result.checkout) counted(result.checkout.status, false)
      return result
    },
  }
  // Methods are bound to the real store: implementations keep private fields (#x), which a
  // proxy as `this` could not reach.
  return new Proxy(store, {
    get(target, name) {
      const own = overrides[name as keyof Store]
      if (own) return own
      const value = Reflect.get(target, name)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
