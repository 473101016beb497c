/**
 * Flow 2: Alipay on a phone (coarse pointer, 390 px wide): the element sends the shopper to
 * the wallet page instead of showing a QR; after Pay, the gateway's return redirect lands on
 * the demo's thank-you page, which shows the payment as paid.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openScene, type Scene } from './harness.ts'
import { payWith, pressOnPhone, shopFor, statusText, waitForWidget } from './shopper.ts'

describe('Alipay on a phone', { timeout: 120_000 }, () => {
  let scene: Scene
  before(async () => {
    scene = await openScene('alipay-phone')
  })
  after(async () => {
    await scene?.close()
  })

  it('redirects to the wallet, pays, and the return page shows paid', async () => {
    const page = await (await scene.phone()).newPage()
    await shopFor(page, scene.demo.urls.shop, { sample: 3 })
    assert.equal(
      await page.evaluate(() => matchMedia('(pointer: coarse) and (max-width: 768px)').matches),
      true,
      'the browser counts as a phone'
    )
    await scene.shot(page, '1-cart')

    await Promise.all([
      page.waitForURL(`${scene.demo.urls.sandbox}/sandbox/pay/**`),
      payWith(page, 'Alipay'),
    ])
    await page.getByRole('button', { name: 'Pay', exact: true }).waitFor()
    await scene.shot(page, '2-wallet')
    await pressOnPhone(page, 'Pay')

    // Gateway → merchant /qfpay/return (confirms by query) → 303 to the thank-you page.
    await page.waitForURL(
      (url) => url.href.startsWith(scene.demo.urls.thanks) && url.searchParams.has('checkout')
    )
    await waitForWidget(page, 'paid')
    assert.match(await statusText(page), /Payment received/)
    const checkout = await page.evaluate(
      () =>
        (
          document.querySelector('qfpay-checkout') as unknown as {
            checkout: { amount: number; payType: string; status: string }
          }
        ).checkout
    )
    assert.deepEqual([checkout.amount, checkout.payType, checkout.status], [3, '800151', 'paid'])
    await scene.shot(page, '3-thanks')
    assert.deepEqual(scene.problems, [])
  })
})
