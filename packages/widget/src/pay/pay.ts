/**
 * The pay chunk: the live status, the QR code, and the views of a state with a checkout —
 * waiting, paid, failed, expired and cancelled. The controller (state/checkout-controller.ts)
 * loads it (its only `import()`), preloading it while the shopper chooses and waiting for it
 * before a checkout is opened or resumed; the element and its views get it from the controller.
 * The entry imports nothing from this folder but types: first paint never ships it
 * (docs/decisions.md#a-size-budget-the-tests-enforce).
 */
import { html, nothing, svg } from 'lit'
import type { Checkout } from '@qfpay-checkout/server/contract'
import type { State } from '../state/checkout-machine.ts'
import { announcedDuration, formatAmount, formatCountdown } from './format.ts'
import { drawQr, type QrDrawing } from './qr.ts'
import {
  button,
  methodOf,
  walletName,
  type Body,
  type View,
  type ViewContext,
} from '../element/view-parts.ts'

export { cancel, create, wait } from './checkout-effects.ts'
export { payStyles } from './pay.styles.ts'

/** This module's shape, as the controller keeps it once loaded. */
export type PayModule = typeof import('./pay.ts')

type Of<K extends State['kind']> = Extract<State, { kind: K }>

/** An element's QR code: the pay URL it encodes and, once drawn, the drawing. */
export interface QrBox {
  qr?: { url: string; drawing?: QrDrawing }
}

/** The drawn QR for a waiting QR checkout; draws it (once per URL) in the background, then `drawn()`. */
export function qrFor(box: QrBox, state: State, drawn: () => void): QrDrawing | undefined {
  if (state.kind !== 'waiting' || state.redirect || !state.checkout.payUrl) return undefined
  const url = state.checkout.payUrl
  if (box.qr?.url !== url) {
    const entry: QrBox['qr'] = (box.qr = { url })
    drawQr(url).then(
      (drawing) => {
        entry.drawing = drawing
        drawn()
      },
      () => undefined // the link below the code still works
    )
  }
  return box.qr.drawing
}

const amountOf = ({ locale: l }: ViewContext, checkout: Checkout) =>
  html`<p part="amount" class="amount">
      <span class="sr-only">${l.total}</span>
      ${formatAmount(checkout.amount, checkout.currency, l.lang)}
    </p>
    ${checkout.goodsName ? html`<p part="goods" class="goods">${checkout.goodsName}</p>` : nothing}`

/** The view of a state about a checkout. */
export function viewOfCheckout(
  v: ViewContext,
  state: Of<'waiting' | 'paid' | 'failed' | 'expired' | 'cancelled'>
): View {
  const { locale: l, host } = v
  if (state.kind === 'waiting') return viewOfWaiting(v, state)
  const { kind, checkout } = state
  if (kind === 'paid') return [l.paid, kind, amountOf(v, checkout)]
  // failed, expired, cancelled: try again (a new code after expiry) or choose again.
  const again = () => host.start(checkout.payType)
  return [
    kind === 'failed'
      ? checkout.flow === 'code'
        ? l.declined
        : l.failed
      : kind === 'expired'
        ? l.expired
        : l.cancelled,
    kind,
    html`${amountOf(v, checkout)}
      <div class="actions">
        ${
          kind === 'expired'
            ? button('new-code-button', l.newQr, again, true)
            : kind === 'failed'
              ? button('retry-button', l.tryAgain, again, true)
              : nothing
        }
        ${button('choose-button', l.chooseAgain, host.refresh, false, kind === 'cancelled')}
      </div>`,
  ]
}

function viewOfWaiting(v: ViewContext, state: Of<'waiting'>): View {
  const { locale: l, host } = v
  const { checkout, cancelling, remainingMs } = state
  const { payUrl } = checkout
  const method = methodOf(v, checkout.payType)
  const wallet = walletName(
    l,
    method ?? { wallet: checkout.payType.startsWith('8002') ? 'wechat' : 'alipay' }
  )
  const offline = state.connection === 'offline' ? ` ${l.reconnecting}` : ''
  const amount = amountOf(v, checkout)
  if (checkout.flow === 'code') return [l.cashierPending + offline, '', amount]
  const actions = (link: Body) =>
    html`<div class="actions">
      ${link}
      ${button('cancel-button', cancelling ? l.cancelling : l.cancel, host.cancel, false, false, cancelling)}
    </div>`
  if (state.redirect) {
    return [
      l.waitingRedirect + offline,
      '',
      html`${amount}
      ${actions(payUrl ? html`<a part="link" class="link" href=${payUrl} data-autofocus>${l.continueTo(wallet)}</a>` : nothing)}`,
    ]
  }
  const { lang } = l
  const hint =
    v.phone && method?.wallet === 'wechat' ? l.scanFromAnotherDevice(wallet) : l.scanWith(wallet)
  const label = l.qrLabel(wallet)
  const qr = v.qr
    ? html`<svg
        part="qr"
        class="qr"
        role="img"
        aria-label=${label}
        viewBox="0 0 ${v.qr.size} ${v.qr.size}"
        shape-rendering="crispEdges"
        data-pay-url=${payUrl ?? ''}
      >
        ${svg`<rect width=${v.qr.size} height=${v.qr.size} fill="#fff"/><path d=${v.qr.path}/>`}
      </svg>`
    : html`<div
        part="qr"
        class="qr qr-pending"
        role="img"
        aria-label=${label}
        aria-busy="true"
      ></div>`
  return [
    `${hint} ${l.timeLeft(announcedDuration(remainingMs, lang))}${offline}`,
    '',
    html`${amount} ${qr}
      <p part="countdown" class="countdown" role="timer">
        ${l.expiresIn} ${formatCountdown(remainingMs, lang)}
      </p>
      ${actions(payUrl ? html`<a part="link" class="link" href=${payUrl} target="_blank" rel="noopener noreferrer">${l.openLink}</a>` : nothing)}`,
  ]
}
