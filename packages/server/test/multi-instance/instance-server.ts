/**
 * Child process for multi-instance.test.ts (not a test, not shipped): one merchant server, the
 * checkout mounted at `/qfpay` on the PostgreSQL store (`DATABASE_URL`, schema `PG_SCHEMA`,
 * shared with its sibling instance), talking to the test's sandbox at `SANDBOX_URL`, served by
 * @hono/node-server on 127.0.0.1 and a free port. Reconciler and outbox run for real (real
 * clock): the instances coordinate through the store alone.
 *
 * stdout, one line each (the parent parses them):
 *   `listening <port>`            once the store is ready and the socket is bound
 *   `hook onPaid <id> <key>`      every onPaid call, written synchronously before it returns
 *   `log <level> <json>`          warnings and errors (the parent counts them)
 * `GET /__test/stats` answers `{ resyncs }` (how often the store's LISTEN re-synced).
 * SIGTERM shuts down as the README shows: `checkout.close()` first (new checkouts refused, status
 * streams sent to reconnect elsewhere, notifies in flight finished), then the socket and the
 * store; then exits.
 * Usage: DATABASE_URL=… PG_SCHEMA=… SANDBOX_URL=… INSTANCE=a node --import tsx instance-server.ts
 */
import { writeSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import type { Logger } from '../../src/checkout/app/logger.ts'
import { createPostgresStore } from '../../src/store/postgres.ts'

const env = process.env
const out = (line: string): void => void writeSync(1, `${line}\n`)
const line =
  (level: string) =>
  (message: string, fields?: Record<string, unknown>): void =>
    out(`log ${level} ${JSON.stringify({ message, ...fields })}`)
const logger: Logger = { info: () => undefined, warn: line('warn'), error: line('error') }

const store = createPostgresStore({
  url: env['DATABASE_URL'] as string,
  schema: env['PG_SCHEMA'] as string,
  max: 10,
  onListenerError: (error) => line('warn')('change feed', { error: String(error) }),
})
await store.ready
const checkout = createCheckout({
  hooks: { onPaid: (paid, { idempotencyKey }) => out(`hook onPaid ${paid.id} ${idempotencyKey}`) },
  gateway: {
    // A load run against a sandbox with no quota: the per-merchant gateway budget (400/min,
    // like QFPay) is not what is measured here.
    requestsPerMinute: false,
    environment: 'local',
    appcode: TEST_APPCODE,
    key: TEST_KEY,
    baseUrl: env['SANDBOX_URL'] as string,
    timeoutMs: 5_000,
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
  // The longest QFPay allows: the sandbox runs its clock faster (time scale) for quick notify retries.
  expiresInSeconds: 7200,
  shutdownTimeoutMs: 10_000,
})
checkout.start()

const app = new Hono()
app.route('/qfpay', checkout)
app.get('/__test/stats', (c) => c.json({ resyncs: store.resyncs }))

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  out(`listening ${info.port}`)
})

process.once('SIGTERM', () => {
  const force = setTimeout(() => process.exit(1), 20_000)
  force.unref()
  void checkout
    .close()
    .then(() => {
      ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
      server.close()
      return store.close()
    })
    .then(() => out('closed'))
    .finally(() => process.exit(0))
})
