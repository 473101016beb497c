/**
 * Child process for `checkout-crash.test.ts` (not shipped): a merchant server with the checkout
 * mounted at `/qfpay` on a SQLite file (`QFPAY_STORE`, the default store path), talking to the
 * test's sandbox. `onPaid` appends `<ONPAID> <id>` to `HOOK_LOG` (synchronously, so the line
 * outlives a SIGKILL) and throws when `ONPAID=throw`. Test controls under `/__test/` run a
 * reconciler pass, deliver hooks, and move the clock forward (no sleeping in tests).
 * Usage: PORT=… SANDBOX_URL=… QFPAY_STORE=… HOOK_LOG=… ONPAID=throw|ok node --import tsx crash-server.ts
 */
import { appendFileSync, writeSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { TEST_APPCODE, TEST_KEY } from './checkout-test-bed.ts'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'

const env = process.env
let offsetMs = 0
const clock = () => new Date(Date.now() + offsetMs)
const mode = env['ONPAID'] ?? 'ok'
const checkout = createCheckout({
  resolveOrder: () => ({ amount: 1000, goodsName: 'Tea' }),
  hooks: {
    onPaid: (paid) => {
      appendFileSync(env['HOOK_LOG'] as string, `${mode} ${paid.id}\n`)
      if (mode === 'throw') throw new Error('fulfilment service down')
    },
  },
  gateway: {
    environment: 'local',
    appcode: TEST_APPCODE,
    key: TEST_KEY,
    baseUrl: env['SANDBOX_URL'] as string,
  },
  http: { perClient: { checkoutsPerMinute: false } },
  clock,
  logger: silentLogger,
  reconciler: { enabled: false },
})
const app = new Hono()
app.route('/qfpay', checkout)
app.post('/__test/reconcile', async (c) => c.json(await checkout.merchant.reconcile()))
app.post('/__test/hooks', async (c) => c.json({ ran: await checkout.merchant.deliverHooks() }))
app.post('/__test/advance', (c) => {
  offsetMs += Number(c.req.query('ms'))
  return c.json({ now: clock().toISOString() })
})
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(env['PORT']) }, () => {
  writeSync(1, 'listening\n')
})
