/**
 * The element's templates: one small `renderX()` per state kind. Pure functions of a
 * {@link ViewContext}; the element owns the callbacks.
 */
import { html, nothing, svg, type TemplateResult } from 'lit'
import type { Checkout, PayMethod } from '@qfpay-checkout/server/contract'
import type { CheckoutMode, State } from './checkout-machine.ts'
import { announcedDuration, formatAmount, formatCountdown } from './format.ts'
import type { QfpayLocale } from './locales/locale.ts'
import type { QrDrawing } from './qr.ts'
import { walletIcons } from './wallet-icons.ts'

/** What a template needs: the state, the text, and what the buttons do. */
export interface ViewContext {
  state: State
  locale: QfpayLocale
  mode: CheckoutMode
  selected: string | undefined
  qr: QrDrawing | undefined
  phone: boolean
  select(payType: string): void
  start(payType: string, authCode?: string): void
  cancel(): void
  retry(): void
  startOver(): void
}

type Of<K extends State['kind']> = Extract<State, { kind: K }>

/** One state's look: the status text (live region) and the rest. */
interface View {
  text: string
  tone?: string
  body?: TemplateResult | typeof nothing
}

function status(text: string, tone = '', body: TemplateResult | typeof nothing = nothing): View {
  return { text, tone, body }
}

/**
 * Render whatever the state is. The status line is the same element in every state, so
 * screen readers hear each change (a freshly inserted live region is often not announced).
 */
export function renderState(v: ViewContext): TemplateResult {
  const { text, tone = '', body = nothing } = viewOf(v)
  return html`<p part="status" class="status ${tone}" role="status" aria-live="polite" tabindex="-1">${text}</p>${body}`
}

function viewOf(v: ViewContext): View {
  const { state, locale: l } = v
  switch (state.kind) {
    case 'loading':
      return status(l.loading)
    case 'choosing':
      return renderChoosing(v, state)
    case 'creating':
      return status(l.creating)
    case 'waiting':
      return renderWaiting(v, state)
    case 'paid':
      return status(l.paid, 'paid', amountOf(v, state.checkout))
    case 'failed':
      return renderEnded(v, state.checkout.flow === 'code' ? l.declined : l.failed, state.checkout, 'failed')
    case 'expired':
      return renderEnded(v, l.expired, state.checkout, 'expired')
    case 'cancelled':
      return renderEnded(v, l.cancelled, state.checkout, 'cancelled')
    case 'error':
      return renderError(v, state)
  }
}

function walletName(l: QfpayLocale, method: Pick<PayMethod, 'wallet'> | undefined): string {
  return method ? l.wallet[method.wallet] ?? method.wallet : ''
}

function methodOf(v: ViewContext, payType: string): PayMethod | undefined {
  return 'ctx' in v.state ? v.state.ctx?.methods.find((m) => m.payType === payType) : undefined
}

function amountOf(v: ViewContext, checkout: Checkout | undefined) {
  if (!checkout) return nothing
  return html`<p part="amount" class="amount">
      <span class="sr-only">${v.locale.total}</span> ${formatAmount(checkout.amount, checkout.currency, v.locale.lang)}
    </p>
    ${checkout.goodsName ? html`<p part="goods" class="goods">${checkout.goodsName}</p>` : nothing}`
}

function renderChoosing(v: ViewContext, state: Of<'choosing'>): View {
  const l = v.locale
  const methods = state.ctx.methods
  if (!methods.length) return status(l.noMethods)
  const selected = methodOf(v, v.selected ?? '')
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && v.selected && v.mode !== 'cashier') {
      event.preventDefault()
      v.start(v.selected)
    }
  }
  const onCode = (event: KeyboardEvent) => {
    const input = event.target as HTMLInputElement
    if (event.key !== 'Enter' || !v.selected || !input.value.trim()) return
    event.preventDefault()
    v.start(v.selected, input.value.trim())
  }
  return status('', '', html`<fieldset part="methods" @keydown=${onKey}>
      <legend>${l.methodsLegend}</legend>
      ${methods.map(
        (m) => html`<label part="method" class="method">
          <input type="radio" name="pay-type" .value=${m.payType} .checked=${m.payType === v.selected}
            @change=${() => v.select(m.payType)} />
          ${walletIcons[m.wallet] ?? nothing}<span>${walletName(l, m)}</span>
        </label>`
      )}
    </fieldset>
    ${v.mode === 'cashier'
      ? html`<label class="field">${l.cashierLabel}
          <input part="cashier-input" type="text" inputmode="numeric" autocomplete="off" enterkeyhint="go"
            @keydown=${onCode} />
        </label>`
      : html`<button part="pay-button" class="primary" type="button" @click=${() => v.selected && v.start(v.selected)}>
          ${l.payWith(walletName(l, selected))}
        </button>`}`)
}

function renderQr(v: ViewContext, checkout: Checkout, wallet: string): TemplateResult {
  const label = v.locale.qrLabel(wallet)
  if (!v.qr) return html`<div part="qr" class="qr qr-pending" role="img" aria-label=${label} aria-busy="true"></div>`
  const { size, path } = v.qr
  return html`<svg part="qr" class="qr" role="img" aria-label=${label} viewBox="0 0 ${size} ${size}"
    shape-rendering="crispEdges" data-pay-url=${checkout.payUrl ?? ''}>${svg`<rect width=${size} height=${size} fill="#fff"/><path d=${path}/>`}</svg>`
}

function renderWaiting(v: ViewContext, state: Of<'waiting'>): View {
  const l = v.locale
  const { checkout } = state
  const method = methodOf(v, checkout.payType)
  const wallet = walletName(l, method ?? { wallet: checkout.payType.startsWith('8002') ? 'wechat' : 'alipay' })
  const cancel = html`<button part="cancel-button" type="button" ?disabled=${state.cancelling} @click=${v.cancel}>
    ${state.cancelling ? l.cancelling : l.cancel}
  </button>`
  const connection = state.connection === 'offline' ? ` ${l.reconnecting}` : ''
  if (checkout.flow === 'code') {
    return status(l.cashierPending + connection, '', amountOf(v, checkout))
  }
  if (state.redirect) {
    return status(l.waitingRedirect + connection, '', html`${amountOf(v, checkout)}
      <div class="actions">
        ${checkout.payUrl ? html`<a part="link" class="link" href=${checkout.payUrl} data-autofocus>${l.continueTo(wallet)}</a>` : nothing}
        ${cancel}
      </div>`)
  }
  const lang = l.lang
  const hint = v.phone && method?.wallet === 'wechat' ? l.scanFromAnotherDevice(wallet) : l.scanWith(wallet)
  return status(`${hint} ${l.timeLeft(announcedDuration(state.remainingMs, lang))}${connection}`, '', html`
    ${amountOf(v, checkout)} ${renderQr(v, checkout, wallet)}
    <p part="countdown" class="countdown" role="timer">${l.expiresIn} ${formatCountdown(state.remainingMs, lang)}</p>
    <div class="actions">
      ${checkout.payUrl
        ? html`<a part="link" class="link" href=${checkout.payUrl} target="_blank" rel="noopener noreferrer">${l.openLink}</a>`
        : nothing}
      ${cancel}
    </div>`)
}

function renderEnded(v: ViewContext, text: string, checkout: Checkout, kind: 'failed' | 'expired' | 'cancelled'): View {
  const l = v.locale
  const again =
    kind === 'expired'
      ? html`<button part="new-code-button" class="primary" type="button" data-autofocus @click=${() => v.start(checkout.payType)}>${l.newQr}</button>`
      : kind === 'failed'
        ? html`<button part="retry-button" class="primary" type="button" data-autofocus @click=${() => v.start(checkout.payType)}>${l.tryAgain}</button>`
        : nothing
  return status(text, kind, html`${amountOf(v, checkout)}
    <div class="actions">
      ${again}
      <button part="choose-button" type="button" ?data-autofocus=${kind === 'cancelled'} @click=${v.startOver}>${l.chooseAgain}</button>
    </div>`)
}

function renderError(v: ViewContext, state: Of<'error'>): View {
  const l = v.locale
  const { error } = state
  const text = l.errors[error.code] ?? l.errors.default
  const final = error.code === 'already_paid'
  return status(text, 'error', html`<div class="actions">
      ${error.retryable
        ? html`<button part="retry-button" class="primary" type="button" data-autofocus @click=${v.retry}>${l.tryAgain}</button>`
        : final
          ? nothing
          : html`<button part="choose-button" type="button" data-autofocus @click=${v.startOver}>${l.chooseAgain}</button>`}
    </div>`)
}
