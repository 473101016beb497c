/**
 * Flow 3a: the endings that are not "paid". A wallet decline makes the element show failed;
 * the shopper's Cancel makes it cancelled, and that QR can no longer be paid.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openScene, type Scene } from './harness.ts'
import { readQr } from './qr.ts'
import { eventsSeen, payWith, pressOnPhone, shopFor, statusText, waitForWidget } from './shopper.ts'

describe('declined and cancelled payments', { timeout: 120_000 }, () => {
  let scene: Scene
  before(async () => {
    scene = await openScene('decline-cancel')
  })
  after(async () => {
    await scene?.close()
  })

  it('shows failed when the wallet declines', async () => {
    const shop = await (await scene.desktop()).newPage()
    await shopFor(shop, scene.demo.urls.shop, { oolong: 1 })
    await payWith(shop, 'WeChat Pay')
    await waitForWidget(shop, 'waiting')
    const { text: payUrl } = await readQr(shop)

    const phone = await (await scene.phone()).newPage()
    await phone.goto(payUrl)
    await pressOnPhone(phone, 'Decline')
    await phone.getByText('Payment declined').waitFor()

    await waitForWidget(shop, 'failed')
    assert.match(await statusText(shop), /did not go through|declined/)
    assert.ok((await eventsSeen(shop)).some((e) => e.type === 'qfpay-failed'))
    await scene.shot(shop, 'failed')
    // The cart unlocks so the shopper can change it or try again.
    assert.equal(await shop.locator('.product[data-sku="tea"] button.add').isEnabled(), true)
  })

  it('shows cancelled after Cancel, and the cancelled QR can no longer be paid', async () => {
    const shop = await (await scene.desktop()).newPage()
    await shopFor(shop, scene.demo.urls.shop, { cup: 2 })
    await payWith(shop, 'Alipay')
    await waitForWidget(shop, 'waiting')
    const { text: payUrl } = await readQr(shop)

    await shop.locator('qfpay-checkout').locator('[part="cancel-button"]').click()
    await waitForWidget(shop, 'cancelled')
    assert.match(await statusText(shop), /cancelled/)
    assert.ok((await eventsSeen(shop)).some((e) => e.type === 'qfpay-cancelled'))
    await scene.shot(shop, 'cancelled')

    // The order was closed at the gateway: its phone page offers no Pay button, and a forced
    // POST changes nothing.
    const phone = await (await scene.phone()).newPage()
    const response = await phone.goto(payUrl)
    assert.equal(response?.status(), 409)
    assert.equal(await phone.getByRole('button', { name: 'Pay', exact: true }).count(), 0)
    await phone.getByText('can no longer be paid').waitFor()
    await scene.shot(phone, 'cancelled-phone')
    const forced = await phone.request.post(`${payUrl}/pay`, { maxRedirects: 0 })
    assert.equal(forced.status(), 409)
    const { checkouts } = await scene.admin<{
      checkouts: { id: string; status: string; order: string }[]
    }>('/checkouts')
    const id = (await eventsSeen(shop)).find((e) => e.type === 'qfpay-cancelled')!.detail.id
    assert.equal(checkouts.find((c) => c.id === id)?.status, 'cancelled')
    assert.deepEqual(scene.problems, [])
  })
})
