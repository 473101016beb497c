import { expect, waitUntil } from '@open-wc/testing'
import { http, HttpResponse } from 'msw'
import type { QfpayCheckout } from './qfpay-checkout.ts'
import { createFakeClock, type FakeClock } from '../test/fake-clock.ts'
import { url } from '../test/handlers.ts'
import { choose, mount, stateIs, status } from '../test/harness.ts'
import { useMerchant, worker } from '../test/worker.ts'

/** Let time pass on the fake clock, a second at a time, until the widget shows `kind`. */
async function passTimeUntil(el: QfpayCheckout, clock: FakeClock, kind: string, maxSeconds = 30) {
  for (let i = 0; i < maxSeconds && el.state !== kind; i++) {
    clock.advance(1_000)
    await new Promise((r) => setTimeout(r, 20))
  }
  expect(el.state).to.equal(kind)
}

describe('<qfpay-checkout> live status', () => {
  const merchant = useMerchant()

  it('falls back to polling when the event stream fails twice, and still sees the payment', async () => {
    merchant.state.streamsWork = false
    const clock = createFakeClock()
    const el = await mount({ env: { clock } })
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    merchant.pay(merchant.latest().id)
    await passTimeUntil(el, clock, 'paid')
  })

  it('says the connection is lost while polls fail, and recovers when the browser is online again', async () => {
    merchant.state.streamsWork = false
    const clock = createFakeClock()
    const win = new EventTarget()
    const el = await mount({ env: { clock, window: win } })
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    const id = merchant.latest().id
    worker.use(http.get(url('/checkouts/:id'), () => HttpResponse.error()))
    for (let i = 0; i < 20 && !status(el).includes('Connection lost'); i++) {
      clock.advance(1_000)
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(status(el)).to.contain('Connection lost')
    expect(el.state).to.equal('waiting')
    worker.resetHandlers()
    merchant.pay(id)
    win.dispatchEvent(new Event('online'))
    await stateIs(el, 'paid')
  })

  it('pauses while the tab is hidden and checks at once when it is shown again', async () => {
    const doc = Object.assign(new EventTarget(), {
      visibilityState: 'visible' as DocumentVisibilityState,
    })
    const el = await mount({ env: { document: doc } })
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    const id = merchant.latest().id
    await waitUntil(() => merchant.streams(id) > 0, 'stream not open')
    doc.visibilityState = 'hidden'
    doc.dispatchEvent(new Event('visibilitychange'))
    // Paid while hidden: the closed stream cannot tell the page.
    merchant.update(id, { status: 'paid' })
    await new Promise((r) => setTimeout(r, 200))
    expect(el.state).to.equal('waiting')
    doc.visibilityState = 'visible'
    doc.dispatchEvent(new Event('visibilitychange'))
    await stateIs(el, 'paid')
  })

  it('shows a declined payment as failed and offers to try again', async () => {
    const el = await mount()
    await choose(el, '800201')
    await stateIs(el, 'waiting')
    merchant.decline(merchant.latest().id)
    await stateIs(el, 'failed')
    expect(status(el)).to.equal('The payment did not go through.')
    await expect(el).to.be.accessible()
  })
})
