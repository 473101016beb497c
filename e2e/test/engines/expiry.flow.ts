/**
 * Expiry in Firefox or WebKit (`E2E_ENGINE`): the sandbox runs with `--time-scale`, so QFPay's
 * shortest expiry (5 min) passes in seconds; the element shows expired and offers a new QR
 * code, which pays. The stale QR stays unpayable. (../expiry.test.ts is the same flow in
 * Chromium.)
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startDemoScene, type DemoScene } from '../harness.ts'
import type { Engine } from './engine.ts'
import { engineFromEnv, launchEngine } from './launch-engine.ts'
import {
  buttonsLabelled,
  click,
  eventsSeen,
  part,
  payWith,
  pressOnPhone,
  readQr,
  shopFor,
  statusText,
  waitForWidget,
} from './shopper.ts'

/** QFPay's shortest expiry, 5 min, in seconds. */
const EXPIRES_IN_SECONDS = 300
/** 5 min / 40 = 7.5 s at the sandbox: long enough to scan the new code, short enough to wait for. */
const TIME_SCALE = 40

const ENGINE = engineFromEnv()

describe(`an expired QR code (${ENGINE})`, { timeout: 150_000 }, () => {
  let scene: DemoScene
  let engine: Engine
  before(async () => {
    scene = await startDemoScene({ timeScale: TIME_SCALE, expiresInSeconds: EXPIRES_IN_SECONDS })
    engine = await launchEngine(ENGINE)
  })
  after(async () => {
    await engine?.close()
    await scene?.close()
  })

  it('expires, offers a new QR code that pays, and the stale one cannot be paid', async () => {
    const shop = await engine.open('desktop')
    await shopFor(shop, scene.demo.urls.shop, { tea: 1 })
    await payWith(shop, 'WeChat Pay')
    await waitForWidget(shop, 'waiting')
    const staleUrl = await readQr(shop)

    // The sandbox closes the order; the reconciler's next /query sees it and the element follows.
    await waitForWidget(shop, 'expired', 60_000)
    assert.match(await statusText(shop), /expired/)
    const stale = (await eventsSeen(shop)).find((e) => e.type === 'qfpay-expired')!.detail

    await click(shop, part('new-code-button'))
    await waitForWidget(shop, 'waiting')
    const freshUrl = await readQr(shop)
    assert.notEqual(freshUrl, staleUrl, 'a new QR code, for a new gateway order')

    const phone = await engine.open('phone')
    await phone.goto(freshUrl)
    await pressOnPhone(phone, 'Pay')
    await waitForWidget(shop, 'paid')

    // The stale code: refused (409), no Pay button on its page, a forced POST refused too.
    assert.equal((await fetch(staleUrl)).status, 409)
    await phone.goto(staleUrl)
    assert.equal(await buttonsLabelled(phone, 'Pay'), 0)
    const forced = await fetch(`${staleUrl}/pay`, { method: 'POST', redirect: 'manual' })
    assert.equal(forced.status, 409)
    const { checkouts } = await scene.admin<{
      checkouts: { id: string; status: string; latePayment: boolean }[]
    }>('/checkouts')
    const old = checkouts.find((c) => c.id === stale.id)
    assert.deepEqual([old?.status, old?.latePayment], ['expired', false])
    assert.match(await statusText(shop), /Payment received/)
    assert.deepEqual(await engine.problems(), [])
  })
})
