/**
 * The shop page for the browser benchmarks (2 and 5), in its own process: a Hono app that serves
 * a page, the widget's production build (packages/widget/dist: define.js + its chunks) and
 * createCheckout() at `/qfpay`, same origin, on several loopback ports (Chromium opens at most
 * six connections per host:port, and every waiting widget holds one event stream).
 *
 * - `gateway: 'loopback'` (bench 2): the sandbox is a separate server on its own loopback port;
 *   the checkout reaches it over HTTP and its notifies come back over HTTP. Its `fetch` option is
 *   wrapped to timestamp each notify as it is handed to fetch (performance.timeOrigin + now(),
 *   epoch ms with sub-ms resolution).
 * - `gateway: 'in-process'` (bench 5): createCheckout()'s embedded sandbox (no gateway set).
 *
 * `GET /__clock` answers this process's clock, so a page can measure its offset to it.
 */
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createCheckout } from '@qfpay-checkout/server'
import { createSandbox } from '@qfpay-checkout/server/sandbox'
import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
import { benchDir, serveIpc } from '../lib/child.ts'
import { APPCODE, HOST, KEY, quietLogger } from '../lib/constants.ts'
import { PAGE_HTML } from '../page.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as {
  dir: string
  gateway: 'loopback' | 'in-process'
  ports: number
}
const dist = join(benchDir, '..', 'packages', 'widget', 'dist')
const now = () => performance.timeOrigin + performance.now()

const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
  new Promise<number>((resolve) =>
    serve({ fetch, hostname: HOST, port: 0 }, (info: AddressInfo) => resolve(info.port))
  )

const host = new Hono()
const firstPort = await listen((r) => host.fetch(r))
const ports = [firstPort]
for (let i = 1; i < args.ports; i++) ports.push(await listen((r) => host.fetch(r)))

const notifySentAt = new Map<string, number>()
let sandbox: ReturnType<typeof createSandbox> | undefined
let baseUrl: string | undefined
if (args.gateway === 'loopback') {
  sandbox = createSandbox({
    appcode: APPCODE,
    key: KEY,
    notifyUrl: `http://${HOST}:${firstPort}/qfpay/notify`,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const at = now()
      try {
        const body =
          typeof init?.body === 'string'
            ? init.body
            : new TextDecoder().decode(init?.body as Uint8Array)
        const syssn = (JSON.parse(body) as { syssn?: string }).syssn
        if (syssn && !notifySentAt.has(syssn)) notifySentAt.set(syssn, at)
      } catch {
        // not a notify we can read: not timed
      }
      return globalThis.fetch(input, init)
    }) as typeof fetch,
  })
  baseUrl = `http://${HOST}:${await listen((r) => sandbox!.fetch(r))}`
}

const store = createSqliteStore({ filename: join(args.dir, `web-${process.pid}.db`) })
const checkout = createCheckout({
  gateway: {
    // A load run against a sandbox with no quota: the per-merchant gateway budget (400/min,
    // like QFPay) is not what is measured here.
    requestsPerMinute: false,
    environment: 'local',
    // The bench runs with NODE_ENV=production (Lit's production build); no real orders here.
    embeddedSandbox: true,
    appcode: APPCODE,
    key: KEY,
    ...(baseUrl ? { baseUrl } : {}),
  },
  http: {
    allowedOrigins: ports.map((p) => `http://${HOST}:${p}`),
    perClient: {
      // Every simulated shopper comes from this one loopback address.
      pendingCheckouts: 1_000_000,
      openStreams: 1_000_000,
      rejectedNotifiesPerMinute: false,
      checkoutsPerMinute: false,
      // Every page of the bench comes from 127.0.0.1, so the per-address cap (20) would count
      // all 20 shoppers as one client; the per-instance cap stays at its default.
      heldLongPolls: 1000,
    },
  },
  resolveOrder: () => ({ amount: 100, goodsName: 'Tea' }),
  store,
  logger: quietLogger,
  // The live path is measured: no reconciler racing the notify to the news.
  reconciler: { enabled: false },
})
sandbox ??= checkout.sandbox

const types: Record<string, string> = { js: 'text/javascript; charset=utf-8' }
host.get('/', (c) => c.html(PAGE_HTML))
host.get('/favicon.ico', (c) => c.body(null, 204))
host.get('/__clock', (c) => c.json({ now: now() }))
host.get('/define.js', (c) =>
  c.body(readFileSync(join(dist, 'define.js')), 200, {
    'Content-Type': types.js!,
    'Cache-Control': 'no-store',
  })
)
host.get('/chunks/:file', (c) => {
  const file = c.req.param('file')
  if (!/^[\w.-]+\.js$/.test(file)) return c.notFound()
  return c.body(readFileSync(join(dist, 'chunks', file)), 200, {
    'Content-Type': types.js!,
    'Cache-Control': 'no-store',
  })
})
host.route('/qfpay', checkout)

serveIpc(firstPort, {
  ports: () => ports,
  syssnOf: async (m: { id: string }) => (await store.get(m.id))?.syssn,
  pay: (m: { syssn: string }) => void sandbox!.pay(m.syssn),
  sentAt: (m: { syssn: string }) => notifySentAt.get(m.syssn),
})
