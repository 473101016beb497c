/**
 * Flow 1: WeChat Pay on a desktop. The QR the element draws is read back from its pixels, the
 * shopper's phone opens it and presses Pay; the element shows paid and fires `qfpay-paid`, and
 * the merchant's `onPaid` hook ran exactly once.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eventually, openScene, type Scene } from './harness.ts'
import { readQr } from './qr.ts'
import { eventsSeen, payWith, pressOnPhone, shopFor, statusText, waitForWidget } from './shopper.ts'

describe('WeChat Pay QR on a desktop', { timeout: 120_000 }, () => {
  let scene: Scene
  before(async () => {
    scene = await openScene('wechat-qr')
  })
  after(async () => {
    await scene?.close()
  })

  it('pays by scanning the drawn QR with the phone, fires qfpay-paid and runs onPaid once', async () => {
    const shop = await (await scene.desktop()).newPage()
    await shopFor(shop, scene.demo.urls.shop, { tea: 2, cake: 1 })
    await scene.shot(shop, '1-cart')
    await payWith(shop, 'WeChat Pay')
    await waitForWidget(shop, 'waiting')

    const { text: payUrl } = await readQr(shop)
    assert.ok(
      payUrl.startsWith(`${scene.demo.urls.sandbox}/sandbox/pay/`),
      `QR holds the sandbox's pay URL, got ${payUrl}`
    )
    await scene.shot(shop, '2-qr')
    assert.match(await statusText(shop), /Scan the code with WeChat Pay/)

    const phone = await (await scene.phone()).newPage()
    await phone.goto(payUrl)
    await scene.shot(phone, '3-phone')
    await pressOnPhone(phone, 'Pay')
    await phone.getByText('Payment successful').waitFor()

    await waitForWidget(shop, 'paid')
    assert.match(await statusText(shop), /Payment received/)
    await scene.shot(shop, '4-paid')
    await shop.locator('#after-payment').waitFor()

    const paid = (await eventsSeen(shop)).filter((e) => e.type === 'qfpay-paid')
    assert.equal(paid.length, 1, 'qfpay-paid fires once')
    const checkout = paid[0]!.detail
    assert.equal(checkout.status, 'paid')
    assert.equal(checkout.amount, 2 * 3800 + 12800, 'the server priced the cart')
    assert.equal(checkout['payType'], '800201')

    // The hook runs from the durable outbox, a moment after the status change.
    const hooks = await eventually('the onPaid hook', async () => {
      const stats = await scene.admin<{ byCheckout: Record<string, number> }>('/hooks')
      return stats.byCheckout[checkout.id] ? stats : undefined
    })
    // Wait past a reconciler pass and notify retries, then make sure it did not run again.
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const later = await scene.admin<{ byCheckout: Record<string, number> }>('/hooks')
    assert.equal(hooks.byCheckout[checkout.id], 1)
    assert.equal(later.byCheckout[checkout.id], 1, 'onPaid ran exactly once')
    assert.deepEqual(scene.problems, [])
  })
})
