/**
 * Today's gateway rules that are pure data: regional hosts by name, `goods_name` as the docs
 * allow it, and what a row's `cancel` flag means for a checkout.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resolveGatewayConfig } from '../checkout/app/gateway-config.ts'
import { observePayment } from '../checkout/money/gateway-rows.ts'
import { createQfpayClient } from './client.ts'
import { cleanGoodsName } from './goods-name.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
const APPCODE = 'APPCODE0123456789ABCDEF012345678'

describe('regional hosts by name', () => {
  it('QFPAY_REGION picks the country’s host for live and test', () => {
    const cfg = (env: Record<string, string>) =>
      resolveGatewayConfig({}, { QFPAY_APPCODE: APPCODE, QFPAY_KEY: KEY, ...env }).baseUrl
    assert.equal(cfg({ QFPAY_ENV: 'live' }), 'https://openapi-hk.qfapi.com')
    assert.equal(cfg({ QFPAY_ENV: 'live', QFPAY_REGION: 'mainland' }), 'https://openapi.qfpay.com')
    assert.equal(cfg({ QFPAY_ENV: 'test', QFPAY_REGION: 'CN' }), 'https://openapi-test.qfpay.com')
    assert.equal(
      cfg({ QFPAY_ENV: 'test', QFPAY_REGION: 'sg' }),
      'https://test-openapi-sg.qfapi.com'
    )
    assert.equal(cfg({ QFPAY_ENV: 'live', QFPAY_REGION: 'th' }), 'https://openapi-th.qfapi.com')
    assert.equal(
      cfg({ QFPAY_ENV: 'live', QFPAY_REGION: 'europe' }),
      'https://openapi-eur.qfapi.com'
    )
  })

  it('refuses an unknown region, and a test host QFPay does not list, by name', () => {
    const base = { QFPAY_APPCODE: APPCODE, QFPAY_KEY: KEY }
    assert.throws(
      () => resolveGatewayConfig({}, { ...base, QFPAY_ENV: 'live', QFPAY_REGION: 'mars' }),
      /QFPAY_REGION must be one of hk, cn, jp, th, ae, sg, id, eu/
    )
    assert.throws(
      () => resolveGatewayConfig({ environment: 'test', region: 'jp' }, base),
      /no test host for Japan/
    )
  })

  it('the client takes a region with an environment, not with a baseUrl', async () => {
    const urls: string[] = []
    const client = createQfpayClient({
      appcode: APPCODE,
      key: KEY,
      environment: 'live',
      region: 'sg',
      fetch: async (input) => {
        urls.push(String(input))
        return new Response('{"respcd": "0000", "resperr": "", "respmsg": "", "data": []}')
      },
    })
    await client.query({ out_trade_no: 'A' })
    assert.deepEqual(urls, ['https://openapi-sg.qfapi.com/trade/v1/query'])
    assert.throws(
      () =>
        createQfpayClient({ appcode: APPCODE, key: KEY, baseUrl: 'http://x.test', region: 'sg' }),
      /region with environment/
    )
  })
})

describe('goods_name', () => {
  it('keeps letters (any script), digits and single spaces, at most 20 characters', () => {
    assert.equal(cleanGoodsName('Green tea & <cake>, 2x!'), 'Green tea cake 2x')
    assert.equal(cleanGoodsName('抹茶拿铁（大杯）'), '抹茶拿铁 大杯')
    assert.equal(cleanGoodsName('A'.repeat(25)), 'A'.repeat(20))
    assert.equal(Array.from(cleanGoodsName('茶'.repeat(30)) ?? '').length, 20)
    assert.equal(cleanGoodsName('%%%'), undefined)
  })
})

describe('the cancel flag of a payment row', () => {
  const row = (respcd: string, cancel: string) => ({
    respcd,
    cancel,
    out_trade_no: 'A',
    syssn: '1',
  })
  it('0, 3, 4, 5 on a paid row: paid; 1 and 2: the money went back', () => {
    for (const cancel of ['0', '3', '4', '5']) {
      const seen = observePayment(row('0000', cancel))
      assert.equal(seen.kind === 'paid' && !seen.reversed, true, cancel)
    }
    for (const cancel of ['1', '2']) {
      const seen = observePayment(row('0000', cancel))
      assert.equal(seen.kind === 'paid' && seen.reversed, true, cancel)
    }
  })

  it('2 (MPM cancelled) on an unpaid row: closed, not pending', () => {
    assert.equal(observePayment(row('1143', '2')).kind, 'closed')
    assert.equal(observePayment(row('1143', '0')).kind, 'pending')
  })
})
