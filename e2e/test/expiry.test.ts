/**
 * Flow 3b: expiry. The sandbox runs with `--time-scale`, so QFPay's shortest expiry (5 min)
 * passes in seconds; the element shows expired and offers a new QR code, which pays. The stale
 * QR stays unpayable.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openScene, type Scene } from './harness.ts'
import { readQr } from './qr.ts'
import { eventsSeen, payWith, pressOnPhone, shopFor, statusText, waitForWidget } from './shopper.ts'

/** QFPay's shortest expiry, 5 min (docs/qfpay-protocol.md#expiry), in seconds. */
const EXPIRES_IN_SECONDS = 300
/** 5 min / 40 = 7.5 s at the sandbox: long enough to scan the new code, short enough to wait for. */
const TIME_SCALE = 40

describe('an expired QR code', { timeout: 150_000 }, () => {
  let scene: Scene
  before(async () => {
    scene = await openScene('expiry', {
      timeScale: TIME_SCALE,
      expiresInSeconds: EXPIRES_IN_SECONDS,
    })
  })
  after(async () => {
    await scene?.close()
  })

  it('expires, offers a new QR code that pays, and the stale one cannot be paid', async () => {
    const shop = await (await scene.desktop()).newPage()
    await shopFor(shop, scene.demo.urls.shop, { tea: 1 })
    await payWith(shop, 'WeChat Pay')
    await waitForWidget(shop, 'waiting')
    const { text: staleUrl } = await readQr(shop)

    // The sandbox closes the order; the reconciler's next /query sees it and the element follows.
    await waitForWidget(shop, 'expired', 60_000)
    assert.match(await statusText(shop), /expired/)
    await scene.shot(shop, '1-expired')
    const stale = (await eventsSeen(shop)).find((e) => e.type === 'qfpay-expired')!.detail

    await shop.locator('qfpay-checkout').locator('[part="new-code-button"]').click()
    await waitForWidget(shop, 'waiting')
    const { text: freshUrl } = await readQr(shop)
    assert.notEqual(freshUrl, staleUrl, 'a new QR code, for a new gateway order')
    await scene.shot(shop, '2-new-qr')

    const phone = await (await scene.phone()).newPage()
    await phone.goto(freshUrl)
    await pressOnPhone(phone, 'Pay')
    await waitForWidget(shop, 'paid')
    await scene.shot(shop, '3-paid')

    // The stale code: no Pay button, a forced POST is refused, and nothing changed.
    const response = await phone.goto(staleUrl)
    assert.equal(response?.status(), 409)
    assert.equal(await phone.getByRole('button', { name: 'Pay', exact: true }).count(), 0)
    await scene.shot(phone, '4-stale-phone')
    assert.equal((await phone.request.post(`${staleUrl}/pay`, { maxRedirects: 0 })).status(), 409)
    const { checkouts } = await scene.admin<{
      checkouts: { id: string; status: string; latePayment: boolean }[]
    }>('/checkouts')
    const old = checkouts.find((c) => c.id === stale.id)
    assert.deepEqual([old?.status, old?.latePayment], ['expired', false])
    assert.equal(await statusText(shop).then((t) => /Payment received/.test(t)), true)
    assert.deepEqual(scene.problems, [])
  })
})
