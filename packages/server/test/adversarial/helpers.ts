/**
 * Shared support for the adversarial tests: the loopback test bed with cleanup, a
 * raw notify poster, and a fault proxy that sits between the checkout's QFPay client and the
 * sandbox on 127.0.0.1 and can hang, reset, trickle or refuse any call. Not a test file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { TestContext } from 'node:test'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import {
  type Bed,
  type BedOptions,
  type HookCall,
  startBed,
  TEST_APPCODE,
  TEST_KEY,
} from '../support/checkout-test-bed.ts'
import { type CheckoutApp, createCheckout } from '../../src/checkout/app/create-checkout.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'
import type { CheckoutOptions } from '../../src/checkout/app/options.ts'
import type { CheckoutRecord, Store } from '../../src/store/store.ts'
import { mergeCheckoutOptions } from '../support/merge-options.ts'

export { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'

/** Starts the bed and closes it when the test ends. */
export async function bed(t: TestContext, options?: BedOptions): Promise<Bed> {
  const b = await startBed(options)
  t.after(() => b.close())
  return b
}

/** What the notify route answered. */
export interface NotifyAnswer {
  status: number
  text: string
}

/** POSTs raw bytes to the bed's public notify route over loopback. */
export async function postNotify(
  b: Bed,
  body: string | Uint8Array,
  headers: Record<string, string>
): Promise<NotifyAnswer> {
  const res = await fetch(`${b.appUrl}/qfpay/notify`, {
    method: 'POST',
    headers,
    body: body as BodyInit,
  })
  return { status: res.status, text: await res.text() }
}

/** The fields of a payment notify for a stored checkout, as the gateway would send them. */
export function paymentNotifyFields(
  record: CheckoutRecord,
  syssn = record.syssn
): Record<string, string | number | undefined> {
  return {
    notify_type: 'payment',
    status: '1',
    respcd: '0000',
    syssn,
    out_trade_no: record.outTradeNo,
    txamt: record.amount,
    txcurrcd: record.currency,
    pay_type: record.payType,
    txdtm: '2024-05-01 10:30:00',
    paydtm: '2024-05-01 10:31:00',
  }
}

/** onPaid hooks and `paid` onStatus hooks the bed saw for one checkout. */
export function paidHooks(b: Bed, id: string): { onPaid: number; toPaid: number } {
  return {
    onPaid: b.hooks.filter((h) => h.topic === 'onPaid' && h.checkout.id === id).length,
    toPaid: b.hooks.filter(
      (h) => h.topic === 'onStatus' && h.checkout.id === id && h.checkout.status === 'paid'
    ).length,
  }
}

/** Runs until `check()` is true or `ms` pass (real time); returns the last answer. */
export async function until(check: () => boolean | Promise<boolean>, ms = 2_000): Promise<boolean> {
  const end = Date.now() + ms
  for (;;) {
    if (await check()) return true
    if (Date.now() > end) return false
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** How the fault proxy treats one gateway call. */
export type Fault =
  | 'pass' // forwarded untouched
  | 'hang' // read, never answered (the gateway's answer is lost in a black hole)
  | 'hang_after' // forwarded and processed by the sandbox, the answer is never sent
  | 'reset' // the connection is destroyed before forwarding: nothing processed
  | 'reset_after' // forwarded and processed, then the connection is destroyed
  | 'http_500' // a proxy's 500 with an empty body, nothing processed
  | 'http_429' // QFPay's rate limit answer, nothing processed
  | 'trickle' // forwarded; the answer's headers at once, its body one byte every 200 ms
  | 'late' // held for `lateMs`, then forwarded (processed after the caller gave up); no answer

/** One call the proxy saw. */
export interface ProxiedCall {
  endpoint: string
  params: URLSearchParams
  fault: Fault
}

/** The fault proxy. `decide` picks the fault per call; `calls` is everything that arrived. */
export interface FaultProxy {
  url: string
  calls: ProxiedCall[]
  decide: (endpoint: string, params: URLSearchParams) => Fault
  /** Where calls are forwarded (the sandbox server). */
  target: string
  /** How long a 'late' call is held before it is forwarded, ms. Default 1 000. */
  lateMs: number
  close(): Promise<void>
}

/** Starts a fault proxy on 127.0.0.1; set `target` before the first call. */
export async function startFaultProxy(): Promise<FaultProxy> {
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const proxy: FaultProxy = {
    url: '',
    calls: [],
    target: '',
    lateMs: 1_000,
    decide: () => 'pass',
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const forward = async (req: IncomingMessage, body: Buffer) => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && name !== 'host' && name !== 'connection')
        headers[name] = value
    const res = await fetch(`${proxy.target}${req.url}`, {
      method: req.method ?? 'POST',
      headers,
      body: body as unknown as BodyInit,
    })
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
  }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks)
        const endpoint = (req.url ?? '').replace(/^.*\/trade\/v1\//, '').replace(/\?.*$/, '')
        const params = new URLSearchParams(body.toString('utf8'))
        const fault = proxy.decide(endpoint, params)
        proxy.calls.push({ endpoint, params, fault })
        switch (fault) {
          case 'hang':
            return
          case 'late': {
            const timer = setTimeout(
              () => void forward(req, body).catch(() => undefined),
              proxy.lateMs
            )
            timers.add(timer)
            return
          }
          case 'reset':
            return req.socket.destroy()
          case 'http_500':
            return res.writeHead(500, { 'Content-Type': 'text/plain' }).end('')
          case 'http_429':
            return res
              .writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' })
              .end('{"respcd": "1205", "resperr": "rate limited", "respmsg": ""}')
        }
        const answer = await forward(req, body)
        if (fault === 'hang_after') return
        if (fault === 'reset_after') return req.socket.destroy()
        const contentType = answer.headers.get('content-type') ?? 'application/json'
        if (fault === 'trickle') {
          res.writeHead(answer.status, {
            'Content-Type': contentType,
            'Content-Length': String(answer.bytes.length),
          })
          let at = 0
          const timer = setInterval(() => {
            if (at >= answer.bytes.length || res.destroyed) {
              clearInterval(timer)
              timers.delete(timer)
              return void res.end()
            }
            res.write(answer.bytes.subarray(at, at + 1))
            at++
          }, 200)
          timers.add(timer)
          return
        }
        const sign = answer.headers.get('x-qf-sign')
        res
          .writeHead(answer.status, {
            'Content-Type': contentType,
            ...(sign ? { 'X-QF-SIGN': sign } : {}),
          })
          .end(answer.bytes)
      })().catch(() => req.socket.destroy())
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}

/** The bed with its QFPay client going through a fault proxy; both closed when the test ends. */
export async function bedBehindProxy(
  t: TestContext,
  options: BedOptions = {}
): Promise<{ b: Bed; proxy: FaultProxy }> {
  const proxy = await startFaultProxy()
  const b = await startBed({
    ...options,
    checkout: mergeCheckoutOptions({ gateway: { baseUrl: proxy.url } }, options.checkout),
  })
  proxy.target = b.sandboxUrl
  t.after(async () => {
    await b.close()
    await proxy.close()
  })
  return { b, proxy }
}

/** A second app instance (another server of the same shop) on its own store connection. */
export interface SecondInstance {
  app: CheckoutApp
  url: string
  hooks: HookCall[]
}

/**
 * Starts another checkout app with the bed's gateway settings over `store` (e.g. a second
 * connection to the same SQLite file), served on 127.0.0.1; closed when the test ends.
 */
export async function startSecondInstance(
  t: TestContext,
  b: Bed,
  store: Store,
  options: Partial<CheckoutOptions> = {}
): Promise<SecondInstance> {
  const hooks: HookCall[] = []
  const app = createCheckout(
    mergeCheckoutOptions(
      {
        resolveOrder: () => ({ amount: 1000, goodsName: 'Tea' }),
        hooks: {
          onPaid: (checkout, context) =>
            void hooks.push({ topic: 'onPaid', checkout, idempotencyKey: context.idempotencyKey }),
          onStatus: (checkout, context) =>
            void hooks.push({
              topic: 'onStatus',
              checkout,
              idempotencyKey: context.idempotencyKey,
            }),
        },
        gateway: {
          environment: 'local',
          appcode: TEST_APPCODE,
          key: TEST_KEY,
          baseUrl: b.sandboxUrl,
        },
        http: { perClient: { checkoutsPerMinute: false } },
        store,
        clock: () => new Date(b.clock.now()),
        logger: silentLogger,
        reconciler: { enabled: false },
      },
      options
    )
  )
  const host = new Hono().route('/qfpay', app)
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: host.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  t.after(async () => {
    await app.close()
    ;(server as unknown as { closeAllConnections(): void }).closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return { app, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hooks }
}
