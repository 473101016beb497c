import { expect } from '@open-wc/testing'
import { createFakeClock } from '../../test/fake-clock.ts'
import { choose, mount, part, qrText, recordEvents, stateIs, status } from '../../test/harness.ts'
import { useMerchant } from '../../test/worker.ts'

describe('<qfpay-checkout> expiry', () => {
  const merchant = useMerchant()

  it('counts down, expires, and a New QR code cancels the old checkout before showing a new one', async () => {
    // Page and server share one fake clock, started on a whole second (the Date header the
    // widget corrects skew with has whole seconds): no real time passes between them.
    const clock = createFakeClock(Math.floor(Date.now() / 1000) * 1000)
    merchant.state.clock = clock
    const el = await mount({ env: { clock } })
    const events = recordEvents(el)
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    const first = merchant.latest()
    clock.advance(61_000)
    await el.updateComplete
    expect(part(el, 'countdown')!.textContent).to.contain('3:59')
    expect(status(el)).to.contain('4 minutes left')
    clock.advance(240_000)
    await stateIs(el, 'expired')
    expect(status(el)).to.equal('This QR code has expired.')
    expect(part(el, 'qr')).to.equal(null)
    await expect(el).to.be.accessible()
    part(el, 'new-code-button')!.click()
    await stateIs(el, 'waiting')
    expect(merchant.checkouts.get(first.id)!.status).to.equal('cancelled')
    const second = merchant.latest()
    expect(second.id).to.not.equal(first.id)
    expect(await qrText(el)).to.equal(second.payUrl)
    expect(events.map((e) => e.type)).to.deep.equal([
      'qfpay-created',
      'qfpay-expired',
      'qfpay-created',
    ])
  })

  it('announces the time left only at sparse moments, not every second', async () => {
    const clock = createFakeClock()
    const el = await mount({ env: { clock } })
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    const heard = new Set<string>()
    for (let i = 0; i < 300; i++) {
      clock.advance(1_000)
      await el.updateComplete
      heard.add(status(el))
    }
    expect(heard.size).to.be.lessThan(10)
  })

  it('corrects the countdown for a server clock that is ahead', async () => {
    merchant.state.skewMs = 120_000
    const el = await mount()
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    // The server says 5 minutes from its own now; the page's clock is two minutes behind.
    expect(part(el, 'countdown')!.textContent).to.match(/[45]:\d\d/)
  })

  it('shows expired when the server says the code expired', async () => {
    const el = await mount()
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    merchant.update(merchant.latest().id, { status: 'expired' })
    await stateIs(el, 'expired')
    expect(part(el, 'new-code-button')).to.not.equal(null)
  })
})
