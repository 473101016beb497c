/**
 * Flow 6: the gateway's notify never arrives (sandbox knob `notifyDropRate: 1`). QFPay only
 * notifies successes and a notify can be lost, so the reconciler's `/query` must still bring
 * the element to paid, and the hook still runs once.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eventually, openScene, type Scene } from './harness.ts'
import { readQr } from './qr.ts'
import { eventsSeen, payWith, pressOnPhone, shopFor, waitForWidget } from './shopper.ts'

describe('a dropped notify', { timeout: 120_000 }, () => {
  let scene: Scene
  before(async () => {
    scene = await openScene('dropped-notify')
  })
  after(async () => {
    await scene?.close()
  })

  it('still ends paid through the reconciler', async () => {
    await scene.sandbox('/knobs', { method: 'PUT', body: { notifyDropRate: 1 } })
    const shop = await (await scene.desktop()).newPage()
    await shopFor(shop, scene.demo.urls.shop, { oolong: 2 })
    await payWith(shop, 'WeChat Pay')
    await waitForWidget(shop, 'waiting')
    const { text: payUrl } = await readQr(shop)

    const phone = await (await scene.phone()).newPage()
    await phone.goto(payUrl)
    await pressOnPhone(phone, 'Pay')

    await waitForWidget(shop, 'paid', 45_000)
    await scene.shot(shop, 'paid')
    const checkout = (await eventsSeen(shop)).find((e) => e.type === 'qfpay-paid')!.detail

    // The payment's notify was dropped, never delivered: the merchant learnt it by /query.
    const { notifies } = await scene.sandbox<{
      notifies: { notifyType: string; state: string; attempts: unknown[] }[]
    }>('/notifies')
    const payments = notifies.filter((n) => n.notifyType === 'payment')
    assert.ok(payments.length >= 1, 'the sandbox meant to notify')
    assert.deepEqual(
      payments.map((n) => [n.state, n.attempts.length]),
      payments.map(() => ['dropped', 0])
    )
    const hooks = await eventually('the onPaid hook', async () => {
      const stats = await scene.admin<{ byCheckout: Record<string, number> }>('/hooks')
      return stats.byCheckout[checkout.id] ? stats : undefined
    })
    assert.equal(hooks.byCheckout[checkout.id], 1)
    assert.deepEqual(scene.problems, [])
  })
})
