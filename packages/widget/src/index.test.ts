import { expect } from '@open-wc/testing'
import * as widget from './index.ts'

describe('@qfpay-checkout/widget main entry', () => {
  it('exports the class without defining the tag (safe to import during SSR)', () => {
    expect(widget.QfpayCheckout).to.be.a('function')
    expect(customElements.get('qfpay-checkout')).to.equal(undefined)
  })

  it('lets a page register the class under its own tag', async () => {
    customElements.define('shop-checkout', class extends widget.QfpayCheckout {})
    const el = document.createElement('shop-checkout') as InstanceType<typeof widget.QfpayCheckout>
    expect(el.state).to.equal('loading')
  })

  it('defines <qfpay-checkout> once when the define entry is imported, even twice', async () => {
    await import('./define.ts')
    await import('./define.ts?again' as string).catch(() => undefined)
    expect(customElements.get('qfpay-checkout')).to.equal(widget.QfpayCheckout)
  })
})
