import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setupServer } from 'msw/node'
import { sign, verifyBodySignature } from '../qfpay/sign.ts'
import { createSandbox } from './create-sandbox.ts'
import { gatewayHandlers } from './msw.ts'

const BASE = 'https://gateway.sandbox.test'
const KEY = 'msw-test-key'

describe('gatewayHandlers with msw setupServer', () => {
  const sandbox = createSandbox({ appcode: 'MSWAPP', key: KEY })
  const server = setupServer(...gatewayHandlers(sandbox, BASE))
  before(() => server.listen({ onUnhandledRequest: 'error' }))
  after(() => {
    server.close()
    sandbox.close()
  })

  it('answers a signed payment made with fetch, handing out a phone page under the base URL', async () => {
    const params = {
      txamt: '100',
      txcurrcd: 'HKD',
      pay_type: '800201',
      out_trade_no: 'MSW-1',
      txdtm: '2024-05-01 10:30:00',
    }
    const res = await fetch(`${BASE}/trade/v1/payment`, {
      method: 'POST',
      headers: {
        'X-QF-APPCODE': 'MSWAPP',
        'X-QF-SIGN': await sign(params, KEY),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(params),
    })
    const raw = await res.text()
    assert.ok(verifyBodySignature(raw, KEY, res.headers.get('x-qf-sign') ?? ''))
    const json = JSON.parse(raw) as { respcd: string; qrcode: string }
    assert.equal(json.respcd, '0000')
    assert.ok(json.qrcode.startsWith(`${BASE}/sandbox/pay/`))
    const page = await fetch(json.qrcode)
    assert.match(await page.text(), />Pay</)
  })

  it('serves the control API through the same handler', async () => {
    const res = await fetch(`${BASE}/__sandbox/orders`)
    assert.equal(((await res.json()) as { orders: unknown[] }).orders.length, 1)
  })
})
