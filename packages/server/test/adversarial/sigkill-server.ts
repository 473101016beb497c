/**
 * Child process for sigkill.test.ts (not a test, not shipped): a merchant server with
 * the checkout at `/qfpay` on the SQLite file `QFPAY_STORE` (the default store), talking to
 * the test's sandbox at `SANDBOX_URL`. `onPaid` appends `paid <id>` to `HOOK_LOG` synchronously.
 * Test controls under `/__test/`: a reconcile pass, hook delivery, a refund, a clock offset.
 * Usage: PORT=… SANDBOX_URL=… QFPAY_STORE=… HOOK_LOG=… node --import tsx sigkill-server.ts
 */
import { appendFileSync, writeSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import { isCheckoutError } from '../../src/checkout/app/errors.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'

const env = process.env
let offsetMs = 0
const clock = () => new Date(Date.now() + offsetMs)
const checkout = createCheckout({
  resolveOrder: () => ({ amount: 1000, goodsName: 'Tea' }),
  hooks: { onPaid: (paid) => appendFileSync(env['HOOK_LOG'] as string, `paid ${paid.id}\n`) },
  gateway: {
    environment: 'local',
    appcode: TEST_APPCODE,
    key: TEST_KEY,
    baseUrl: env['SANDBOX_URL'] as string,
    timeoutMs: 2_000,
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
app.post('/__test/refund', async (c) => {
  try {
    const { refund } = await checkout.merchant.refunds.create(c.req.query('id') as string, {
      amount: Number(c.req.query('amount')),
    })
    return c.json({ status: refund.status })
  } catch (error) {
    return c.json({ error: isCheckoutError(error) ? error.code : String(error) }, 409)
  }
})
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(env['PORT']) }, () => {
  writeSync(1, 'listening\n')
})
