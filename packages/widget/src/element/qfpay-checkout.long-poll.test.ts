import { expect } from '@open-wc/testing'
import { http, HttpResponse } from 'msw'
import { createFakeClock } from '../../test/fake-clock.ts'
import { url } from '../../test/handlers.ts'
import { choose, mount, stateIs } from '../../test/harness.ts'
import { useMerchant, worker } from '../../test/worker.ts'

describe('<qfpay-checkout> long-poll fallback', () => {
  const merchant = useMerchant()

  it('shows the payment from a held long-poll when the event stream fails, without waiting for a polling interval', async () => {
    merchant.state.streamsWork = false
    const afters: (string | null)[] = []
    // The server's long-poll: a request with ?after= is held until the checkout's version passes it.
    worker.use(
      http.get(url('/checkouts/:id'), async ({ params, request }) => {
        const after = new URL(request.url).searchParams.get('after')
        afters.push(after)
        const id = params.id as string
        while (after !== null && merchant.checkouts.get(id)!.version <= Number(after))
          await new Promise((r) => setTimeout(r, 10))
        return HttpResponse.json(merchant.checkouts.get(id))
      })
    )
    // The widget's clock moves only until the stream has failed and the first long-poll is out;
    // then it stands still, so no polling interval can pass: only a held request can bring "paid".
    const clock = createFakeClock()
    const el = await mount({ env: { clock } })
    await choose(el, '800151')
    await stateIs(el, 'waiting')
    const id = merchant.latest().id
    for (let i = 0; i < 200 && afters.length === 0; i++) {
      clock.advance(1_000)
      await new Promise((r) => setTimeout(r, 10))
    }
    expect(afters).to.deep.equal(['1'])
    merchant.pay(id)
    await stateIs(el, 'paid')
    expect(afters).to.deep.equal(['1'])
  })
})
