/**
 * The Alipay phone flow in Firefox or WebKit (`E2E_ENGINE`): on a phone-sized screen the element
 * sends the shopper to the wallet page instead of showing a QR; after Pay, the gateway's return
 * redirect lands on the demo's thank-you page, which shows the payment as paid.
 * (../alipay-phone.test.ts is the same flow in Chromium.)
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startDemoScene, type DemoScene } from '../harness.ts'
import type { Engine } from './engine.ts'
import { engineFromEnv, launchEngine } from './launch-engine.ts'
import { payWith, pressOnPhone, shopFor, statusText, waitForWidget, waitInPage } from './shopper.ts'

const ENGINE = engineFromEnv()

describe(`Alipay on a phone (${ENGINE})`, { timeout: 120_000 }, () => {
  let scene: DemoScene
  let engine: Engine
  before(async () => {
    scene = await startDemoScene()
    engine = await launchEngine(ENGINE)
  })
  after(async () => {
    await engine?.close()
    await scene?.close()
  })

  it('redirects to the wallet, pays, and the return page shows paid', async () => {
    const page = await engine.open('phone')
    await shopFor(page, scene.demo.urls.shop, { sample: 3 })
    const [width, phone] = await page.evaluate<[number, boolean]>(
      `() => [innerWidth, matchMedia('(pointer: coarse) and (max-width: 768px)').matches]`
    )
    assert.ok(width <= 460, `a phone-sized viewport, got ${width} px`)
    // The element and its pay types fit the phone's width: nothing to scroll sideways to.
    const [right, scrollWidth] = await page.evaluate<[number, number]>(
      `() => [document.querySelector('qfpay-checkout').getBoundingClientRect().right, document.documentElement.scrollWidth]`
    )
    assert.ok(right <= width && scrollWidth <= width, `fits ${width} px: ${right}, ${scrollWidth}`)
    if (engine.phoneHasCoarsePointer) {
      assert.equal(phone, true, 'the browser counts as a phone')
    } else {
      // No touch screen to be had: the merchant's own override sends this shopper to the wallet.
      await page.evaluate(`() => { document.querySelector('qfpay-checkout').mode = 'redirect' }`)
    }

    await payWith(page, 'Alipay')
    await waitInPage(
      page,
      'the wallet page',
      `(prefix) => location.href.startsWith(prefix) && document.readyState === 'complete'`,
      [`${scene.demo.urls.sandbox}/sandbox/pay/`]
    )
    await pressOnPhone(page, 'Pay')

    // Gateway → merchant /qfpay/return (confirms by query) → 303 to the thank-you page.
    await waitInPage(
      page,
      'the thank-you page',
      `(prefix) => location.href.startsWith(prefix) && new URL(location.href).searchParams.has('checkout')`,
      [scene.demo.urls.thanks]
    )
    await waitForWidget(page, 'paid')
    assert.match(await statusText(page), /Payment received/)
    const checkout = await page.evaluate<{ amount: number; payType: string; status: string }>(
      `() => document.querySelector('qfpay-checkout').checkout`
    )
    assert.deepEqual([checkout.amount, checkout.payType, checkout.status], [3, '800151', 'paid'])
    assert.deepEqual(await engine.problems(), [])
  })
})
