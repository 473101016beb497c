/**
 * Flow 4: the merchant console. Staff sign in with the printed admin token (the console URL's
 * `#token=` fragment), refund part of a paid checkout, then the rest, and cancel a pending one;
 * the statuses update in the table and in the checkout app.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eventually, openScene, type Scene } from './harness.ts'

interface Row {
  id: string
  status: string
  amount: number
  refundedAmount: number
  payUrl?: string
}

describe('merchant console', { timeout: 120_000 }, () => {
  let scene: Scene
  before(async () => {
    scene = await openScene('console')
  })
  after(async () => {
    await scene?.close()
  })

  /** A checkout for `order` made through the public routes, as the element would. */
  async function checkoutFor(order: string, payType = '800201'): Promise<Row> {
    const response = await fetch(`${scene.demo.urls.shop}qfpay/checkouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(scene.demo.urls.shop).origin },
      body: JSON.stringify({ payType, order }),
    })
    assert.equal(response.status, 201, await response.clone().text())
    return (await response.json()) as Row
  }

  const row = (id: string) =>
    scene
      .admin<{ checkouts: Row[] }>('/checkouts')
      .then(({ checkouts }) => checkouts.find((c) => c.id === id))

  it('refunds part, then the rest, of a paid checkout', async () => {
    const checkout = await checkoutFor('console01/cake:2')
    // The shopper pays on the phone page (a form POST, as the Pay button sends).
    const paid = await fetch(`${checkout.payUrl}/pay`, { method: 'POST', redirect: 'manual' })
    assert.equal(paid.status, 200)
    await eventually(
      'the payment to be recorded',
      async () => (await row(checkout.id))?.status === 'paid'
    )

    const page = await (await scene.desktop()).newPage()
    await page.goto(scene.demo.urls.consoleSignIn)
    const tr = page.locator(`tr[data-checkout="${checkout.id}"]`)
    await tr.waitFor()
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar')
    assert.equal(await tr.getAttribute('data-status'), 'paid')
    await scene.shot(page, '1-paid')

    await tr.locator('.refund-amount').fill('100.00')
    await tr.locator('button.refund').click()
    await page
      .locator(`tr[data-checkout="${checkout.id}"][data-status="partially_refunded"]`)
      .waitFor()
    assert.match(await page.locator(`tr[data-checkout="${checkout.id}"]`).innerText(), /CN¥100\.00/)
    assert.deepEqual(await row(checkout.id).then((r) => [r?.status, r?.refundedAmount]), [
      'partially_refunded',
      10000,
    ])
    await scene.shot(page, '2-partially-refunded')

    await page.locator(`tr[data-checkout="${checkout.id}"] button.refund-all`).click()
    await page.locator(`tr[data-checkout="${checkout.id}"][data-status="refunded"]`).waitFor()
    assert.deepEqual(await row(checkout.id).then((r) => [r?.status, r?.refundedAmount]), [
      'refunded',
      2 * 12800,
    ])
    assert.equal(
      await page.locator(`tr[data-checkout="${checkout.id}"] button.refund`).count(),
      0,
      'nothing left to refund'
    )
    await scene.shot(page, '3-refunded')
    assert.deepEqual(scene.problems, [])
  })

  it('cancels a pending checkout', async () => {
    const checkout = await checkoutFor('console02/tea:1', '800151')
    const page = await (await scene.desktop()).newPage()
    await page.goto(scene.demo.urls.consoleSignIn)
    await page
      .locator(`tr[data-checkout="${checkout.id}"][data-status="pending"] button.cancel`)
      .click()
    await page.locator(`tr[data-checkout="${checkout.id}"][data-status="cancelled"]`).waitFor()
    assert.equal((await row(checkout.id))?.status, 'cancelled')
    await scene.shot(page, '4-cancelled')
  })

  it('shows the health summary and the last reconciliation, and reconciles today', async () => {
    const page = await (await scene.desktop()).newPage()
    await page.goto(scene.demo.urls.consoleSignIn)
    const health = page.locator('#health-summary')
    await page.locator('#health-summary[data-status="ok"]').waitFor()
    assert.match(await health.innerText(), /^Health: ok · store [\d.]+ ms · gateway ok /)
    assert.equal(await page.locator('#reconciliation-table').isVisible(), false)
    await page.locator('#reconcile-today').click()
    const table = page.locator('#reconciliation-table')
    await table.waitFor()
    assert.match(await table.innerText(), /^QFPay reconciliation for \d{4}-\d{2}-\d{2} \(UTC\+8;/)
    assert.match(
      await page.locator('#reconciliation-summary').innerText(),
      /^\d{4}-\d{2}-\d{2} \(UTC\+8\): /
    )
    await scene.shot(page, '5-health-and-reconciliation')
    // A reload shows the same last reconciliation, kept by the server.
    await page.reload()
    await page.locator('#reconciliation-table').waitFor()
    assert.deepEqual(scene.problems, [])
  })

  it('refuses the admin routes without the token', async () => {
    const response = await fetch(`${scene.demo.urls.merchant}/api/admin/checkouts`)
    assert.equal(response.status, 403)
    const wrong = await fetch(`${scene.demo.urls.merchant}/api/admin/checkouts`, {
      headers: { authorization: 'Bearer nope' },
    })
    assert.equal(wrong.status, 403)
  })
})
