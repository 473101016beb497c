import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { authCode, testBed, tradeNo } from '../../test/support/sandbox-kit.ts'

describe('/trade/v1/payment', () => {
  const bed = testBed()
  after(() => bed.sandbox.close())

  it('hands out an absolute phone-page URL in pay_url for 800151 and in qrcode for 800201', async () => {
    const alipay = await bed.pay({ pay_type: '800151' })
    assert.equal(alipay.respcd, '0000')
    assert.match(alipay.pay_url as string, /^http:\/\/localhost\/sandbox\/pay\/[0-9a-f]{32}$/)
    assert.equal(alipay.qrcode, undefined)
    const wechat = await bed.pay({ pay_type: '800201' })
    assert.match(wechat.qrcode as string, /^http:\/\/localhost\/sandbox\/pay\/[0-9a-f]{32}$/)
    assert.equal(wechat.pay_url, undefined)
  })

  it('answers with strings only and a realistic, unique, date-prefixed syssn', async () => {
    const a = await bed.pay()
    const b = await bed.pay()
    for (const value of Object.values(a)) assert.equal(typeof value, 'string')
    assert.match(a.syssn as string, /^20240501\d{18}$/)
    assert.notEqual(a.syssn, b.syssn)
    assert.equal(a.txamt, '100')
  })

  it('uses publicUrl for the phone page when configured', async () => {
    const other = testBed({ publicUrl: 'http://127.0.0.1:9999/' })
    const res = await other.pay()
    assert.match(res.qrcode as string, /^http:\/\/127\.0\.0\.1:9999\/sandbox\/pay\//)
    other.sandbox.close()
  })

  it('answers 800207 as not available with 1104 filter error', async () => {
    const res = await bed.pay({ pay_type: '800207' })
    assert.equal(res.respcd, '1104')
    assert.match(res.respmsg as string, /filter error.*not available/)
  })

  it('answers an unknown or disabled pay type with 1104 filter error', async () => {
    assert.match((await bed.pay({ pay_type: '999999' })).respmsg as string, /^filter error/)
    assert.equal((await bed.pay({ pay_type: '800101' })).respcd, '1104')
    const enabled = testBed({ payTypes: ['800101'] })
    assert.equal((await enabled.pay({ pay_type: '800101' })).respcd, '0000')
    assert.equal((await enabled.pay({ pay_type: '800201' })).respcd, '1104')
    enabled.sandbox.close()
  })

  for (const field of ['txamt', 'txcurrcd', 'pay_type', 'out_trade_no', 'txdtm']) {
    it(`answers a missing ${field} with 1104 naming it`, async () => {
      const params: Record<string, string> = {
        txamt: '100',
        txcurrcd: 'HKD',
        pay_type: '800201',
        out_trade_no: tradeNo(),
        txdtm: '2024-05-01 10:30:00',
      }
      delete params[field]
      const res = (await bed.call('payment', params)).json
      assert.equal(res.respcd, '1104')
      assert.match(res.respmsg as string, new RegExp(`^${field} is required`))
    })
  }

  it('answers malformed values with 1104 naming the field', async () => {
    for (const [field, value] of [
      ['txamt', '1.50'],
      ['txamt', '0'],
      ['txcurrcd', 'hkd'],
      ['txdtm', '2024-05-01T10:30:00'],
      ['txdtm', '2024-02-30 10:00:00'],
      ['expired_time', '4'],
      ['expired_time', '121'],
      ['notify_url', 'ftp://x'],
      ['out_trade_no', 'with space'],
    ] as const) {
      const res = await bed.pay({ [field]: value })
      assert.equal(res.respcd, '1104', `${field}=${value}`)
      assert.match(res.respmsg as string, new RegExp(`^${field} `))
    }
  })

  it('checks txdtm for format only, never against the clock', async () => {
    assert.equal((await bed.pay({ txdtm: '1999-12-31 23:59:59' })).respcd, '0000')
    assert.equal((await bed.pay({ txdtm: '2099-01-01 00:00:00' })).respcd, '0000')
  })

  it('refuses a reused out_trade_no with 2011, also when a refund used it', async () => {
    const number = tradeNo()
    assert.equal((await bed.pay({ out_trade_no: number })).respcd, '0000')
    assert.equal((await bed.pay({ out_trade_no: number })).respcd, '2011')
    const paid = await bed.pay({ pay_type: '800108', auth_code: authCode('0000') })
    const refundNo = tradeNo('REFUND')
    assert.equal(
      (
        await bed.call('refund', {
          syssn: paid.syssn as string,
          out_trade_no: refundNo,
          txamt: '10',
          txdtm: '2024-05-01 10:31:00',
        })
      ).json.respcd,
      '0000'
    )
    assert.equal((await bed.pay({ out_trade_no: refundNo })).respcd, '2011')
  })

  it('accepts only the configured currencies when the merchant has a list', async () => {
    const hkd = testBed({ currencies: ['HKD'] })
    assert.equal((await hkd.pay({ txcurrcd: 'HKD' })).respcd, '0000')
    assert.equal((await hkd.pay({ txcurrcd: 'CNY' })).respcd, '1104')
    assert.equal((await bed.pay({ txcurrcd: 'JPY' })).respcd, '0000')
    hkd.sandbox.close()
  })
})

describe('/trade/v1/payment with a swipe-card auth_code', () => {
  const bed = testBed()
  after(() => bed.sandbox.close())
  const rowOf = async (syssn: string) =>
    ((await bed.call('query', { syssn })).json.data as Array<Record<string, string>>)[0] as Record<
      string,
      string
    >

  for (const payType of ['800108', '800208']) {
    it(`${payType}: a code ending 0000 is paid at once, with wallet ids and a notify`, async () => {
      const res = await bed.pay({ pay_type: payType, auth_code: authCode('0000') })
      assert.equal(res.respcd, '0000')
      assert.notEqual(res.paydtm, '')
      assert.notEqual(res.chnlsn, '')
      assert.equal((await rowOf(res.syssn as string)).respcd, '0000')
      assert.ok(
        bed.sandbox.notifies().some((n) => n.syssn === res.syssn && n.notifyType === 'payment')
      )
    })
  }

  it('a code ending 1143 answers 1143, stays pending for three queries, then is paid and notified', async () => {
    const res = await bed.pay({ pay_type: '800108', auth_code: authCode('1143') })
    assert.equal(res.respcd, '1143')
    const syssn = res.syssn as string
    for (let i = 0; i < 3; i++) assert.equal((await rowOf(syssn)).respcd, '1143', `query ${i + 1}`)
    assert.equal(bed.sandbox.notifies().filter((n) => n.syssn === syssn).length, 0)
    assert.equal((await rowOf(syssn)).respcd, '0000')
    assert.equal(bed.sandbox.notifies().filter((n) => n.syssn === syssn).length, 1)
  })

  it('a code ending 1201 is declined with 1201 and the row keeps that code', async () => {
    const res = await bed.pay({ pay_type: '800208', auth_code: authCode('1201') })
    assert.equal(res.respcd, '1201')
    assert.equal(res.resperr, 'insufficient balance')
    assert.equal((await rowOf(res.syssn as string)).respcd, '1201')
  })

  it('any other ending is paid at once', async () => {
    assert.equal(
      (await bed.pay({ pay_type: '800108', auth_code: authCode('5678') })).respcd,
      '0000'
    )
  })

  it('a missing auth_code is 1104 and a malformed one 1202', async () => {
    assert.equal((await bed.pay({ pay_type: '800108' })).respcd, '1104')
    assert.equal((await bed.pay({ pay_type: '800108', auth_code: '1234' })).respcd, '1202')
    assert.equal(
      (await bed.pay({ pay_type: '800208', auth_code: 'abcdefghijklmnopqr' })).respcd,
      '1202'
    )
  })
})
