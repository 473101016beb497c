/**
 * The WeChat Pay desktop flow in Firefox or WebKit (`E2E_ENGINE`): the QR the element draws is
 * read back from its pixels, the phone opens it and presses Pay; the element shows paid, fires
 * `qfpay-paid` once, and the merchant's `onPaid` hook ran exactly once. (../wechat-qr.test.ts
 * is the same flow in Chromium.)
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eventually, startDemoScene, type DemoScene } from '../harness.ts'
import type { Engine } from './engine.ts'
import { engineFromEnv, launchEngine } from './launch-engine.ts'
import {
  eventsSeen,
  payWith,
  pressOnPhone,
  readQr,
  shopFor,
  statusText,
  waitForText,
  waitForWidget,
  locate,
} from './shopper.ts'

const ENGINE = engineFromEnv()

describe(`WeChat Pay QR on a desktop (${ENGINE})`, { timeout: 120_000 }, () => {
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

  it('pays by scanning the drawn QR with the phone, fires qfpay-paid and runs onPaid once', async () => {
    const shop = await engine.open('desktop')
    await shopFor(shop, scene.demo.urls.shop, { tea: 2, cake: 1 })
    await payWith(shop, 'WeChat Pay')
    await waitForWidget(shop, 'waiting')

    const payUrl = await readQr(shop)
    assert.ok(
      payUrl.startsWith(`${scene.demo.urls.sandbox}/sandbox/pay/`),
      `QR holds the sandbox's pay URL, got ${payUrl}`
    )
    assert.match(await statusText(shop), /Scan the code with WeChat Pay/)

    const phone = await engine.open('phone')
    await phone.goto(payUrl)
    await pressOnPhone(phone, 'Pay')
    await waitForText(phone, 'Payment successful')

    await waitForWidget(shop, 'paid')
    assert.match(await statusText(shop), /Payment received/)
    await locate(shop, { css: '#after-payment' })

    const paid = (await eventsSeen(shop)).filter((e) => e.type === 'qfpay-paid')
    assert.equal(paid.length, 1, 'qfpay-paid fires once')
    const checkout = paid[0]!.detail
    assert.equal(checkout.status, 'paid')
    assert.equal(checkout.amount, 2 * 3800 + 12800, 'the server priced the cart')
    assert.equal(checkout['payType'], '800201')

    const hooks = await eventually('the onPaid hook', async () => {
      const stats = await scene.admin<{ byCheckout: Record<string, number> }>('/hooks')
      return stats.byCheckout[checkout.id] ? stats : undefined
    })
    // Wait past a reconciler pass and notify retries, then make sure it did not run again.
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const later = await scene.admin<{ byCheckout: Record<string, number> }>('/hooks')
    assert.equal(hooks.byCheckout[checkout.id], 1)
    assert.equal(later.byCheckout[checkout.id], 1, 'onPaid ran exactly once')
    // Still once on the page, after the stream and the reconciler both had their say.
    assert.equal((await eventsSeen(shop)).filter((e) => e.type === 'qfpay-paid').length, 1)
    assert.deepEqual(await engine.problems(), [])
  })
})
