/**
 * The shopper's browser coming back from the wallet: what QFPay appends to the return URL is
 * undocumented (today's Alipay flow may append Alipay's own `out_trade_no`, which is QFPay's
 * `syssn`), so the checkout is found from our own token in the URL's path, and a shopper who
 * just paid is never shown a 404.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { type Bed, type BedOptions, startBed } from '../../test/support/checkout-test-bed.ts'

async function bed(t: TestContext, options: BedOptions = {}): Promise<Bed> {
  const b = await startBed({ publicUrl: true, ...options })
  t.after(() => b.close())
  return b
}

/** The shopper pays on the sandbox's phone page; the redirect it answers with. */
async function payOnPhone(b: Bed, id: string): Promise<string> {
  const record = await b.get(id)
  const res = await fetch(`${record.payUrl}/pay`, { method: 'POST', redirect: 'manual' })
  assert.equal(res.status, 303)
  return res.headers.get('location') ?? ''
}

describe('/return finds the checkout from our own token', () => {
  it('a wallet that appends its own out_trade_no (the syssn): 303 to the shop with the checkout', async (t) => {
    const b = await bed(t, { knobs: { returnParams: 'wallet', notifyDropRate: 1 } })
    const { body } = await b.create('RT-1', '800151')
    const record = await b.get(body.id)
    const back = new URL(await payOnPhone(b, body.id))
    assert.equal(back.pathname, `/qfpay/return/${record.outTradeNo}`, 'our token is in the path')
    assert.equal(back.searchParams.get('out_trade_no'), record.syssn, "the wallet's number")
    const res = await fetch(back, { redirect: 'manual' })
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), `${b.appUrl}/shop/thanks?checkout=${body.id}`)
    assert.equal((await b.get(body.id)).status, 'paid', 'confirmed by query, not by the URL')
  })

  it('seed-style parameters on the tokened URL work too', async (t) => {
    const b = await bed(t)
    const { body } = await b.create('RT-2', '800151')
    const res = await fetch(await payOnPhone(b, body.id), { redirect: 'manual' })
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), `${b.appUrl}/shop/thanks?checkout=${body.id}`)
  })

  it('a return that names none of our checkouts: no 404, and no checkout id', async (t) => {
    const b = await bed(t)
    const { body } = await b.create('RT-3', '800151')
    const record = await b.get(body.id)
    for (const path of [
      `/qfpay/return?out_trade_no=${record.syssn}`,
      '/qfpay/return/Pnot0a0real0token',
      '/qfpay/return',
    ]) {
      const res = await fetch(`${b.appUrl}${path}`, { redirect: 'manual' })
      assert.equal(res.status, 303, path)
      assert.equal(res.headers.get('location'), `${b.appUrl}/shop/thanks`)
      assert.ok(!(await res.text()).includes(body.id))
    }
  })

  it('a checkout stored with the older number form (P + 32 hex digits) is still found', async (t) => {
    const b = await bed(t)
    const legacy = 'P' + '0123456789abcdef'.repeat(2)
    const { checkout } = await b.store.create({
      order: 'RT-LEGACY',
      payType: '800151',
      flow: 'qr',
      amount: 100,
      currency: 'HKD',
      outTradeNo: legacy,
      expiresAt: new Date(b.clock.now() + 60_000).toISOString(),
    })
    const res = await fetch(`${b.appUrl}/qfpay/return/${legacy}`, { redirect: 'manual' })
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), `${b.appUrl}/shop/thanks?checkout=${checkout.id}`)
  })

  it('without a return page, an unknown return gets a page that says the payment is being confirmed', async (t) => {
    const b = await bed(t, { checkout: { returnPage: undefined } })
    const res = await fetch(`${b.appUrl}/qfpay/return?out_trade_no=20250201000001`)
    assert.equal(res.status, 200)
    assert.match(await res.text(), /being confirmed/)
  })
})
