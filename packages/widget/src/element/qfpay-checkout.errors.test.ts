import { expect } from '@open-wc/testing'
import { http, HttpResponse } from 'msw'
import { errorResponse, url } from '../../test/handlers.ts'
import { choose, mount, part, recordEvents, stateIs, status } from '../../test/harness.ts'
import { useMerchant, worker } from '../../test/worker.ts'

describe('<qfpay-checkout> errors', () => {
  useMerchant()

  const retryable: [string, number, () => Response, string][] = [
    [
      '429 rate_limited',
      429,
      () => errorResponse(429, 'rate_limited', 'Slow down.'),
      'Too many attempts. Please wait a moment and try again.',
    ],
    [
      '502 gateway_error',
      502,
      () => errorResponse(502, 'gateway_error', 'Upstream failed.'),
      'The payment service is not answering. Please try again.',
    ],
    [
      'network down',
      0,
      () => HttpResponse.error(),
      'No connection. Check your network and try again.',
    ],
  ]
  for (const [name, , reply, text] of retryable) {
    it(`shows ${name} on create with a retry that works`, async () => {
      worker.use(http.post(url('/checkouts'), reply, { once: true }))
      const el = await mount()
      const events = recordEvents(el)
      await choose(el, '800201')
      await stateIs(el, 'error')
      expect(status(el)).to.equal(text)
      expect(events.filter((e) => e.type === 'qfpay-error')).to.have.length(1)
      expect(events[0]!.detail.retryable).to.equal(true)
      await expect(el).to.be.accessible()
      part(el, 'retry-button')!.click()
      await stateIs(el, 'waiting')
    })
  }

  it('shows a 502 while loading the config and retries into choosing', async () => {
    worker.use(
      http.get(url('/config'), () => errorResponse(502, 'gateway_error', 'x'), { once: true })
    )
    const el = await mount()
    await stateIs(el, 'error')
    expect(el.error).to.deep.include({ code: 'gateway_error', retryable: true })
    part(el, 'retry-button')!.click()
    await stateIs(el, 'choosing')
  })

  it('shows a 400 without a retry, and lets the shopper choose again', async () => {
    worker.use(
      http.post(url('/checkouts'), () => errorResponse(400, 'invalid_request', 'Bad order.'), {
        once: true,
      })
    )
    const el = await mount()
    const events = recordEvents(el)
    await choose(el, '800201')
    await stateIs(el, 'error')
    expect(part(el, 'retry-button')).to.equal(null)
    expect(events[0]).to.deep.include({ type: 'qfpay-error' })
    expect(events[0]!.detail).to.deep.include({ code: 'invalid_request', retryable: false })
    part(el, 'choose-button')!.click()
    await stateIs(el, 'choosing')
  })

  it('says the order is already paid on 409 already_paid, with nothing to retry', async () => {
    worker.use(
      http.post(url('/checkouts'), () => errorResponse(409, 'already_paid', 'Paid.'), {
        once: true,
      })
    )
    const el = await mount()
    await choose(el, '800151')
    await stateIs(el, 'error')
    expect(status(el)).to.equal('This order has already been paid.')
    expect(part(el, 'retry-button')).to.equal(null)
    await expect(el).to.be.accessible()
  })

  it('never throws into the page on a malformed answer', async () => {
    worker.use(
      http.get(url('/config'), () => new HttpResponse('<html>oops</html>', { status: 200 }), {
        once: true,
      })
    )
    const el = await mount()
    await stateIs(el, 'error')
    expect(el.error!.code).to.equal('invalid_response')
  })

  it('warns the developer once about an unknown pay type and does nothing', async () => {
    const warnings: string[] = []
    const original = console.warn
    console.warn = (m: string) => warnings.push(m)
    try {
      const el = await mount()
      await stateIs(el, 'choosing')
      el.start('999999')
      el.start('999999')
      expect(el.state).to.equal('choosing')
      expect(warnings.filter((w) => w.startsWith('[qfpay-checkout]'))).to.have.length(1)
    } finally {
      console.warn = original
    }
  })
})
