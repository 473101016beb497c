import { expect } from '@open-wc/testing'
import { choose, mount, part, qrText, recordEvents, stateIs, status } from '../../test/harness.ts'
import { useMerchant } from '../../test/worker.ts'

describe('<qfpay-checkout> on phones and after redirects', () => {
  const merchant = useMerchant()

  it('sends a phone shopper to the wallet for Alipay', async () => {
    const visits: string[] = []
    const el = await mount({ env: { isPhone: () => true, navigate: (u) => visits.push(u) } })
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    expect(visits).to.deep.equal([merchant.latest().payUrl])
    expect(status(el)).to.equal('Waiting for the payment to complete…')
    expect(part<HTMLAnchorElement>(el, 'link')!.href).to.equal(merchant.latest().payUrl)
    await expect(el).to.be.accessible()
  })

  it('keeps waiting after the redirect wrote the checkout into the page URL', async () => {
    // What the browser's own navigation does on the way out: ?checkout=<id>, then the wallet.
    let urlCheckout: string | null = null
    const requested: string[] = []
    const el = await mount({
      env: {
        isPhone: () => true,
        checkoutFromUrl: () => urlCheckout,
        navigate: () => (urlCheckout = merchant.latest().id),
        fetch: (input, init) => {
          requested.push(new URL(String(input), location.href).pathname)
          return fetch(input, init)
        },
      },
    })
    // A shop page without the checkout attribute (the harness always sets one).
    el.removeAttribute('checkout')
    await el.updateComplete
    const events = recordEvents()
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    el.requestUpdate()
    await el.updateComplete
    expect(el.state).to.equal('waiting')
    expect(events.map((e) => e.type)).to.deep.equal(['qfpay-created'])
    // Loaded once: the widget did not start over and load the resumed checkout again.
    expect(requested.filter((path) => path.endsWith('/config'))).to.have.length(1)
  })

  it('redirects on a desktop too with mode="redirect"', async () => {
    const visits: string[] = []
    const el = await mount({ mode: 'redirect', env: { navigate: (u) => visits.push(u) } })
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    expect(visits).to.have.length(1)
  })

  it('keeps a WeChat QR on a phone and asks to scan it from another device', async () => {
    const visits: string[] = []
    const el = await mount({ env: { isPhone: () => true, navigate: (u) => visits.push(u) } })
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    expect(visits).to.deep.equal([])
    expect(status(el)).to.contain('from another device')
    expect(await qrText(el)).to.equal(merchant.latest().payUrl)
  })

  it('resumes the checkout named by the checkout attribute and shows its outcome', async () => {
    const first = await mount({ env: { isPhone: () => true } })
    await choose(first, '800151')
    await stateIs(first, 'waiting')
    const id = merchant.latest().id
    first.remove()
    merchant.pay(id)
    const events = recordEvents()
    const back = await mount({ checkout: id })
    await stateIs(back, 'paid')
    expect(back.checkout!.id).to.equal(id)
    expect(status(back)).to.equal('Payment received. Thank you!')
    await expect(back).to.be.accessible()
    // The return page learns the outcome too (and no second "created").
    expect(events.map((e) => e.type)).to.deep.equal(['qfpay-paid'])
  })

  it('resumes from ?checkout= in the URL and re-checks on pageshow', async () => {
    const first = await mount({ env: { isPhone: () => true } })
    await choose(first, '800151')
    await stateIs(first, 'waiting')
    const id = merchant.latest().id
    first.remove()
    const win = new EventTarget()
    const back = await mount({
      env: { isPhone: () => true, checkoutFromUrl: () => id, window: win, EventSource: undefined },
    })
    await stateIs(back, 'waiting')
    expect(status(back)).to.equal('Waiting for the payment to complete…')
    merchant.checkouts.set(id, { ...merchant.latest(), status: 'paid', version: 9 })
    win.dispatchEvent(new Event('pageshow'))
    await stateIs(back, 'paid')
  })
})
