/**
 * The element's templates: one view per state kind. Pure functions of a {@link ViewContext};
 * the element owns the callbacks. Kept small on purpose (the entry's size budget): the buttons share
 * one template, and "retry" / "choose again" are the element's `refresh()`.
 */
import { html, nothing, type TemplateResult } from 'lit'
import type { PayMethod } from '@qfpay-checkout/server/contract'
import { walletIcons } from './wallet-icons.ts'
// The states with a checkout render from the pay chunk (pay/pay.ts, `v.pay`). What both share is in
// view-parts.ts, imported after the icons (that module order gzips smallest).
import { button, methodOf, walletName, type View, type ViewContext } from './view-parts.ts'

/**
 * Render whatever the state is. The status line is the same element in every state, so
 * screen readers hear each change (a freshly inserted live region is often not announced).
 */
export function renderState(v: ViewContext): TemplateResult {
  const [text, tone, body] = viewOf(v)
  return html`<p
      part="status"
      class="status ${tone}"
      role="status"
      aria-live="polite"
      tabindex="-1"
    >
      ${text}
    </p>
    ${body}`
}

function viewOf(v: ViewContext): View {
  const { state, locale: l, host } = v
  switch (state.kind) {
    case 'loading':
      return [l.loading, '', nothing]
    case 'creating':
      return [l.creating, '', nothing]
    case 'choosing':
      return state.ctx.methods.length
        ? ['', '', renderChoosing(v, state.ctx.methods)]
        : [l.noMethods, '', nothing]
    case 'error': {
      const { code, retryable } = state.error
      return [
        l.errors[code] ?? l.errors.default,
        'error',
        html`<div class="actions">
          ${
            retryable
              ? button('retry-button', l.tryAgain, host.refresh, true)
              : code === 'already_paid'
                ? nothing
                : button('choose-button', l.chooseAgain, host.refresh)
          }
        </div>`,
      ]
    }
    default:
      // A checkout exists: its views come with the pay chunk (loaded before these states).
      return v.pay ? v.pay.viewOfCheckout(v, state) : [l.loading, '', nothing]
  }
}

function renderChoosing(v: ViewContext, methods: PayMethod[]): TemplateResult {
  const { locale: l, selected, host } = v
  const cashier = v.mode === 'cashier'
  // Enter pays from the radio group; in cashier mode it charges the code typed or scanned.
  const onEnter = (event: KeyboardEvent) => {
    const code = cashier ? (event.target as HTMLInputElement).value.trim() : ''
    if (event.key === 'Enter' && selected && (code || !cashier)) {
      event.preventDefault()
      host.start(selected, code || undefined)
    }
  }
  return html`<fieldset part="methods" @keydown=${cashier ? nothing : onEnter}>
      <legend>${l.methodsLegend}</legend>
      ${methods.map(
        (m) =>
          html`<label part="method" class="method">
            <input
              type="radio"
              name="pay-type"
              .value=${m.payType}
              .checked=${m.payType === selected}
              @change=${() => v.select(m.payType)}
            />
            ${walletIcons[m.wallet] ?? nothing}<span>${walletName(l, m)}</span>
          </label>`
      )}
    </fieldset>
    ${
      cashier
        ? html`<label class="field"
            >${l.cashierLabel}
            <input
              part="cashier-input"
              type="text"
              inputmode="numeric"
              autocomplete="off"
              enterkeyhint="go"
              @keydown=${onEnter}
            />
          </label>`
        : button(
            'pay-button',
            l.payWith(walletName(l, methodOf(v, selected))),
            () => selected && host.start(selected),
            true,
            false
          )
    }`
}
