/**
 * What the widget needs once a checkout exists, in its own chunk: the live status, the QR
 * code and the views of waiting, paid, failed, expired and cancelled. The controller preloads
 * it when choosing shows and waits for it before opening or resuming a checkout, so it is
 * always there when those states render. (The entry is what first paint needs: docs/decisions.md#a-size-budget-the-tests-enforce.)
 */
import type { PayModule } from './pay.ts'

/** The loaded chunk, once {@link loadPay} resolved. */
export let pay: PayModule | undefined
let loading: Promise<unknown> | undefined

/** Load the chunk once; a failed load may be tried again. */
export function loadPay(): Promise<unknown> {
  return (loading ??= import('./pay.ts').then(
    (m) => (pay = m),
    (cause: unknown) => {
      loading = undefined
      throw cause
    }
  ))
}
