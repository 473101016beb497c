/**
 * What the element's views (qfpay-checkout.view.ts, in the entry) and the pay chunk's views
 * (pay/pay.ts) share. It imports neither, so the lazily loaded pay chunk never imports the module
 * that loads it: the import graph stays a tree.
 */
import { html, type nothing, type TemplateResult } from 'lit'
import type { PayMethod } from '@qfpay-checkout/server/contract'
import type { CheckoutMode, State } from '../state/checkout-machine.ts'
import type { QfpayLocale } from '../locales/locale.ts'
import type { PayModule } from '../pay/pay.ts'
import type { QrDrawing } from '../pay/qr.ts'

/** What a template needs: the state, the text, and what the buttons do. */
export interface ViewContext {
  state: State
  /** The pay chunk once the controller loaded it: the views of the states with a checkout. */
  pay: PayModule | undefined
  locale: QfpayLocale
  mode: CheckoutMode
  selected: string | undefined
  qr: QrDrawing | undefined
  phone: boolean
  select(payType: string): void
  /** The element: `start()`, `cancel()`, and `refresh()` (retries an error, else starts over). */
  host: { start(payType: string, authCode?: string): void; cancel(): void; refresh(): void }
}

export type Body = TemplateResult | typeof nothing

/** A button; `primary` ones are the main action. `data-autofocus` takes focus after a change. */
export const button = (
  part: string,
  label: string,
  onClick: () => void,
  primary = false,
  autofocus = true,
  disabled = false
) =>
  html`<button
    part=${part}
    class=${primary ? 'primary' : ''}
    type="button"
    ?data-autofocus=${autofocus}
    ?disabled=${disabled}
    @click=${onClick}
  >
    ${label}
  </button>`

export const walletName = (l: QfpayLocale, method: Pick<PayMethod, 'wallet'> | undefined) =>
  method ? (l.wallet[method.wallet] ?? method.wallet) : ''

export const methodOf = (v: ViewContext, payType: string | undefined) =>
  'ctx' in v.state ? v.state.ctx?.methods.find((m) => m.payType === payType) : undefined

/** One state's look: the status text (live region), its tone and the rest. */
export type View = [text: string, tone: string, body: Body]
