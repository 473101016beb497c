/**
 * Soak child (not a test): the merchant server, the checkout at `/qfpay` on the SQLite file
 * `QFPAY_STORE`, against the gateway at `GATEWAY_URL`. Before listening it seeds the store from
 * `SEED_FILE` (JSON lines `{order, outTradeNo, amount}`: checkouts whose orders already exist at
 * the gateway; first check in two hours, so the reconciler leaves them to the notifies) and
 * writes their ids to `IDS_FILE`. `/__soak/memory` runs a GC (`--expose-gc`) and reports memory;
 * `/__soak/stats` counts hooks. Prints `listening` when ready.
 */
import { readFileSync, writeFileSync, writeSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'
import { createSqliteStore } from '../../src/store/sqlite.ts'

const env = process.env
const store = createSqliteStore({ filename: env['QFPAY_STORE'] as string })
const later = new Date(Date.now() + 2 * 3600_000).toISOString()
const ids: string[] = []
for (const line of readFileSync(env['SEED_FILE'] as string, 'utf8').split('\n')) {
  if (!line) continue
  const seed = JSON.parse(line) as { order: string; outTradeNo: string; amount: number }
  const result = await store.create({
    ...seed,
    payType: '800201',
    flow: 'qr',
    currency: 'CNY',
    goodsName: 'Tea',
    expiresAt: later,
    nextCheckAt: later,
    mount: 'public',
  })
  ids.push(result.checkout.id)
}
writeFileSync(env['IDS_FILE'] as string, ids.join('\n'))
const stats = { onPaid: 0, onStatus: 0, errors: 0 }
const logger = {
  ...silentLogger,
  // Counted; the first few are shown, so a failing soak says why.
  error: (message: string, fields?: Record<string, unknown>) => {
    if (stats.errors++ < 5)
      process.stderr.write(`server error: ${message} ${JSON.stringify(fields ?? {})}\n`)
  },
}
const checkout = createCheckout({
  hooks: { onPaid: () => void stats.onPaid++, onStatus: () => void stats.onStatus++ },
  gateway: {
    // A load run against a sandbox with no quota: the per-merchant gateway budget (400/min,
    // like QFPay) is not what is measured here.
    requestsPerMinute: false,
    environment: 'local',
    appcode: TEST_APPCODE,
    key: TEST_KEY,
    baseUrl: env['GATEWAY_URL'] as string,
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
  resolveOrder: () => ({ amount: 1000, goodsName: 'Tea' }),
  store,
  logger,
})
const app = new Hono()
app.route('/qfpay', checkout)
app.get('/__soak/memory', (c) => {
  ;(globalThis as { gc?: () => void }).gc?.()
  return c.json(process.memoryUsage())
})
app.post('/__soak/exit', () => process.exit(0))
app.get('/__soak/stats', async (c) =>
  c.json({ ...stats, hooksRan: await checkout.merchant.deliverHooks() })
)
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(env['PORT']) }, () =>
  writeSync(1, 'listening\n')
)
