/**
 * Server under test for the SSE fan-out (bench 4), alone in its process so its RSS is its own.
 *
 * - `checkout`: createCheckout() with its embedded in-process sandbox and a SQLite file; one
 *   pending checkout that every stream follows (`GET /qfpay/checkouts/:id/events`). `pay`
 *   makes the sandbox pay it: notify → verify → /query → commit → StatusHub → every stream
 *   re-reads the row and writes `event: status`, then ends (paid is final).
 * - `bare` (baseline): a Hono `streamSSE` route that writes the same JSON from memory on connect
 *   and again to every stream on `pay`, then ends: the framework's own cost, no store, no hub.
 */
import { createServer } from 'node:http'
import { join } from 'node:path'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { createCheckout } from '@qfpay-checkout/server'
import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
import { serveIpc, settledRss } from '../lib/child.ts'
import { APPCODE, HOST, KEY, quietLogger } from '../lib/constants.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as { dir: string; mode: 'checkout' | 'bare' }
const app = new Hono()
let id = 'bare0000000000000000000000'
let pay: () => Promise<void>
let streams = () => 0

if (args.mode === 'checkout') {
  const store = createSqliteStore({ filename: join(args.dir, `fanout-${process.pid}.db`) })
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
    },
    http: {
      perClient: {
        // Every simulated shopper comes from this one loopback address.
        pendingCheckouts: 1_000_000,
        openStreams: 1_000_000,
        rejectedNotifiesPerMinute: false,
        checkoutsPerMinute: false,
      },
    },
    resolveOrder: () => ({ amount: 100, goodsName: 'Tea' }),
    store,
    logger: quietLogger,
    reconciler: { enabled: false },
  })
  app.route('/qfpay', checkout)
  const res = await app.request('/qfpay/checkouts', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ payType: '800201', order: 'FAN-1' }),
  })
  if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`)
  id = ((await res.json()) as { id: string }).id
  pay = async () => {
    const row = await store.get(id)
    checkout.sandbox!.pay(row!.syssn!)
  }
} else {
  const open = new Set<(data: string) => void>()
  const json = (status: string) =>
    JSON.stringify({
      id,
      version: status === 'paid' ? 3 : 2,
      status,
      order: 'FAN-1',
      payType: '800201',
      flow: 'qr',
      amount: 100,
      currency: 'CNY',
    })
  app.get('/qfpay/checkouts/:id/events', (c) =>
    streamSSE(c, async (stream) => {
      let done!: () => void
      const finished = new Promise<void>((r) => (done = r))
      const send = (data: string) =>
        void stream.writeSSE({ event: 'status', id: '3', data }).then(done)
      open.add(send)
      stream.onAbort(() => (open.delete(send), done()))
      await stream.writeSSE({ event: 'status', id: '2', data: json('pending') })
      await finished
      open.delete(send)
    })
  )
  pay = async () => {
    const data = json('paid')
    for (const send of [...open]) send(data)
  }
  streams = () => open.size
}

const server = createServer(getRequestListener(app.fetch))
server.keepAliveTimeout = 120_000
server.listen(0, HOST, 4096, () => {
  const address = server.address() as { port: number }
  serveIpc(address.port, {
    id: () => id,
    rss: () => settledRss(),
    connections: () => new Promise((resolve) => server.getConnections((_e, n) => resolve(n))),
    streams: () => streams(),
    pay: () => pay(),
  })
})
void quietLogger
