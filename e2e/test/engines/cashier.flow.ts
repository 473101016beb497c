/**
 * The cashier in Firefox or WebKit (`E2E_ENGINE`): a staff member builds a sale and scans the
 * customer's payment code (a scanner types the digits and presses Enter). A code the gateway
 * confirms at once is paid; a code ending 1143 waits for the customer, then pays.
 * (../cashier.test.ts is the same flow in Chromium.)
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startDemoScene, type DemoScene } from '../harness.ts'
import type { Engine, Tab } from './engine.ts'
import { engineFromEnv, launchEngine } from './launch-engine.ts'
import {
  click,
  eventsSeen,
  locate,
  part,
  recordEvents,
  statusText,
  waitForWidget,
} from './shopper.ts'

/** Sandbox payment codes (18 digits): 0000 pays, 1143 pends then pays. */
const PAYS_AT_ONCE = '286512345678900000'
const PENDS_THEN_PAYS = '134512345678901143'

const ENGINE = engineFromEnv()

describe(`cashier (${ENGINE})`, { timeout: 120_000 }, () => {
  let scene: DemoScene
  let engine: Engine
  let till: Tab
  before(async () => {
    scene = await startDemoScene()
    engine = await launchEngine(ENGINE)
    till = await engine.open('desktop')
    // Staff sign-in through the console link sets the session cookie the cashier mount checks.
    await till.goto(scene.demo.urls.consoleSignIn)
    await locate(till, { css: '#console' })
  })
  after(async () => {
    await engine?.close()
    await scene?.close()
  })

  async function sell(sku: string): Promise<void> {
    await click(till, { css: `.product[data-sku="${sku}"] button.add` })
    await locate(till, part('cashier-input'))
  }

  async function scan(code: string): Promise<void> {
    await click(till, part('cashier-input'))
    for (const digit of code) await till.press(digit)
    await till.press('Enter')
  }

  it('charges a scanned code that pays at once', async () => {
    await till.goto(scene.demo.urls.cashier)
    await recordEvents(till)
    await sell('tea')
    await scan(PAYS_AT_ONCE)
    await waitForWidget(till, 'paid')
    assert.match(await statusText(till), /Payment received/)
    const paid = (await eventsSeen(till)).find((e) => e.type === 'qfpay-paid')!.detail
    assert.deepEqual([paid.amount, paid['payType']], [3800, '800108'])
  })

  it('waits while the customer confirms (1143), then shows paid', async () => {
    await click(till, { css: '#new-cart' })
    await sell('cake')
    await click(till, part('method', 'WeChat Pay'))
    await scan(PENDS_THEN_PAYS)
    await waitForWidget(till, 'waiting')
    assert.match(await statusText(till), /Waiting for the customer/)
    await waitForWidget(till, 'paid', 45_000)
    const paid = (await eventsSeen(till)).filter((e) => e.type === 'qfpay-paid').at(-1)!.detail
    assert.deepEqual([paid.amount, paid['payType']], [12800, '800208'])
    assert.deepEqual(await engine.problems(), [])
  })
})
