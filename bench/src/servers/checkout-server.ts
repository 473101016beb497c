/**
 * Server under test for notify ingest (bench 3) and status polling (bench 6): `createCheckout()`
 * mounted at `/qfpay` on @hono/node-server, on a SQLite file (WAL, synchronous=FULL) on disk.
 *
 * The gateway is a sandbox in this same process (`createSandbox`), reached through
 * `gatewayFetch` exactly as the embedded default (`createLocalGateway`) reaches its own: every
 * notify is confirmed by a signed `/trade/v1/query` that the sandbox verifies and answers.
 *
 * Set-up happens before the server listens, and off the clock: checkouts are written through
 * the public Store API and the sandbox's `/trade/v1/payment` on a store file in /dev/shm
 * (tmpfs, so 30,000 set-up commits take seconds, not minutes), the sandbox marks them paid with
 * its notifies switched off (knob notifyDropRate = 1), and the file is then copied to disk and
 * reopened with the production settings. The notify bodies the sandbox would have sent (its
 * delivery log keeps them) are handed to the parent, signed, to replay with autocannon.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createCheckout } from '@qfpay-checkout/server'
import { createQfpayClient } from '@qfpay-checkout/server/qfpay'
import { createSandbox } from '@qfpay-checkout/server/sandbox'
import { signNotifyForTest } from '@qfpay-checkout/server/testing'
import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
import { serveIpc } from '../lib/child.ts'
import { APPCODE, HOST, KEY, quietLogger } from '../lib/constants.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as {
  dir: string
  notifies?: number
  polls?: number
  paidPolls?: number
  setupBudgetMs?: number
}

// The sandbox's /trade/v1/query scans every order it holds (fine for tests, O(orders) here), so
// one sandbox with 30,000 orders would make the *gateway* the bottleneck of this benchmark. The
// gateway is not what is measured: orders are spread over sandboxes of at most ~250 orders each,
// picked by out_trade_no, so each query costs what it would against a small sandbox.
const SHARD_SIZE = 250
const shardCount = Math.max(
  1,
  Math.ceil(((args.notifies ?? 0) + (args.polls ?? 0) + (args.paidPolls ?? 0)) / SHARD_SIZE)
)
const sandboxes = Array.from({ length: shardCount }, () =>
  createSandbox({
    appcode: APPCODE,
    key: KEY,
    notifyUrl: `http://${HOST}:9/qfpay/notify`,
    knobs: { notifyDropRate: 1 },
  })
)
const shardOf = (outTradeNo: string | null) => {
  let h = 0
  for (const ch of outTradeNo ?? '') h = (h * 31 + ch.charCodeAt(0)) | 0
  return sandboxes[Math.abs(h) % shardCount]!
}
const gatewayFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const request = input instanceof Request ? input : new Request(String(input), init)
  // The client sends a string form body: route on it without cloning the request's stream (a
  // tee per query is the router's cost, not the server's or the gateway's).
  const body =
    typeof init?.body === 'string' && !(input instanceof Request)
      ? init.body
      : await request.clone().text()
  return shardOf(new URLSearchParams(body).get('out_trade_no')).fetch(request)
}) as typeof fetch
const client = createQfpayClient({
  appcode: APPCODE,
  key: KEY,
  baseUrl: 'http://sandbox.internal',
  fetch: gatewayFetch,
})

// --- set-up on tmpfs -------------------------------------------------------------------------
const shm = mkdtempSync(join('/dev/shm', 'qfpay-bench-'))
const setupFile = join(shm, 'setup.db')
const setupStore = createSqliteStore({ filename: setupFile })
const expiresAt = new Date(Date.now() + 3_600_000).toISOString()

async function makeCheckout(order: string, pay: boolean) {
  const created = await setupStore.create({
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
  await setupStore.transition(created.checkout.id, {
    expectedVersion: created.checkout.version,
    syssn,
    payUrl,
  })
  const sandbox = shardOf(`B${order}`)
  if (pay) sandbox.pay(syssn)
  return { id: created.checkout.id, syssn, sandbox }
}

const t0 = performance.now()
const notifyBodies: { body: string; signature: string }[] = []
// On a busy machine set-up may be slow: it stops at its time budget and the parent sizes the
// runs to the notifies actually prepared (and says so in the table).
for (
  let i = 0;
  i < (args.notifies ?? 0) && performance.now() - t0 < (args.setupBudgetMs ?? Infinity);
  i++
) {
  const { syssn, sandbox } = await makeCheckout(`N${i}`, true)
  const record = sandbox.notifies().findLast((r) => r.syssn === syssn)!
  const signed = signNotifyForTest(record.body, KEY)
  notifyBodies.push({ body: signed.body, signature: signed.signature })
}
// Status polling: pending checkouts (each poll may trigger a rate-limited /query) and paid ones.
const pollIds: { pending: string[]; paid: string[] } = { pending: [], paid: [] }
for (let i = 0; i < (args.polls ?? 0); i++)
  pollIds.pending.push((await makeCheckout(`P${i}`, false)).id)
for (let i = 0; i < (args.paidPolls ?? 0); i++) {
  const { id } = await makeCheckout(`Q${i}`, true)
  const row = (await setupStore.get(id))!
  const moved = await setupStore.transition(id, {
    expectedVersion: row.version,
    status: 'paid',
    paidAt: new Date().toISOString(),
    nextCheckAt: null,
  })
  if (!moved.ok) throw new Error(`set-up: paid transition ${moved.reason}`)
  pollIds.paid.push(id)
}
await setupStore.close()
const setupMs = performance.now() - t0
const dbFile = join(args.dir, 'checkout.db')
copyFileSync(setupFile, dbFile)
rmSync(shm, { recursive: true, force: true })

// --- the server under test --------------------------------------------------------------------
const store = createSqliteStore({ filename: dbFile })
const checkout = createCheckout({
  // A load run against a sandbox with no quota: the per-merchant gateway budget (400/min,
  // like QFPay) is not what is measured here.
  gatewayRequestsPerMinute: false,
  // Every simulated shopper comes from this one loopback address.
  maxPendingPerClient: 1_000_000,
  maxStreamsPerClient: 1_000_000,
  rejectedNotifiesPerMinute: false,
  resolveOrder: () => ({ amount: 100, goodsName: 'Tea' }),
  // A merchant's fulfilment hook (a no-op here): it runs from the durable outbox, as in production.
  onPaid: () => undefined,
  environment: 'local',
  appcode: APPCODE,
  key: KEY,
  baseUrl: 'http://sandbox.internal',
  gatewayFetch,
  store,
  logger: quietLogger,
  createRateLimit: false,
  // Off: the reconciler would query the pending checkouts and mark them paid before their
  // notifies arrive, and its timing would make runs differ. Bench 3 measures the notify path.
  reconciler: { enabled: false },
})
// Set-up left outbox entries (hook deliveries of the paid set-up checkouts): deliver them now,
// off the clock, instead of in the first seconds of the measurement.
checkout.start()
await checkout.merchant.deliverHooks()
const app = new Hono()
app.route('/qfpay', checkout)
const server = serve({ fetch: app.fetch, hostname: HOST, port: 0 }, (info: AddressInfo) => {
  serveIpc(info.port, {
    notifies: () => ({ bodies: notifyBodies, setupMs }),
    pollIds: () => pollIds,
    countPaid: async (m: { from: number; to: number }) => {
      let paid = 0
      for (let i = m.from; i < m.to; i++) {
        const r = await store.getByOutTradeNo(`BN${i}`)
        if (r?.status === 'paid') paid++
      }
      return paid
    },
  })
})
void server
