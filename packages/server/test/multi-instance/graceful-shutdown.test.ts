/**
 * Graceful shutdown across two checkout instances (separate processes) on one PostgreSQL
 * database: SIGTERM reaches instance A while 200 payments are in flight, and nothing is lost.
 *
 * The order is forced, not hoped for: every `/query` the instances send waits at a gate, so no
 * checkout can become paid before the test says so. Then:
 * 1. 200 checkouts are created on A and followed over SSE through a "load balancer" that picks A;
 * 2. the shopper pays all 200 at the sandbox; the first 100 notifies go to A and wait inside it
 *    (their confirming `/query` is held), the other 100 are held at the load balancer;
 * 3. SIGTERM to A; the load balancer now sends everything to B. A refuses new checkouts (503),
 *    tells every stream to reconnect, and the streams come back on B;
 * 4. the gates open: A finishes its 100 notifies and exits, B takes the rest.
 * Every stream ends `paid` with its final frame from B, the store has all 200 paid, and onPaid
 * ran exactly once per checkout over both instances.
 *
 * Needs DATABASE_URL; `pnpm test` sets it. By hand:
 *   cd packages/server && node ../../scripts/pg-cluster.mjs run -- node --import tsx --test test/multi-instance/graceful-shutdown.test.ts
 */
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { serve, type ServerType } from '@hono/node-server'
import postgres from 'postgres'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'
import { createSandbox, type Sandbox } from '../../src/sandbox/index.ts'
import { type Instance, pool, StatusStream, startInstance, waitFor, within } from './harness.ts'

const url = process.env['DATABASE_URL']
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1'
const CHECKOUTS = 200
/** Notifies A receives before its SIGTERM (the in-flight ones). */
const TO_A = 100

/** A promise with its resolve, for the gates. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

if (!url && ci) {
  it('has a PostgreSQL server for the graceful-shutdown test (DATABASE_URL)', () => {
    assert.fail('DATABASE_URL is not set under CI=true: run through `pnpm test`, which starts one.')
  })
} else if (!url) {
  it('graceful shutdown on PostgreSQL (skipped: set DATABASE_URL, or run `pnpm test`)', {
    skip: 'DATABASE_URL is not set',
  })
} else {
  describe('SIGTERM to one of two instances on PostgreSQL', { timeout: 120_000 }, () => {
    const schema = `qfpay_gs${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    const admin = postgres(url, { max: 2, onnotice: () => undefined })
    const queries = gate()
    const laterNotifies = gate()
    const streams: StatusStream[] = []
    let a: Instance
    let b: Instance
    let aDown = false
    let sandbox: Sandbox
    let sandboxServer: ServerType | undefined
    let sandboxUrl = ''
    let notifiesToA = 0
    let heldQueries = 0

    before(async () => {
      // The load balancer for notifies: the first TO_A go to A, the rest wait for the SIGTERM and
      // then go to whichever instance is up.
      let deliveries = 0
      const deliver = (async (input: string | URL | Request, init?: RequestInit) => {
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname
        if (deliveries++ < TO_A && !aDown) {
          notifiesToA++
          return fetch(`${a.base}${path}`, init)
        }
        await laterNotifies.opened
        return fetch(`${(aDown ? b : a).base}${path}`, init)
      }) as typeof fetch
      sandbox = createSandbox({
        appcode: TEST_APPCODE,
        key: TEST_KEY,
        notifyUrl: 'http://load-balancer.invalid/qfpay/notify',
        timeScale: 60,
        fetch: deliver,
      })
      const gated = async (request: Request) => {
        if (new URL(request.url).pathname === '/trade/v1/query') {
          heldQueries++
          await queries.opened
        }
        return sandbox.fetch(request)
      }
      await new Promise<void>((resolve) => {
        sandboxServer = serve(
          { fetch: gated, hostname: '127.0.0.1', port: 0 },
          (info: AddressInfo) => {
            sandboxUrl = `http://127.0.0.1:${info.port}`
            resolve()
          }
        )
      })
      const env = { DATABASE_URL: url, PG_SCHEMA: schema, SANDBOX_URL: sandboxUrl }
      ;[a, b] = await Promise.all([startInstance('a', env), startInstance('b', env)])
    })

    after(async () => {
      queries.open()
      laterNotifies.open()
      for (const stream of streams) stream.stop()
      await Promise.all([a, b].filter(Boolean).map((i) => i.stop()))
      sandbox?.close()
      if (sandboxServer) {
        ;(sandboxServer as unknown as { closeAllConnections(): void }).closeAllConnections()
        await new Promise((resolve) => sandboxServer!.close(resolve))
      }
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined)
      await admin.end({ timeout: 5 })
    })

    it(`loses none of ${CHECKOUTS} in-flight payments, and every stream ends paid on the other instance`, async () => {
      // 1. Create on A, follow through the load balancer (A while it is up).
      const tracked: { id: string; payUrl: string; stream?: StatusStream; syssn?: string }[] = []
      await pool(
        Array.from({ length: CHECKOUTS }, (_, i) => i),
        8,
        async (i) => {
          const res = await fetch(`${a.base}/qfpay/checkouts`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ payType: '800201', order: `gs-${i}` }),
          })
          const body = (await res.json()) as { id: string; payUrl: string }
          assert.equal(res.status, 201, JSON.stringify(body))
          tracked.push(body)
        }
      )
      for (const t of tracked) {
        t.stream = new StatusStream(() => (aDown ? b : a).base, t.id)
        streams.push(t.stream)
      }
      await within(Promise.all(tracked.map((t) => t.stream!.opened)), 30_000, 'streams open')
      assert.ok(tracked.every((t) => t.stream!.connectedTo === a.base))
      const bySyssn = new Map(sandbox.orders().map((o) => [o.qrcode ?? o.pay_url, o.syssn]))
      for (const t of tracked) t.syssn = bySyssn.get(t.payUrl)

      // 2. Pay all; A gets the first notifies, and each waits inside A on its /query.
      for (const t of tracked) sandbox.pay(t.syssn as string)
      const notified = sandbox.drain()
      await waitFor(`${TO_A} notifies held inside A`, () => heldQueries >= TO_A, 30_000)
      assert.equal(notifiesToA, TO_A)

      // 3. SIGTERM to A. From now on the load balancer picks B.
      const exited = new Promise<number | null>((resolve) => a.child.once('exit', resolve))
      aDown = true
      a.child.kill('SIGTERM')
      await waitFor(
        'every stream reconnected to B',
        () => tracked.every((t) => t.stream!.connectedTo === b.base),
        20_000
      )
      const refused = await fetch(`${a.base}/qfpay/checkouts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ payType: '800201', order: 'gs-late' }),
      })
      assert.equal(refused.status, 503)
      assert.equal(
        ((await refused.json()) as { error: { code: string } }).error.code,
        'unavailable'
      )
      assert.ok(tracked.every((t) => t.stream!.frames.every((f) => f.status === 'pending')))

      // 4. Let the gateway answer and the held notifies go.
      queries.open()
      laterNotifies.open()
      assert.equal(await within(exited, 20_000, 'A to exit'), 0, a.tail.join('\n'))
      const finals = await within(
        Promise.all(tracked.map((t) => t.stream!.final)),
        60_000,
        'every stream final'
      )
      assert.deepEqual(
        finals.filter((f) => f.status !== 'paid' || f.from !== b.base),
        [],
        'every stream ended paid, on B'
      )
      await notified
      const [row] = await admin.unsafe(
        `SELECT count(*)::int AS n FROM "${schema}".checkouts WHERE status = 'paid' AND id = ANY($1)`,
        [tracked.map((t) => t.id)]
      )
      assert.equal(row?.n, CHECKOUTS, 'the store has every checkout paid')
      const calls = (id: string) => (a.onPaid.get(id) ?? 0) + (b.onPaid.get(id) ?? 0)
      await waitFor('every onPaid', () => tracked.every((t) => calls(t.id) >= 1), 30_000)
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      assert.deepEqual(
        tracked.filter((t) => calls(t.id) !== 1).map((t) => t.id),
        [],
        'onPaid ran exactly once per checkout'
      )
      console.log(
        `[graceful-shutdown] ${JSON.stringify({
          checkouts: CHECKOUTS,
          notifiesHeldInA: notifiesToA,
          onPaidOnA: a.onPaidCalls,
          onPaidOnB: b.onPaidCalls,
          reconnects: tracked.reduce((n, t) => n + t.stream!.reconnects, 0),
        })}`
      )
    })
  })
}
