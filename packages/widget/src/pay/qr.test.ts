import { expect } from '@open-wc/testing'
import { drawQr, QUIET_ZONE_MODULES } from './qr.ts'

describe('qr', () => {
  it('keeps a quiet zone of four modules on every side', async () => {
    const { size, path } = await drawQr('https://sandbox.example/pay/co_123')
    const starts = [...path.matchAll(/M(\d+) (\d+)h(\d+)/g)].map(
      (m) => m.slice(1).map(Number) as [number, number, number]
    )
    expect(Math.min(...starts.map(([x]) => x))).to.equal(QUIET_ZONE_MODULES)
    expect(Math.min(...starts.map(([, y]) => y))).to.equal(QUIET_ZONE_MODULES)
    expect(Math.max(...starts.map(([x, , w]) => x + w))).to.equal(size - QUIET_ZONE_MODULES)
    expect(Math.max(...starts.map(([, y]) => y + 1))).to.equal(size - QUIET_ZONE_MODULES)
  })

  it('draws longer URLs as larger codes', async () => {
    const short = await drawQr('weixin://wxpay/bizpayurl?pr=abc')
    const long = await drawQr(`https://sandbox.example/pay/${'x'.repeat(200)}`)
    expect(long.size).to.be.greaterThan(short.size)
  })
})
