/**
 * Element-level helpers: mount `<qfpay-checkout>`, act as a shopper, read what they see.
 */
import { fixture, html, waitUntil } from '@open-wc/testing'
import jsQR from 'jsqr'
import '../src/define.ts'
import type { QfpayCheckout } from '../src/element/qfpay-checkout.ts'
import type { CheckoutEnv } from '../src/state/checkout-env.ts'
import { ENDPOINT } from './handlers.ts'

export interface MountOptions {
  order?: string
  mode?: string
  payTypes?: string
  locale?: string
  checkout?: string
  env?: Partial<CheckoutEnv>
}

/** Mount a widget against the msw merchant, on a desktop unless `env.isPhone` says otherwise. */
export async function mount(options: MountOptions = {}): Promise<QfpayCheckout> {
  const env: Partial<CheckoutEnv> = {
    isPhone: () => false,
    navigate: () => undefined,
    checkoutFromUrl: () => null,
    ...options.env,
  }
  const el = await fixture<QfpayCheckout>(
    html`<qfpay-checkout
      endpoint=${ENDPOINT}
      order=${options.order ?? 'A-1001'}
      mode=${options.mode ?? 'auto'}
      pay-types=${options.payTypes ?? ''}
      locale=${options.locale ?? 'en'}
      checkout=${options.checkout ?? ''}
      .env=${env}
    ></qfpay-checkout>`
  )
  return el
}

/** Wait until the widget is in `kind`. */
export async function stateIs(el: QfpayCheckout, kind: QfpayCheckout['state']): Promise<void> {
  await waitUntil(() => el.state === kind, `expected state ${kind}, still ${el.state}`, {
    timeout: 4000,
  })
  await el.updateComplete
}

/** A part of the shadow DOM. */
export function part<T extends Element = HTMLElement>(el: QfpayCheckout, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`)
}

/** All parts of a name. */
export function parts(el: QfpayCheckout, name: string): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)]
}

/** The live status text. */
export function status(el: QfpayCheckout): string {
  return part(el, 'status')?.textContent?.trim() ?? ''
}

/** Pick a pay type and press the pay button, as a shopper with a mouse would. */
export async function choose(el: QfpayCheckout, payType: string): Promise<void> {
  await stateIs(el, 'choosing')
  const radio = el.shadowRoot!.querySelector<HTMLInputElement>(
    `input[type=radio][value="${payType}"]`
  )
  if (!radio) throw new Error(`no option for ${payType}`)
  radio.click()
  await el.updateComplete
  part(el, 'pay-button')!.click()
}

/** Wait for the QR code and decode it from its pixels. */
export async function qrText(el: QfpayCheckout): Promise<string> {
  await waitUntil(() => part(el, 'qr')?.tagName.toLowerCase() === 'svg', 'QR code not drawn', {
    timeout: 4000,
  })
  const svg = part<SVGSVGElement>(el, 'qr')!
  const px = 400
  const markup = new XMLSerializer()
    .serializeToString(svg)
    .replace('<svg', `<svg width="${px}" height="${px}"`)
  const img = new Image()
  img.src = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }))
  await img.decode()
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = px
  const ctx = canvas.getContext('2d')!
  ctx.drawImage(img, 0, 0, px, px)
  const data = ctx.getImageData(0, 0, px, px)
  return jsQR(data.data, px, px)?.data ?? ''
}

/** Record every `qfpay-*` event `el` (or, without it, any widget) fires, as the page hears it. */
export function recordEvents(el?: QfpayCheckout): { type: string; detail: any }[] {
  const seen: { type: string; detail: any }[] = []
  for (const type of ['created', 'paid', 'failed', 'expired', 'cancelled', 'error']) {
    document.addEventListener(`qfpay-${type}`, (e) => {
      if (!el || e.composedPath()[0] === el)
        seen.push({ type: e.type, detail: (e as CustomEvent).detail })
    })
  }
  return seen
}
