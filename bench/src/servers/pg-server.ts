/**
 * Server under test for bench 7 (PostgreSQL): `createCheckout()` on the PostgreSQL store, mounted
 * at `/qfpay` on @hono/node-server, as one of several instances sharing a database.
 *
 * - `gateway: 'in-process'` (throughput row): a sandbox in this process reached through
 *   `gatewayFetch`, as the embedded default does, so every notify's `/query` confirmation costs
 *   this process what it costs in production with a local gateway. `prepare` paid orders are set
 *   up before the server listens (off the clock) with the sandbox's own notifies switched off;
 *   their signed notify bodies are handed to the parent to replay with autocannon.
 * - `gateway: <url>` (burst row): the standalone sandbox at that URL (its notify URL is one of
 *   the instances); `create` opens pending checkouts in it, as `POST /checkouts` would.
 *
 * The per-client caps are raised: every bench client is 127.0.0.1.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createCheckout } from '@qfpay-checkout/server'
import { createQfpayClient } from '@qfpay-checkout/server/qfpay'
import { createSandbox } from '@qfpay-checkout/server/sandbox'
import { createPostgresStore, reconnectBackoff } from '@qfpay-checkout/server/stores/postgres'
import postgres from 'postgres'
import { signNotifyForTest } from '@qfpay-checkout/server/testing'
import { serveIpc } from '../lib/child.ts'
import { APPCODE, HOST, KEY, quietLogger } from '../lib/constants.ts'
import { createPgTrace } from '../lib/pg-trace.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as {
  url: string
  schema: string
  gateway: 'in-process' | string
  prepare?: number
}

const local =
  args.gateway === 'in-process'
    ? createSandbox({
        appcode: APPCODE,
        key: KEY,
        notifyUrl: `http://${HOST}:9/qfpay/notify`,
        knobs: { notifyDropRate: 1 },
      })
    : undefined
const baseUrl = local ? 'http://sandbox.internal' : args.gateway
const gatewayFetch = local
  ? (((input: string | URL | Request, init?: RequestInit) =>
      local.fetch(
        input instanceof Request ? input : new Request(String(input), init)
      )) as typeof fetch)
  : undefined
const client = createQfpayClient({
  appcode: APPCODE,
  key: KEY,
  baseUrl,
  ...(gatewayFetch ? { fetch: gatewayFetch } : {}),
})
// The pool the store would open from the URL (same size, backoff and name), plus a statement
// counter: `trace` says how many statements and how much time each notify costs here.
const trace = createPgTrace()
const sql = postgres(args.url, {
  max: 10,
  onnotice: () => undefined,
  backoff: reconnectBackoff,
  connection: { application_name: 'qfpay-checkout' },
  debug: trace.debug,
})
const store = trace.wrapStore(createPostgresStore({ sql, schema: args.schema }))
await store.ready
const expiresAt = new Date(Date.now() + 3_600_000).toISOString()

/** A pending checkout with its gateway order, as `POST /checkouts` leaves it. */
async function open(order: string) {
  const created = await store.create({
    order,
    payType: '800201',
    flow: 'qr',
    amount: 100,
    currency: 'CNY',
    outTradeNo: `B${order}`,
    expiresAt,
  })
  if (created.kind !== 'created') throw new Error(`set-up: ${created.kind}`)
  const result = await client.payment({
    pay_type: '800201',
    out_trade_no: `B${order}`,
    txamt: 100,
    txcurrcd: 'CNY',
    expired_time: 60,
  })
  const syssn = String(result.response.syssn)
  const payUrl = String(result.response.qrcode || result.response.pay_url)
  const moved = await store.transition(created.checkout.id, {
    expectedVersion: created.checkout.version,
    syssn,
    payUrl,
  })
  if (!moved.ok) throw new Error(`set-up: ${moved.reason}`)
  return { id: created.checkout.id, syssn }
}

const t0 = performance.now()
const bodies: { body: string; signature: string }[] = []
for (let i = 0; local && i < (args.prepare ?? 0); i++) {
  const { syssn } = await open(`N${i}`)
  local.pay(syssn)
  const record = local.notifies().findLast((r) => r.syssn === syssn)!
  bodies.push(signNotifyForTest(record.body, KEY))
}
const setupMs = performance.now() - t0

// Raised per-client caps (options of newer releases; ignored where unknown).
const checkout = createCheckout({
  resolveOrder: () => ({ amount: 100, goodsName: 'Tea' }),
  hooks: {
    // A merchant's fulfilment hook (a no-op): it runs from the durable outbox, as in production.
    onPaid: () => undefined,
  },
  gateway: {
    environment: 'local',
    appcode: APPCODE,
    key: KEY,
    baseUrl,
    // A load run against a sandbox with no quota, every shopper from one loopback address: the
    // per-merchant gateway budget (400/min, like QFPay) and the per-client caps are not measured.
    requestsPerMinute: false,
    fetch: trace.wrapFetch(gatewayFetch ?? ((input, init) => fetch(input, init))),
  },
  http: {
    perClient: {
      checkoutsPerMinute: false,
      pendingCheckouts: 100_000,
      openStreams: 100_000,
      rejectedNotifiesPerMinute: false,
    },
  },
  store,
  logger: quietLogger,
  // Off: the reconciler would race the notifies it is measured on.
  reconciler: { enabled: false },
})
checkout.start()
await checkout.merchant.deliverHooks()
const app = new Hono()
app.post('/qfpay/notify', (c, next) => trace.notify(next))
app.route('/qfpay', checkout)
const server = serve({ fetch: app.fetch, hostname: HOST, port: 0 }, (info: AddressInfo) =>
  serveIpc(info.port, {
    notifies: () => ({ bodies, setupMs }),
    traceReset: () => trace.reset(),
    traceReport: () => trace.report(),
    traceMoments: () => trace.moments(),
    traceConnections: () => trace.connections(),
    create: async (m: { prefix: string; count: number }) => {
      const made = []
      for (let i = 0; i < m.count; i++) made.push(await open(`${m.prefix}${i}`))
      return made
    },
    countPaid: async (m: { from: number; to: number }) => {
      let paid = 0
      for (let i = m.from; i < m.to; i++)
        if ((await store.getByOutTradeNo(`BN${i}`))?.status === 'paid') paid++
      return paid
    },
  })
)
// When each connection was accepted (epoch ms): a notify's way in, before its route runs.
server.on('connection', () => trace.connected())
