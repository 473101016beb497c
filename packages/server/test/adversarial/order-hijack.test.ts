/**
 * Attacks on someone else's pending checkout through the order reference alone: an anonymous
 * `POST /qfpay/checkouts` naming an order that a till (cashier mount) or another shopper is
 * paying must neither hand back that checkout's id nor close it.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { startBed } from '../support/checkout-test-bed.ts'

async function bed(t: TestContext) {
  // The till's swipe payment stays pending (the shopper confirms in the wallet).
  const b = await startBed({ knobs: { pendingQueries: 1000 } })
  t.after(() => b.close())
  return b
}

/** A stranger's browser: no cookies, nothing but the order reference. */
async function anonymousCreate(appUrl: string, order: string, payType: string) {
  const response = await fetch(`${appUrl}/qfpay/checkouts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ payType, order }),
  })
  return { status: response.status, text: await response.text() }
}

describe('order hijack through the public mount', () => {
  it('answers 409 to an anonymous create for an order a till is charging, and leaves the till checkout pending', async (t) => {
    const b = await bed(t)
    const till = await b.create('TILL-1', '800108', '130000000000001143')
    assert.equal(till.status, 201)
    assert.equal(till.body.status, 'pending')
    const attack = await anonymousCreate(b.appUrl, 'TILL-1', '800201')
    assert.equal(attack.status, 409)
    assert.ok(!attack.text.includes(till.body.id), 'the answer names the till checkout')
    assert.equal((await b.get(till.body.id)).status, 'pending')
  })

  it("gives another shopper's pending checkout back only to the browser that created it", async (t) => {
    const b = await bed(t)
    const mine = await b.create('A-1001', '800151')
    assert.equal(mine.status, 201)
    // Same pay type: before, this returned 200 with the id and pay URL.
    const same = await anonymousCreate(b.appUrl, 'A-1001', '800151')
    assert.equal(same.status, 409)
    assert.ok(!same.text.includes(mine.body.id))
    assert.ok(!same.text.includes(mine.body.payUrl ?? 'no pay url'))
    // Another pay type: before, this cancelled the shopper's checkout.
    const other = await anonymousCreate(b.appUrl, 'A-1001', '800201')
    assert.equal(other.status, 409)
    assert.equal((await b.get(mine.body.id)).status, 'pending')
    // The shopper's own browser still gets its checkout back, and may switch pay type.
    const again = await b.create('A-1001', '800151')
    assert.equal(again.status, 200)
    assert.equal(again.body.id, mine.body.id)
    const switched = await b.create('A-1001', '800201')
    assert.equal(switched.status, 201)
    assert.equal((await b.get(mine.body.id)).status, 'cancelled')
  })
})
