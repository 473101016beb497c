import { expect, waitUntil } from '@open-wc/testing'
import type { Checkout } from '@qfpay-checkout/server/contract'
import { CheckoutController, type CheckoutInputs } from './checkout-controller.ts'
import type { CheckoutEnv } from './checkout-env.ts'
import { createFakeClock } from '../../test/fake-clock.ts'
import { FakeEventSource } from '../../test/fake-event-source.ts'
import { checkout, config, T0 } from '../../test/fixtures.ts'

/** The four members of ReactiveControllerHost, plus EventTarget for the events. */
class FakeHost extends EventTarget {
  controllers: unknown[] = []
  updates = 0
  addController(c: unknown) {
    this.controllers.push(c)
  }
  removeController() {}
  requestUpdate() {
    this.updates++
  }
  get updateComplete() {
    return Promise.resolve(true)
  }
}

/** A merchant server as a fetch function over a map of checkouts. */
function fakeServer(now: () => number) {
  const store = new Map<string, Checkout>()
  let n = 0
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input)
    if (path.endsWith('/config')) return json(config)
    if (path.endsWith('/checkouts')) {
      const c = checkout({
        id: `co_${++n}`,
        payUrl: `https://pay.example/${n}`,
        expiresAt: new Date(now() + 300_000).toISOString(),
      })
      store.set(c.id, c)
      return json(c, 201)
    }
    const id = decodeURIComponent(path.split('/')[3]!)
    const c = store.get(id)!
    if (path.endsWith('/cancel') && init?.method === 'POST') {
      if (c.status === 'paid')
        return json({ error: { code: 'already_paid', message: 'paid' } }, 409)
      store.set(id, { ...c, status: 'cancelled', version: c.version + 1 })
    }
    return json(store.get(id))
  }
  return { store, fetch: fetch as typeof globalThis.fetch }
}

function setup(inputs: Partial<CheckoutInputs> = {}, env: Partial<CheckoutEnv> = {}) {
  FakeEventSource.instances = []
  const clock = createFakeClock(T0)
  const server = fakeServer(clock.now)
  const host = new FakeHost()
  const events: string[] = []
  for (const t of ['created', 'paid', 'failed', 'expired', 'cancelled', 'error'])
    host.addEventListener(`qfpay-${t}`, (e) => events.push(e.type))
  const navigations: string[] = []
  const doc = Object.assign(new EventTarget(), {
    visibilityState: 'visible' as DocumentVisibilityState,
  })
  const controller = new CheckoutController(host as never, {
    inputs: () => ({
      endpoint: '/qfpay',
      order: 'A-1001',
      payTypes: undefined,
      mode: 'auto',
      checkoutId: undefined,
      ...inputs,
    }),
    env: () => ({
      fetch: (input, init) => server.fetch(input, init),
      clock,
      EventSource: FakeEventSource as unknown as typeof EventSource,
      window: new EventTarget(),
      document: doc,
      navigate: (url) => navigations.push(url),
      isPhone: () => false,
      checkoutFromUrl: () => null,
      ...env,
    }),
  })
  controller.hostConnected()
  const kind = (k: string) =>
    waitUntil(() => controller.state.kind === k, `still ${controller.state.kind}`)
  return { controller, server, clock, host, events, navigations, kind }
}

describe('checkout controller', () => {
  it('loads the config, creates a checkout and fires created then paid, once each', async () => {
    const { controller, server, events, kind } = setup()
    await kind('choosing')
    controller.start('800201')
    await kind('waiting')
    const id = controller.state.kind === 'waiting' ? controller.state.checkout.id : ''
    const paid = { ...server.store.get(id)!, status: 'paid' as const, version: 2 }
    FakeEventSource.current!.send(paid, 2)
    FakeEventSource.current?.send(paid, 2)
    controller.refresh()
    await kind('paid')
    await new Promise((r) => setTimeout(r, 10))
    expect(events).to.deep.equal(['qfpay-created', 'qfpay-paid'])
  })

  it('fires qfpay-paid once however many paid statuses arrive after paid', async () => {
    const { controller, server, clock, events, kind } = setup()
    await kind('choosing')
    controller.start('800201')
    await kind('waiting')
    const id = controller.state.kind === 'waiting' ? controller.state.checkout.id : ''
    const stream = FakeEventSource.current!
    stream.send({ ...server.store.get(id)!, status: 'paid', version: 2 }, 2)
    await kind('paid')
    // Newer paid statuses after paid: a late frame of the old stream, a poll answer, a refund.
    stream.send({ ...server.store.get(id)!, status: 'paid', version: 3 }, 3)
    controller.dispatch({
      type: 'statusReceived',
      checkout: { ...server.store.get(id)!, status: 'paid', version: 4 },
      now: clock.now(),
    })
    controller.dispatch({
      type: 'statusReceived',
      checkout: { ...server.store.get(id)!, status: 'partially_refunded', version: 5 },
      now: clock.now(),
    })
    expect(controller.state.kind).to.equal('paid')
    expect(events).to.deep.equal(['qfpay-created', 'qfpay-paid'])
  })

  it('expires when the countdown ends and cancels the old checkout before opening a new one', async () => {
    const { controller, server, clock, events, kind } = setup()
    await kind('choosing')
    controller.start('800201')
    await kind('waiting')
    clock.advance(300_000)
    expect(controller.state.kind).to.equal('expired')
    controller.start('800201')
    await kind('waiting')
    expect(server.store.get('co_1')!.status).to.equal('cancelled')
    expect(events).to.deep.equal(['qfpay-created', 'qfpay-expired', 'qfpay-created'])
  })

  it('shows a late payment of the expired code as paid instead of opening a second checkout', async () => {
    const { controller, server, clock, events, kind } = setup()
    await kind('choosing')
    controller.start('800201')
    await kind('waiting')
    clock.advance(300_000)
    server.store.set('co_1', { ...server.store.get('co_1')!, status: 'paid', version: 5 })
    controller.start('800201')
    await kind('paid')
    expect(server.store.size).to.equal(1)
    expect(events).to.deep.equal(['qfpay-created', 'qfpay-expired', 'qfpay-paid'])
  })

  it('sends a phone to the wallet for Alipay and keeps WeChat as a QR code', async () => {
    const { controller, navigations, kind } = setup({}, { isPhone: () => true })
    await kind('choosing')
    controller.start('800151')
    await kind('waiting')
    expect(navigations).to.deep.equal(['https://pay.example/1'])
    controller.cancel()
    await kind('cancelled')
    controller.refresh()
    await kind('choosing')
    controller.start('800201')
    await kind('waiting')
    expect(navigations).to.have.length(1)
  })

  it('starts over when the endpoint changes before a render, and only then', async () => {
    const inputs: Partial<CheckoutInputs> = {}
    const { controller, server, kind } = setup(inputs)
    const configs: string[] = []
    const fetch = server.fetch
    server.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/config')) configs.push(String(input))
      return fetch(input, init)
    }) as typeof globalThis.fetch
    await kind('choosing')
    // A render with the same inputs keeps the shopper's place.
    controller.hostUpdate()
    expect(controller.state.kind).to.equal('choosing')
    inputs.endpoint = '/shop/qfpay'
    controller.hostUpdate()
    expect(controller.state.kind).to.equal('loading')
    await kind('choosing')
    controller.hostUpdate()
    expect(configs).to.deep.equal(['/shop/qfpay/config'])
  })

  it('warns once and stays put when the endpoint is missing', async () => {
    const warnings: unknown[] = []
    const original = console.warn
    console.warn = (m: unknown) => warnings.push(m)
    try {
      const inputs: Partial<CheckoutInputs> = { endpoint: undefined }
      const { controller } = setup(inputs)
      inputs.checkoutId = 'co_1'
      controller.hostUpdate()
      expect(controller.state.kind).to.equal('loading')
      // Loaded twice (connect, then the new checkout id), told once.
      expect(warnings.filter((w) => String(w).includes('endpoint'))).to.have.length(1)
    } finally {
      console.warn = original
    }
  })
})
