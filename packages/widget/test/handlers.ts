/**
 * The merchant server's routes (docs/architecture.md) as msw handlers: happy paths over a small in-memory
 * store, live status with msw's `sse()`. Tests change outcomes through the returned helpers
 * (`pay`, `decline`, …) and add one-shot failure overrides with `worker.use()`.
 */
import { http, HttpResponse, passthrough, sse } from 'msw'
import type {
  Checkout,
  CheckoutConfig,
  CreateCheckoutRequest,
  ErrorBody,
  ErrorCode,
  ErrorStatus,
} from '@qfpay-checkout/server/contract'

export const ENDPOINT = '/qfpay'
const base = (path: string) => new URL(ENDPOINT + path, location.origin).href

/** Default config: Alipay and WeChat QR online, plus both swipe-card types for cashier mode. */
export const defaultConfig = (): CheckoutConfig => ({
  currency: 'HKD',
  methods: [
    { payType: '800151', wallet: 'alipay', flow: 'qr' },
    { payType: '800201', wallet: 'wechat', flow: 'qr' },
    { payType: '800108', wallet: 'alipay', flow: 'code' },
    { payType: '800208', wallet: 'wechat', flow: 'code' },
  ],
})

type SseClient = { send(m: { id?: string; event: 'status'; data: string }): void; close(): void }

/** One test's merchant: its config, checkouts, clock skew and stream switches. */
export function createMerchant() {
  const checkouts = new Map<string, Checkout>()
  const clients = new Map<string, Set<SseClient>>()
  const state = {
    config: defaultConfig(),
    /** Server clock minus real clock, ms: sent in the `Date` header. */
    skewMs: 0,
    /** Lifetime of a new QR, ms of server time. */
    lifetimeMs: 5 * 60_000,
    /** When false, event streams fail (as a proxy that kills them would). */
    streamsWork: true,
    paidOrders: new Set<string>(),
    /**
     * The server's clock before skew: the real one, or a test's fake clock, so that time
     * passing between mount and create (slow in some engines) cannot move an expiry.
     */
    clock: undefined as { now(): number } | undefined,
  }
  const serverNow = () => (state.clock?.now() ?? Date.now()) + state.skewMs
  const headers = () => ({ date: new Date(serverNow()).toUTCString() })
  const frame = (c: Checkout) => ({
    id: String(c.version),
    event: 'status' as const,
    data: JSON.stringify(c),
  })

  function push(checkout: Checkout) {
    for (const client of clients.get(checkout.id) ?? []) {
      try {
        client.send(frame(checkout))
        if (checkout.status !== 'pending') client.close()
      } catch {
        clients.get(checkout.id)!.delete(client) // the page closed this stream
      }
    }
  }

  /** Change a checkout as the server would (version + 1) and tell open streams. */
  function update(id: string, patch: Partial<Checkout>): Checkout {
    const current = checkouts.get(id)
    if (!current) throw new Error(`no checkout ${id}`)
    const next = { ...current, ...patch, version: current.version + 1 }
    checkouts.set(id, next)
    if (next.status === 'paid') state.paidOrders.add(next.order)
    push(next)
    return next
  }

  function create(body: CreateCheckoutRequest): Checkout {
    const method = state.config.methods.find((m) => m.payType === body.payType)!
    const now = serverNow()
    const id = `co_${Math.random().toString(36).slice(2, 12)}`
    const checkout: Checkout = {
      id,
      version: 1,
      status: 'pending',
      order: body.order,
      payType: body.payType,
      flow: method.flow,
      amount: 12_345,
      currency: state.config.currency,
      goodsName: 'Oolong tea',
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + state.lifetimeMs).toISOString(),
      payUrl: method.flow === 'code' ? undefined : `https://sandbox.example/pay/${id}`,
      refundedAmount: 0,
      latePayment: false,
    }
    if (body.authCode?.endsWith('0000'))
      Object.assign(checkout, { status: 'paid', paidAt: new Date(now).toISOString() })
    if (body.authCode?.endsWith('1201'))
      Object.assign(checkout, {
        status: 'failed',
        failure: { code: 'gateway_declined', message: 'Declined' },
      })
    checkouts.set(id, checkout)
    if (checkout.status === 'paid') state.paidOrders.add(checkout.order)
    return checkout
  }

  const handlers = [
    http.get(base('/config'), () => HttpResponse.json(state.config, { headers: headers() })),
    http.post(base('/checkouts'), async ({ request }) => {
      const body = (await request.json()) as CreateCheckoutRequest
      if (state.paidOrders.has(body.order))
        return errorResponse(409, 'already_paid', 'Order already paid.')
      return HttpResponse.json(create(body), { status: 201, headers: headers() })
    }),
    http.get(base('/checkouts/:id'), ({ params }) => {
      const checkout = checkouts.get(params.id as string)
      return checkout
        ? HttpResponse.json(checkout, { headers: headers() })
        : errorResponse(404, 'checkout_not_found', 'No such checkout.')
    }),
    http.post(base('/checkouts/:id/cancel'), ({ params }) => {
      const checkout = checkouts.get(params.id as string)
      if (!checkout) return errorResponse(404, 'checkout_not_found', 'No such checkout.')
      if (checkout.status === 'paid') return errorResponse(409, 'already_paid', 'Already paid.')
      if (checkout.status !== 'pending') return HttpResponse.json(checkout)
      return HttpResponse.json(update(checkout.id, { status: 'cancelled' }))
    }),
    // Broken streams come from a real server (test/broken-streams.mjs), not from msw: WebKit
    // cannot receive msw's mocked streams, and so not their errors either. Answering nothing
    // here falls through to the stream below.
    http.get(base('/checkouts/:id/events'), () => (state.streamsWork ? undefined : passthrough())),
    sse<{ status: string }>(base('/checkouts/:id/events'), ({ params, client }) => {
      const checkout = checkouts.get(params.id as string)
      if (!checkout) {
        client.send({ retry: 10 })
        return client.error()
      }
      client.send(frame(checkout))
      if (checkout.status !== 'pending') return client.close()
      const set = clients.get(checkout.id) ?? new Set<SseClient>()
      set.add(client as unknown as SseClient)
      clients.set(checkout.id, set)
    }),
  ]

  return {
    state,
    handlers,
    checkouts,
    update,
    /** The newest checkout. */
    latest: () => [...checkouts.values()].at(-1)!,
    pay: (id: string) =>
      update(id, { status: 'paid', paidAt: new Date(serverNow()).toISOString() }),
    decline: (id: string) =>
      update(id, { status: 'failed', failure: { code: 'gateway_declined', message: 'Declined' } }),
    /** Open event streams for a checkout. */
    streams: (id: string) => clients.get(id)?.size ?? 0,
    reset() {
      checkouts.clear()
      clients.clear()
      Object.assign(state, {
        config: defaultConfig(),
        skewMs: 0,
        lifetimeMs: 5 * 60_000,
        streamsWork: true,
        paidOrders: new Set(),
        clock: undefined,
      })
    },
  }
}

/** A wire error, as the checkout routes answer it. */
export function errorResponse(status: ErrorStatus, code: ErrorCode, message: string) {
  const body: ErrorBody = { error: { code, message } }
  return HttpResponse.json(body, { status })
}

/** The URL of a route, for one-shot overrides: `worker.use(http.post(url('/checkouts'), …, { once: true }))`. */
export const url = base
