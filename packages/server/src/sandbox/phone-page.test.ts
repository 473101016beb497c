import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { RETURN_URL, testBed } from '../../test/support/sandbox-kit.ts'

const pathOf = (url: string) => new URL(url).pathname

describe('phone page', () => {
  const bed = testBed({ name: 'Cafe <Demo>' })
  after(() => bed.sandbox.close())

  it('shows merchant, goods, formatted amount and currency with Pay and Decline form buttons, mobile first, no scripts', async () => {
    const order = await bed.pay({ pay_type: '800201', txamt: '12345', goods_name: '咖啡' })
    const res = await bed.sandbox.request(pathOf(order.qrcode as string))
    assert.equal(res.status, 200)
    const html = await res.text()
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/)
    assert.match(html, /Cafe &lt;Demo&gt;/)
    assert.match(html, /咖啡/)
    assert.match(html, /HK\$123\.45/)
    assert.match(html, /<dd>HKD<\/dd>/)
    assert.match(
      html,
      /<form method="post" action="[0-9a-f]{32}\/pay"><button type="submit" class="pay">Pay<\/button><\/form>/
    )
    assert.match(
      html,
      /<form method="post" action="[0-9a-f]{32}\/decline"><button type="submit" class="decline">Decline<\/button><\/form>/
    )
    assert.doesNotMatch(html, /<script|\son\w+=/i)
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/)
    // An icon of its own, which the CSP allows: else Firefox asks for /favicon.ico and reports
    // the CSP blocking it.
    assert.match(html, /<link rel="icon" href="data:,">/)
    assert.match(res.headers.get('content-security-policy') ?? '', /img-src data:/)
    const css = await bed.sandbox.request('/sandbox/pay/phone.css')
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8')
  })

  it('never shows the out_trade_no (it is what finds a checkout on /return)', async () => {
    const order = await bed.pay({ pay_type: '800151' })
    const html = await (await bed.sandbox.request(pathOf(order.pay_url as string))).text()
    assert.ok(!html.includes(order.out_trade_no as string), 'the phone page shows out_trade_no')
  })

  it('formats JPY without decimals', async () => {
    const order = await bed.pay({ txamt: '500', txcurrcd: 'JPY' })
    assert.match(await (await bed.sandbox.request(pathOf(order.qrcode as string))).text(), /¥500/)
  })

  it('Pay on an Alipay online order marks it paid, notifies, and redirects 303 to the return URL with the 2017 parameters', async () => {
    const order = await bed.pay({ pay_type: '800151', udid: 'till-1' })
    const res = await bed.sandbox.request(`${pathOf(order.pay_url as string)}/pay`, {
      method: 'POST',
    })
    assert.equal(res.status, 303)
    const target = new URL(res.headers.get('location') ?? '')
    assert.equal(`${target.origin}${target.pathname}`, 'http://merchant.test/qfpay/return')
    const query = Object.fromEntries(target.searchParams)
    assert.deepEqual(query, {
      shop: '1',
      syssn: order.syssn,
      pay_type: '800151',
      out_trade_no: order.out_trade_no,
      txdtm: order.txdtm,
      txamt: '100',
      udid: 'till-1',
      respcd: '0000',
      respmesg: 'success',
    })
    assert.equal(bed.sandbox.order(order.syssn as string)?.state, 'paid')
    assert.equal(bed.sandbox.notifies().filter((n) => n.syssn === order.syssn).length, 1)
    assert.ok(RETURN_URL.startsWith('http://merchant.test/'))
  })

  it('adds Mchid to the redirect when the merchant was issued one', async () => {
    const withMchid = testBed({ mchid: 'ZaMVg12345' })
    const order = await withMchid.pay({ pay_type: '800151', mchid: 'ZaMVg12345' })
    const res = await withMchid.sandbox.request(`${pathOf(order.pay_url as string)}/pay`, {
      method: 'POST',
    })
    assert.equal(new URL(res.headers.get('location') ?? '').searchParams.get('Mchid'), 'ZaMVg12345')
    withMchid.sandbox.close()
  })

  it('Pay on a WeChat order shows the result instead of redirecting', async () => {
    const order = await bed.pay({ pay_type: '800201' })
    const res = await bed.sandbox.request(`${pathOf(order.qrcode as string)}/pay`, {
      method: 'POST',
    })
    assert.equal(res.status, 200)
    assert.match(await res.text(), /Payment successful/)
    assert.equal(bed.sandbox.order(order.syssn as string)?.state, 'paid')
  })

  it('Decline fails the order with 1201 and shows it; no notify is sent', async () => {
    const order = await bed.pay({ pay_type: '800151' })
    const res = await bed.sandbox.request(`${pathOf(order.pay_url as string)}/decline`, {
      method: 'POST',
    })
    assert.equal(res.status, 200)
    assert.match(await res.text(), /Payment declined/)
    const row = (
      (await bed.call('query', { syssn: order.syssn as string })).json.data as Array<
        Record<string, string>
      >
    )[0]
    assert.equal(row?.respcd, '1201')
    assert.equal(bed.sandbox.notifies().filter((n) => n.syssn === order.syssn).length, 0)
  })

  it('answers 409 on a closed or expired order and changes nothing', async () => {
    for (const end of ['close', 'expire'] as const) {
      const order = await bed.pay()
      if (end === 'close')
        await bed.call('close', {
          syssn: order.syssn as string,
          txamt: '100',
          txdtm: '2024-05-01 10:30:00',
        })
      else bed.sandbox.expire(order.syssn as string)
      const before = bed.sandbox.order(order.syssn as string)?.state
      const page = await bed.sandbox.request(pathOf(order.qrcode as string))
      assert.equal(page.status, 409)
      assert.doesNotMatch(await page.text(), />Pay</)
      const pay = await bed.sandbox.request(`${pathOf(order.qrcode as string)}/pay`, {
        method: 'POST',
      })
      assert.equal(pay.status, 409)
      assert.equal(bed.sandbox.order(order.syssn as string)?.state, before)
    }
  })

  it('answers 404 for an unknown token', async () => {
    assert.equal(
      (await bed.sandbox.request('/sandbox/pay/0123456789abcdef0123456789abcdef')).status,
      404
    )
    assert.equal(
      (
        await bed.sandbox.request('/sandbox/pay/0123456789abcdef0123456789abcdef/pay', {
          method: 'POST',
        })
      ).status,
      404
    )
  })
})
