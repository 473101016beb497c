/**
 * Flow 5: the cashier. A staff member builds a sale and scans the customer's payment code: a
 * scanner types the digits and presses Enter. A code the gateway confirms at once is paid; a
 * code ending 1143 waits for the customer (pending), then pays.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { openScene, type Scene } from './harness.ts'
import { eventsSeen, recordEvents, statusText, waitForWidget } from './shopper.ts'

/** Sandbox payment codes (18 digits, docs/qfpay-protocol.md#sandbox): 0000 pays, 1143 pends then pays. */
const PAYS_AT_ONCE = '286512345678900000'
const PENDS_THEN_PAYS = '134512345678901143'

describe('cashier', { timeout: 120_000 }, () => {
  let scene: Scene
  let till: Page
  before(async () => {
    scene = await openScene('cashier')
    till = await (await scene.desktop()).newPage()
    // Staff sign-in through the console link sets the session cookie the cashier mount checks.
    await till.goto(scene.demo.urls.consoleSignIn)
    await till.locator('#console').waitFor()
  })
  after(async () => {
    await scene?.close()
  })

  async function sell(sku: string): Promise<void> {
    await till.locator(`.product[data-sku="${sku}"] button.add`).click()
    await till.locator('qfpay-checkout').locator('[part="cashier-input"]').waitFor()
  }

  async function scan(code: string): Promise<void> {
    const input = till.locator('qfpay-checkout').locator('[part="cashier-input"]')
    await input.click()
    await till.keyboard.type(code, { delay: 5 })
    await till.keyboard.press('Enter')
  }

  it('charges a scanned code that pays at once', async () => {
    await till.goto(scene.demo.urls.cashier)
    await recordEvents(till)
    await sell('tea')
    await scene.shot(till, '1-ready')
    await scan(PAYS_AT_ONCE)
    await waitForWidget(till, 'paid')
    assert.match(await statusText(till), /Payment received/)
    const paid = (await eventsSeen(till)).find((e) => e.type === 'qfpay-paid')!.detail
    assert.deepEqual([paid.amount, paid['payType']], [3800, '800108'])
    await scene.shot(till, '2-paid')
  })

  it('waits while the customer confirms (1143), then shows paid', async () => {
    await till.locator('#new-cart').click()
    await sell('cake')
    // WeChat Pay this time.
    await till
      .locator('qfpay-checkout')
      .locator('[part="method"]', { hasText: 'WeChat Pay' })
      .click()
    await scan(PENDS_THEN_PAYS)
    await waitForWidget(till, 'waiting')
    assert.match(await statusText(till), /Waiting for the customer/)
    await scene.shot(till, '3-pending')
    await waitForWidget(till, 'paid', 45_000)
    const paid = (await eventsSeen(till)).filter((e) => e.type === 'qfpay-paid').at(-1)!.detail
    assert.deepEqual([paid.amount, paid['payType']], [12800, '800208'])
    await scene.shot(till, '4-paid')
    assert.deepEqual(scene.problems, [])
  })

  it('refuses the cashier routes to a browser without a staff session', async () => {
    const response = await fetch(`${scene.demo.urls.shop}qfpay-pos/config`)
    assert.equal(response.status, 403)
  })
})
