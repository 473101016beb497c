/** What a shopper (and a shop assistant) does on the demo's pages. */
import type { Page } from 'playwright-core'
import { STEP_TIMEOUT_MS } from './harness.ts'

/** The element's state (`choosing`, `waiting`, `paid`…), read from its public `state` getter. */
export function widgetState(page: Page, selector = 'qfpay-checkout'): Promise<string | undefined> {
  return page.evaluate(
    (s) => (document.querySelector(s) as (Element & { state?: string }) | null)?.state,
    selector
  )
}

/** Waits until the element is in `state`. */
export async function waitForWidget(
  page: Page,
  state: string,
  timeout = STEP_TIMEOUT_MS,
  selector = 'qfpay-checkout'
): Promise<void> {
  await page.waitForFunction(
    ([s, want]) =>
      (document.querySelector(s) as (Element & { state?: string }) | null)?.state === want,
    [selector, state] as const,
    { timeout, polling: 100 }
  )
}

/** The element's status line (its `aria-live` region). */
export function statusText(page: Page): Promise<string> {
  return page.locator('qfpay-checkout').locator('[part="status"]').innerText()
}

/** Records every `qfpay-*` event the page sees, for {@link eventsSeen}. */
export async function recordEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __qfpayEvents?: { type: string; detail: unknown }[] }
    if (w.__qfpayEvents) return
    w.__qfpayEvents = []
    for (const type of [
      'qfpay-created',
      'qfpay-paid',
      'qfpay-failed',
      'qfpay-expired',
      'qfpay-cancelled',
      'qfpay-error',
    ]) {
      document.addEventListener(type, (event) =>
        w.__qfpayEvents!.push({ type, detail: (event as CustomEvent).detail })
      )
    }
  })
}

/** The `qfpay-*` events recorded so far. */
export function eventsSeen(page: Page): Promise<
  {
    type: string
    detail: { id: string; status: string; amount: number } & Record<string, unknown>
  }[]
> {
  return page.evaluate(() => (window as unknown as { __qfpayEvents?: [] }).__qfpayEvents ?? [])
}

/** Opens the shop and fills the cart: `{ tea: 2, cake: 1 }`. */
export async function shopFor(
  page: Page,
  shopUrl: string,
  cart: Record<string, number>
): Promise<void> {
  await page.goto(shopUrl)
  await page.locator('.product').first().waitFor()
  await recordEvents(page)
  for (const [sku, qty] of Object.entries(cart)) {
    for (let i = 0; i < qty; i++)
      await page.locator(`.product[data-sku="${sku}"] button.add`).click()
  }
  await page.locator('qfpay-checkout').locator('[part="method"]').first().waitFor()
}

/** Picks a wallet by its label and presses the element's pay button. */
export async function payWith(page: Page, wallet: 'Alipay' | 'WeChat Pay'): Promise<void> {
  const el = page.locator('qfpay-checkout')
  await el.locator('[part="method"]', { hasText: wallet }).click()
  await el.locator('[part="pay-button"]').click()
}

/** On the sandbox's phone page: press a button and wait for the next page. */
export async function pressOnPhone(phone: Page, button: 'Pay' | 'Decline'): Promise<void> {
  await Promise.all([
    phone.waitForNavigation({ waitUntil: 'load' }),
    phone.getByRole('button', { name: button, exact: true }).click(),
  ])
}
