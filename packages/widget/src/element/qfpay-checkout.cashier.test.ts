import { expect } from '@open-wc/testing'
import { sendKeys } from '@web/test-runner-commands'
import { mount, part, stateIs, status } from '../../test/harness.ts'
import { useMerchant } from '../../test/worker.ts'
import type { QfpayCheckout } from './qfpay-checkout.ts'

async function scan(el: QfpayCheckout, code: string) {
  await stateIs(el, 'choosing')
  part(el, 'cashier-input')!.focus()
  // A barcode scanner is a keyboard: it types the digits and presses Enter. One key press at a
  // time: WebKitWebDriver drops a repeated key when several go down before any comes up (the
  // "0000" of a code would arrive as one "0").
  for (const digit of code) await sendKeys({ press: digit })
  await sendKeys({ press: 'Enter' })
}

describe('<qfpay-checkout mode="cashier">', () => {
  const merchant = useMerchant()

  it('offers only the swipe-card pay types with an input for the code', async () => {
    const el = await mount({ mode: 'cashier' })
    await stateIs(el, 'choosing')
    const names = [...el.shadowRoot!.querySelectorAll('[part~=method]')].map((m) =>
      m.textContent!.trim()
    )
    expect(names).to.deep.equal(['Alipay', 'WeChat Pay'])
    expect(part(el, 'cashier-input')).to.not.equal(null)
    await expect(el).to.be.accessible()
  })

  it('charges a scanned code that pays at once', async () => {
    const el = await mount({ mode: 'cashier' })
    await scan(el, '281234567890120000')
    await stateIs(el, 'paid')
    expect(merchant.latest().payType).to.equal('800108')
  })

  it('shows pending until the wallet confirms', async () => {
    const el = await mount({ mode: 'cashier' })
    await scan(el, '281234567890121143')
    await stateIs(el, 'waiting')
    expect(status(el)).to.equal('Waiting for the customer to confirm…')
    await expect(el).to.be.accessible()
    merchant.pay(merchant.latest().id)
    await stateIs(el, 'paid')
  })

  it('shows a declined code', async () => {
    const el = await mount({ mode: 'cashier' })
    await scan(el, '281234567890121201')
    await stateIs(el, 'failed')
    expect(status(el)).to.equal('The payment was declined.')
  })
})
