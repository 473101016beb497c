import { LitElement, adoptStyles, html, isServer, type PropertyValues } from 'lit'
import type { Checkout, PayMethod } from '@qfpay-checkout/server/contract'
import { CheckoutController } from '../state/checkout-controller.ts'
import type { CheckoutEnv } from '../state/checkout-env.ts'
import type { CheckoutMode, State, WidgetError } from '../state/checkout-machine.ts'
import { checkoutOf } from '../state/checkout-machine.ts'
import { LocaleController } from './locale-controller.ts'
import { styles } from './qfpay-checkout.styles.ts'
import { renderState } from './qfpay-checkout.view.ts'
import type { ViewContext } from './view-parts.ts'
import type { QrBox } from '../pay/pay.ts'

/** `pay-types` is read, never reflected: no `toAttribute`. */
const payTypesConverter = {
  fromAttribute: (value: string | null) =>
    value ? value.split(/[\s,]+/).filter(Boolean) : undefined,
}

/**
 * `<qfpay-checkout>`: take an Alipay or WeChat Pay payment through the merchant's QFPay
 * checkout routes. The shopper picks a wallet, then scans a QR code (desktop) or is sent to the
 * wallet (phone); the element follows the checkout live and shows the outcome.
 *
 * Importing this module has no side effects; import `@qfpay-checkout/widget/define` to
 * register the tag.
 *
 * @example
 * <qfpay-checkout endpoint="/qfpay" order="A-1001"></qfpay-checkout>
 * @see docs/architecture.md
 *
 * @tag qfpay-checkout
 *
 * @fires {CustomEvent<Checkout>} qfpay-created - A checkout was opened for the chosen pay type.
 * @fires {CustomEvent<Checkout>} qfpay-paid - The checkout is paid.
 * @fires {CustomEvent<Checkout>} qfpay-failed - The payment failed or was declined.
 * @fires {CustomEvent<Checkout>} qfpay-expired - The QR code / pay URL expired unpaid.
 * @fires {CustomEvent<Checkout>} qfpay-cancelled - The checkout was cancelled.
 * @fires {CustomEvent<QfpayErrorDetail>} qfpay-error - A request failed: `{ code, message, retryable, checkout? }`.
 *
 * @csspart base - The card around everything.
 * @csspart status - The live region (`aria-live="polite"`) with the current status text.
 * @csspart methods - The radio group of pay types.
 * @csspart method - One pay type option (label with radio, icon and wallet name).
 * @csspart pay-button - Starts paying with the selected pay type.
 * @csspart amount - The amount to pay.
 * @csspart goods - The goods name.
 * @csspart qr - The QR code (an SVG).
 * @csspart hint - Scanning hint under the QR code.
 * @csspart countdown - Time left before the code expires.
 * @csspart link - The pay URL as a link (text alternative to the QR code, or "Continue to the wallet").
 * @csspart cancel-button - Cancels the waiting checkout.
 * @csspart new-code-button - Opens a new checkout after expiry (the old one is cancelled first).
 * @csspart retry-button - Retries after an error or failure.
 * @csspart choose-button - Goes back to choosing a pay type.
 * @csspart cashier-input - Cashier mode: the shopper's payment code from a barcode scanner.
 *
 * @cssproperty [--qfpay-accent=#0958d9] - Buttons, selection and focus (dark: #4493f8).
 * @cssproperty [--qfpay-accent-text=#ffffff] - Text on accent buttons.
 * @cssproperty [--qfpay-text=#1f2328] - Text (dark: #e6edf3).
 * @cssproperty [--qfpay-muted=#59636e] - Secondary text (dark: #9198a1).
 * @cssproperty [--qfpay-surface=#ffffff] - Background (dark: #151b23).
 * @cssproperty [--qfpay-border=#d1d9e0] - Borders (dark: #3d444d).
 * @cssproperty [--qfpay-success=#1a7f37] - Paid status.
 * @cssproperty [--qfpay-danger=#cf222e] - Failure and error status.
 * @cssproperty [--qfpay-radius=12px] - Corner radius of the card (controls use a fraction).
 * @cssproperty [--qfpay-padding=1rem] - Padding of the card.
 * @cssproperty [--qfpay-font=1rem/1.5 system-ui] - Font shorthand.
 * @cssproperty [--qfpay-qr-size=200px] - Width of the QR code (never wider than the card).
 */
export class QfpayCheckout extends LitElement {
  static override styles = styles

  static override properties = {
    endpoint: { reflect: true },
    order: { reflect: true },
    payTypes: { attribute: 'pay-types', converter: payTypesConverter },
    locale: { reflect: true },
    mode: { reflect: true },
    checkoutId: { attribute: 'checkout' },
    env: { attribute: false },
  }

  /** Base URL of the merchant's checkout routes, e.g. `/qfpay`. Required. */
  declare endpoint: string | undefined
  /** The merchant's order reference; the server resolves it to the amount. Unique per purchase. */
  declare order: string | undefined
  /** `pay-types`: which enabled pay types to offer, in this order (space or comma separated). */
  declare payTypes: string[] | undefined
  /** `en`, `zh-CN`, `zh-HK` (zh-TW maps to zh-HK) or a registered one; default from the page. */
  declare locale: string | undefined
  /** `auto` (QR on desktops, redirect on phones), `qr`, `redirect`, or `cashier` (swipe-card). */
  declare mode: CheckoutMode
  /** `checkout` attribute: a checkout id to resume (falls back to `?checkout=` in the URL). */
  declare checkoutId: string | undefined
  /** @internal Overrides of the browser environment, for tests. Set before connecting. */
  declare env: Partial<CheckoutEnv> | undefined

  #localize = new LocaleController(this)
  #controller = new CheckoutController(this, {
    inputs: () => ({
      endpoint: this.endpoint,
      order: this.order,
      payTypes: this.payTypes,
      mode: this.mode,
      checkoutId: this.checkoutId,
    }),
    env: () => this.env,
    // The config and the shopper's locale load together: choosing shows in the right language.
    ready: () => this.#localize.loading,
  })
  #selected: string | undefined
  /** The QR code being drawn or shown (pay/pay.ts `qrFor`). */
  #qr: QrBox = {}
  #hadFocus = false
  #payStyled = false

  constructor() {
    super()
    this.mode = 'auto'
  }

  /** The current state: `loading`, `choosing`, `creating`, `waiting`, `paid`, `failed`, `expired`, `cancelled` or `error`. */
  get state(): State['kind'] {
    return this.#controller.state.kind
  }

  /** The checkout being shown, as the server last described it. */
  get checkout(): Checkout | undefined {
    return checkoutOf(this.#controller.state)
  }

  /** The current error, in the `error` state. */
  get error(): WidgetError | undefined {
    const state = this.#controller.state
    return state.kind === 'error' ? state.error : undefined
  }

  /** Open a checkout for `payType` (one of the offered ones). In cashier mode pass the scanned code. */
  start(payType: string, authCode?: string): void {
    this.#controller.start(payType, authCode)
  }

  /** Cancel the waiting checkout. A checkout that got paid meanwhile ends as paid. */
  cancel(): void {
    this.#controller.cancel()
  }

  /** While waiting, check the status now; after an error, retry; otherwise start over. */
  refresh(): void {
    this.#controller.refresh()
  }

  /** Also waits for a locale chunk the last render asked for, and the render after it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let done = await super.getUpdateComplete()
    while (this.#localize.loading) {
      await this.#localize.loading
      done = await super.getUpdateComplete()
    }
    return done
  }

  protected override willUpdate(): void {
    // (The controller notices a new endpoint or checkout itself, in its hostUpdate().)
    this.#hadFocus = this.shadowRoot?.activeElement != null
  }

  protected override render() {
    const { state, pay } = this.#controller
    if (pay && !this.#payStyled && !isServer) {
      // The pay chunk is here (preloaded while choosing): add its styles before its states show.
      this.#payStyled = true
      adoptStyles(this.renderRoot as ShadowRoot, [
        ...(this.constructor as typeof LitElement).elementStyles,
        pay.payStyles,
      ])
    }
    let locale = this.#localize.current()
    // Until the shopper's language arrives (a few ms), no English flash in the status line.
    if (this.#localize.loading && state.kind === 'loading') locale = { ...locale, loading: '' }
    const view: ViewContext = {
      state,
      pay,
      locale,
      mode: this.mode,
      selected: this.#selectedIn(state),
      qr: pay?.qrFor(this.#qr, state, () => this.requestUpdate()),
      phone: this.#controller.isPhone(),
      select: (payType) => {
        this.#selected = payType
        this.requestUpdate()
      },
      host: this,
    }
    return html`<div part="base" class="base" lang=${locale.lang}>${renderState(view)}</div>`
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed)
    const kind = this.#controller.state.kind
    if (this.#hadFocus && this.shadowRoot?.activeElement == null) {
      // The control the shopper used went away with the old state: focus the new state's
      // main control, or its status text, never the page's top.
      const target =
        this.renderRoot.querySelector<HTMLElement>(
          kind === 'choosing' ? 'input:checked' : '[data-autofocus]'
        ) ?? this.renderRoot.querySelector<HTMLElement>('.status')
      target?.focus()
    }
  }

  #selectedIn(state: State): string | undefined {
    const methods: PayMethod[] = 'ctx' in state && state.ctx ? state.ctx.methods : []
    if (!methods.some((m) => m.payType === this.#selected)) this.#selected = methods[0]?.payType
    return this.#selected
  }
}
