import { expect, waitUntil } from '@open-wc/testing'
import { delay, http } from 'msw'
import { url } from '../../test/handlers.ts'
import { sendKeys } from '@web/test-runner-commands'
import { en, registerLocale } from '../index.ts'
import { createFakeClock } from '../../test/fake-clock.ts'
import { choose, mount, part, qrText, recordEvents, stateIs, status } from '../../test/harness.ts'
import { useMerchant, worker } from '../../test/worker.ts'

describe('<qfpay-checkout> QR flow', () => {
  const merchant = useMerchant()

  it('offers the enabled online pay types and hides the swipe-card ones', async () => {
    const el = await mount()
    await stateIs(el, 'choosing')
    const names = [...el.shadowRoot!.querySelectorAll('[part~=method]')].map((m) =>
      m.textContent!.trim()
    )
    expect(names).to.deep.equal(['Alipay', 'WeChat Pay'])
    await expect(el).to.be.accessible()
  })

  it('shows a QR code that encodes the pay URL, the amount and a countdown, then the payment', async () => {
    const el = await mount()
    const events = recordEvents(el)
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    const checkout = merchant.latest()
    expect(await qrText(el)).to.equal(checkout.payUrl)
    expect(part(el, 'amount')!.textContent).to.contain('HK$123.45')
    expect(part(el, 'countdown')!.textContent).to.contain('5:00')
    expect(status(el)).to.contain('WeChat Pay')
    await expect(el).to.be.accessible()
    merchant.pay(checkout.id)
    await stateIs(el, 'paid')
    expect(status(el)).to.equal('Payment received. Thank you!')
    expect(events.map((e) => e.type)).to.deep.equal(['qfpay-created', 'qfpay-paid'])
    expect(events[1]!.detail.status).to.equal('paid')
    await expect(el).to.be.accessible()
  })
})

describe('<qfpay-checkout> choosing', () => {
  const merchant = useMerchant()

  it('moves between pay types with the arrow keys and starts with Enter', async () => {
    const el = await mount()
    await stateIs(el, 'choosing')
    const first = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=radio]')!
    expect(first.checked).to.equal(true)
    first.focus()
    await sendKeys({ press: 'ArrowDown' })
    await el.updateComplete
    expect(part(el, 'pay-button')!.textContent!.trim()).to.equal('Pay with WeChat Pay')
    await sendKeys({ press: 'Enter' })
    await stateIs(el, 'waiting')
    expect(merchant.latest().payType).to.equal('800201')
  })

  it('offers only the pay types named in pay-types, in that order', async () => {
    const el = await mount({ payTypes: '800201 800151' })
    await stateIs(el, 'choosing')
    const names = [...el.shadowRoot!.querySelectorAll('[part~=method]')].map((m) =>
      m.textContent!.trim()
    )
    expect(names).to.deep.equal(['WeChat Pay', 'Alipay'])
  })

  it('speaks Chinese when the locale changes, with amounts formatted for it', async () => {
    const el = await mount()
    await stateIs(el, 'choosing')
    el.locale = 'zh-TW'
    await el.updateComplete
    expect(el.shadowRoot!.querySelector('legend')!.textContent).to.equal('選擇付款方式')
    el.locale = 'zh-CN'
    await el.updateComplete
    expect(el.shadowRoot!.querySelector('legend')!.textContent).to.equal('选择支付方式')
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    expect(part(el, 'amount')!.textContent).to.match(/HK\$123\.45/)
    expect(status(el)).to.contain('支付宝')
  })

  it('takes its language from the page when no locale is set', async () => {
    const host = document.createElement('div')
    host.lang = 'zh-HK'
    document.body.append(host)
    const el = document.createElement('qfpay-checkout')
    el.env = { isPhone: () => false }
    el.setAttribute('endpoint', '/qfpay')
    el.setAttribute('order', 'A-1001')
    host.append(el)
    await stateIs(el, 'choosing')
    expect(el.shadowRoot!.querySelector('legend')!.textContent).to.equal('選擇付款方式')
    host.remove()
  })

  it('loads once its endpoint is set after it is on the page (as frameworks do)', async () => {
    const el = document.createElement('qfpay-checkout')
    el.env = { isPhone: () => false }
    el.order = 'A-1001'
    document.body.append(el)
    await el.updateComplete
    expect(el.state).to.equal('loading')
    el.endpoint = '/qfpay'
    await stateIs(el, 'choosing')
    expect(part(el, 'pay-button')).to.not.equal(null)
    el.remove()
  })

  it('lets a merchant add a locale', async () => {
    registerLocale('fr', { ...en, lang: 'fr', methodsLegend: 'Choisissez comment payer' })
    const el = await mount({ locale: 'fr-CA' })
    await stateIs(el, 'choosing')
    expect(el.shadowRoot!.querySelector('legend')!.textContent).to.equal('Choisissez comment payer')
  })
})

describe('<qfpay-checkout> cancel and refresh', () => {
  const merchant = useMerchant()

  it('cancels the waiting checkout with the Cancel button and offers to choose again', async () => {
    const el = await mount()
    const events = recordEvents(el)
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    part(el, 'cancel-button')!.click()
    await stateIs(el, 'cancelled')
    expect(merchant.latest().status).to.equal('cancelled')
    expect(status(el)).to.equal('The payment was cancelled.')
    await expect(el).to.be.accessible()
    part(el, 'choose-button')!.click()
    await stateIs(el, 'choosing')
    expect(events.map((e) => e.type)).to.deep.equal(['qfpay-created', 'qfpay-cancelled'])
  })

  it('shows paid when the checkout was paid just before cancel()', async () => {
    const el = await mount()
    const events = recordEvents(el)
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    merchant.state.paidOrders.add('A-1001')
    // Paid at the gateway; the stream has not told the page yet.
    merchant.checkouts.set(merchant.latest().id, {
      ...merchant.latest(),
      status: 'paid',
      version: 2,
    })
    el.cancel()
    await stateIs(el, 'paid')
    expect(events.map((e) => e.type)).to.deep.equal(['qfpay-created', 'qfpay-paid'])
  })

  it('refresh() re-checks a waiting checkout at once', async () => {
    merchant.state.streamsWork = false
    const el = await mount({ env: { EventSource: undefined, clock: createFakeClock() } })
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    merchant.pay(merchant.latest().id)
    el.refresh()
    await stateIs(el, 'paid')
  })

  it('fits a 320 px wide screen and works inside another shadow root', async () => {
    const outer = document.createElement('div')
    outer.style.width = '320px'
    document.body.append(outer)
    const root = outer.attachShadow({ mode: 'open' })
    const el = document.createElement('qfpay-checkout')
    el.env = { isPhone: () => false }
    el.endpoint = '/qfpay'
    el.order = 'A-1001'
    const events: string[] = []
    document.addEventListener('qfpay-created', (e) => events.push(e.type), { once: true })
    root.append(el)
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    await waitUntil(() => part(el, 'qr')?.tagName.toLowerCase() === 'svg')
    expect(part(el, 'base')!.scrollWidth).to.be.at.most(320)
    expect(part(el, 'qr')!.getBoundingClientRect().width).to.be.at.most(320)
    expect(events).to.deep.equal(['qfpay-created'])
    outer.remove()
  })
})

describe('<qfpay-checkout> in between', () => {
  useMerchant()

  it('is accessible while loading and while creating, and says what it is doing', async () => {
    worker.use(http.get(url('/config'), () => delay('infinite'), { once: true }))
    const loading = await mount()
    expect(loading.state).to.equal('loading')
    expect(status(loading)).to.equal('Loading payment options…')
    await expect(loading).to.be.accessible()
    worker.use(http.post(url('/checkouts'), () => delay('infinite'), { once: true }))
    const creating = await mount()
    await choose(creating, '800151')
    await stateIs(creating, 'creating')
    expect(status(creating)).to.equal('Preparing your payment…')
    await expect(creating).to.be.accessible()
  })

  it('moves focus to the new step when the control the shopper used goes away', async () => {
    const el = await mount()
    await stateIs(el, 'choosing')
    part(el, 'pay-button')!.focus()
    part(el, 'pay-button')!.click()
    await stateIs(el, 'waiting')
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'status'))
  })
})
