import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createBrowserTestApp } from '../../../test/support/browser-test-app.ts'

describe('GET /config', () => {
  it('lists the default pay types with wallet and flow, in order, and the currency', async () => {
    const { app } = createBrowserTestApp()
    const res = await app.request('/config')
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), {
      currency: 'CNY',
      methods: [
        { payType: '800151', wallet: 'alipay', flow: 'qr' },
        { payType: '800201', wallet: 'wechat', flow: 'qr' },
      ],
    })
  })

  it("keeps the merchant's order and maps redirect flows", async () => {
    const { app } = createBrowserTestApp({
      options: { payTypes: ['800212', '800151'], currency: 'hkd' },
    })
    assert.deepEqual(await (await app.request('/config')).json(), {
      currency: 'HKD',
      methods: [
        { payType: '800212', wallet: 'wechat', flow: 'redirect' },
        { payType: '800151', wallet: 'alipay', flow: 'qr' },
      ],
    })
  })

  it("lists today's types with their wallet and flow; AlipayHK web as a QR that never redirects", async () => {
    const { app } = createBrowserTestApp({
      options: { payTypes: ['801514', '801512', '801101', '800101', '800212'], currency: 'HKD' },
    })
    assert.deepEqual(
      ((await (await app.request('/config')).json()) as { methods: unknown[] }).methods,
      [
        { payType: '801514', wallet: 'alipay', flow: 'qr', qrOnly: true },
        { payType: '801512', wallet: 'alipay', flow: 'redirect' },
        { payType: '801101', wallet: 'alipay', flow: 'redirect' },
        { payType: '800101', wallet: 'alipay', flow: 'qr' },
        { payType: '800212', wallet: 'wechat', flow: 'redirect' },
      ]
    )
  })

  it('lists swipe-card types as flow "code" on a cashier mount, privately cached', async () => {
    const { app } = createBrowserTestApp({
      options: {
        cashier: { authorize: () => true },
        payTypes: ['800108', '800208', '800008'],
      },
    })
    const res = await app.request('/config')
    assert.equal(res.headers.get('cache-control'), 'private, max-age=60')
    // 800008 ("any wallet") has no contract wallet, so it is left out.
    assert.deepEqual(((await res.json()) as { methods: unknown[] }).methods, [
      { payType: '800108', wallet: 'alipay', flow: 'code' },
      { payType: '800208', wallet: 'wechat', flow: 'code' },
    ])
  })

  it('is cacheable for a minute on a public mount', async () => {
    const { app } = createBrowserTestApp()
    assert.equal((await app.request('/config')).headers.get('cache-control'), 'public, max-age=60')
  })
})
