/**
 * What a shopper (and a shop assistant) does on the demo's pages, through an engine-neutral
 * {@link Tab}: the same steps as ../shopper.ts, found by CSS (piercing the element's shadow
 * root) and done with real clicks and key presses.
 */
import { decodeQrPng } from '../qr.ts'
import { STEP_TIMEOUT_MS } from '../harness.ts'
import { WATCH_PAGE, type Rect, type Tab } from './engine.ts'

/** An element: `css` in the document, then `shadow` inside its shadow root, with `text` in it. */
export interface Target {
  css: string
  shadow?: string
  /** Text the element's textContent must contain. */
  text?: string
}

/** A part of the page's `<qfpay-checkout>`. */
export const part = (name: string, text?: string): Target => ({
  css: 'qfpay-checkout',
  shadow: `[part~="${name}"]`,
  ...(text ? { text } : {}),
})

/** Scrolls the target into view when it is not, and returns its box; null when absent. */
const LOCATE = `(t) => {
  const host = document.querySelector(t.css)
  if (!host) return null
  const all = t.shadow ? [...(host.shadowRoot?.querySelectorAll(t.shadow) ?? [])] : [host]
  const el = all.find((e) => !t.text || e.textContent.includes(t.text))
  if (!el) return null
  let r = el.getBoundingClientRect()
  if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
    el.scrollIntoView({ block: 'center', inline: 'center' })
    r = el.getBoundingClientRect()
  }
  return r.width > 0 && r.height > 0 ? { x: r.x, y: r.y, width: r.width, height: r.height } : null
}`

/** Polls `fn` (page source) until it returns something other than null/false. */
export async function waitInPage<T>(
  tab: Tab,
  what: string,
  fn: string,
  args: unknown[] = [],
  timeout = STEP_TIMEOUT_MS
): Promise<T> {
  const end = Date.now() + timeout
  let last: unknown
  for (;;) {
    try {
      const value = await tab.evaluate<T | null | false>(fn, ...args)
      if (value !== null && value !== false && value !== undefined) return value
    } catch (error) {
      last = error // e.g. the page is between two documents
    }
    if (Date.now() > end)
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${last ? `: ${last}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Waits for the target to be on screen and returns its box. */
export function locate(tab: Tab, target: Target, timeout = STEP_TIMEOUT_MS): Promise<Rect> {
  return waitInPage<Rect>(tab, JSON.stringify(target), LOCATE, [target], timeout)
}

/** Clicks the middle of the target, as a mouse would. */
export async function click(tab: Tab, target: Target): Promise<void> {
  const box = await locate(tab, target)
  await tab.clickAt(box.x + box.width / 2, box.y + box.height / 2)
}

/** The element's state, read from its public `state` getter. */
export function widgetState(tab: Tab): Promise<string | undefined> {
  return tab.evaluate(`() => document.querySelector('qfpay-checkout')?.state`)
}

/** Waits until the element is in `state`. */
export async function waitForWidget(
  tab: Tab,
  state: string,
  timeout = STEP_TIMEOUT_MS
): Promise<void> {
  await waitInPage(
    tab,
    `the widget in ${state}`,
    `(want) => document.querySelector('qfpay-checkout')?.state === want`,
    [state],
    timeout
  )
}

/** The element's status line (its `aria-live` region), as rendered. */
export function statusText(tab: Tab): Promise<string> {
  return tab.evaluate(
    `() => document.querySelector('qfpay-checkout').shadowRoot.querySelector('[part~="status"]').innerText`
  )
}

/**
 * Records every `qfpay-*` event the page sees, for {@link eventsSeen}. Each detail is copied:
 * when two events carry the same object, WebDriver BiDi sends the second as a reference to the
 * first, which puppeteer hands back as undefined.
 */
export async function recordEvents(tab: Tab): Promise<void> {
  await tab.evaluate(`() => {
    if (window.__qfpayEvents) return
    window.__qfpayEvents = []
    for (const type of ['qfpay-created', 'qfpay-paid', 'qfpay-failed', 'qfpay-expired', 'qfpay-cancelled', 'qfpay-error'])
      document.addEventListener(type, (event) =>
        window.__qfpayEvents.push({ type, detail: JSON.parse(JSON.stringify(event.detail)) }))
  }`)
}

/** The `qfpay-*` events recorded so far. */
export function eventsSeen(tab: Tab): Promise<
  {
    type: string
    detail: { id: string; status: string; amount: number } & Record<string, unknown>
  }[]
> {
  return tab.evaluate(`() => window.__qfpayEvents ?? []`)
}

/** Opens the shop and fills the cart: `{ tea: 2, cake: 1 }`. */
export async function shopFor(
  tab: Tab,
  shopUrl: string,
  cart: Record<string, number>
): Promise<void> {
  await tab.goto(shopUrl)
  await locate(tab, { css: '.product' })
  await recordEvents(tab)
  for (const [sku, qty] of Object.entries(cart))
    for (let i = 0; i < qty; i++)
      await click(tab, { css: `.product[data-sku="${sku}"] button.add` })
  await locate(tab, part('method'))
}

/** Picks a wallet by its label and presses the element's pay button. */
export async function payWith(tab: Tab, wallet: 'Alipay' | 'WeChat Pay'): Promise<void> {
  await click(tab, part('method', wallet))
  await click(tab, part('pay-button'))
}

/** Clicks something that loads another document, and waits until that one has loaded. */
export async function clickAndWaitForNewPage(tab: Tab, target: Target): Promise<void> {
  await tab.evaluate(`() => { window.__leaving = true }`)
  await click(tab, target)
  await waitInPage(
    tab,
    'the next page',
    `() => !window.__leaving && document.readyState === 'complete'`
  )
  await tab.evaluate(WATCH_PAGE)
}

/** A `<button>` of a plain page with exactly this label. */
const BUTTON_BY_LABEL = `(label) => [...document.querySelectorAll('button')].filter((b) => b.textContent.trim() === label).length`

/** How many buttons labelled exactly `label` the page has. */
export function buttonsLabelled(tab: Tab, label: string): Promise<number> {
  return tab.evaluate(BUTTON_BY_LABEL, label)
}

/** On the sandbox's phone page: press a button and wait for the next page. */
export async function pressOnPhone(tab: Tab, button: 'Pay' | 'Decline'): Promise<void> {
  await waitInPage(tab, `a ${button} button`, BUTTON_BY_LABEL, [button])
  // Mark the button with exactly that label, then click it as the shopper would.
  await tab.evaluate(
    `(label) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === label).setAttribute('data-e2e-press', '')`,
    button
  )
  await clickAndWaitForNewPage(tab, { css: 'button[data-e2e-press]' })
}

/** Waits until the page's text contains `text`. */
export async function waitForText(tab: Tab, text: string): Promise<void> {
  await waitInPage(tab, `"${text}" on the page`, `(t) => document.body?.innerText.includes(t)`, [
    text,
  ])
}

/**
 * Reads the QR code the element drew, the way a phone camera would: a picture of the screen
 * where the element's `qr` part is, decoded as pixels.
 */
export async function readQr(tab: Tab): Promise<string> {
  const box = await locate(tab, { css: 'qfpay-checkout', shadow: 'svg[part="qr"]' }, 15_000)
  const text = decodeQrPng(await tab.screenshot(box))
  if (!text) throw new Error('Failed to read the QR code: the drawn code did not decode.')
  return text
}
