/**
 * Several instances on PostgreSQL: two checkout server instances (separate processes) on one PostgreSQL
 * database and one sandbox. Checkouts are created on random instances, each followed over SSE on
 * the OTHER instance, paid through the sandbox's control API; the sandbox's notifies land on a
 * random instance each time. Every stream sees its final state and every onPaid runs exactly
 * once across both. The latency figures are printed, never asserted: how fast the relay is
 * belongs to `pnpm bench` (its PostgreSQL burst row), not to a test on a shared machine. A second run restarts PostgreSQL
 * (pg_ctl restart -m fast) in the middle of the payments: nothing final is lost.
 *
 * Needs DATABASE_URL (and PG_CLUSTER_STATE for the restart); `pnpm test` sets both. By hand:
 *   cd packages/server && node ../../scripts/pg-cluster.mjs run -- node --import tsx --test test/multi-instance/multi-instance.test.ts
 * MULTI_INSTANCE_CHECKOUTS / MULTI_INSTANCE_RESTART_CHECKOUTS change the sizes (default 1000 / 200).
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import postgres from 'postgres'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'
import { createSandbox, type Sandbox } from '../../src/sandbox/index.ts'
import {
  type Instance,
  percentile,
  pool,
  StatusStream,
  startInstance,
  waitFor,
  within,
} from './harness.ts'

const url = process.env['DATABASE_URL']
const clusterState = process.env['PG_CLUSTER_STATE']
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1'
const PG_CLUSTER = fileURLToPath(new URL('../../../../scripts/pg-cluster.mjs', import.meta.url))
const CHECKOUTS = Number(process.env['MULTI_INSTANCE_CHECKOUTS'] ?? 1000)
const RESTART_CHECKOUTS = Number(process.env['MULTI_INSTANCE_RESTART_CHECKOUTS'] ?? 200)
/** Payments in flight at once (each one's notify then lands on a random instance). */
const PAY_CONCURRENCY = Number(process.env['MULTI_INSTANCE_PAY_CONCURRENCY'] ?? 8)
/** The sandbox's clock for notify retries and expiry: a 2-minute retry takes 2 s, a 2-hour expiry 2 minutes. */
const TIME_SCALE = 60

/** One checkout as the test drives it. */
interface Tracked {
  id: string
  order: string
  payUrl: string
  createdOn: Instance
  watchedOn: Instance
  stream?: StatusStream
  syssn?: string
  /** performance.now() when the test asked the sandbox to pay it. */
  paidAt?: number
}

/** A line for the report, printed as a test diagnostic and to stdout. */
function report(label: string, fields: Record<string, unknown>): void {
  console.log(`[multi-instance] ${label}: ${JSON.stringify(fields)}`)
}

if (!url && ci) {
  it('has a PostgreSQL server for the multi-instance test (DATABASE_URL)', () => {
    assert.fail('DATABASE_URL is not set under CI=true: run through `pnpm test`, which starts one.')
  })
} else if (!url) {
  it('several instances on PostgreSQL (skipped: set DATABASE_URL, or run `pnpm test`)', {
    skip: 'DATABASE_URL is not set',
  })
} else {
  describe('several checkout instances on one PostgreSQL database', { timeout: 170_000 }, () => {
    const schema = `qfpay_mi${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    const admin = postgres(url, { max: 2, onnotice: () => undefined })
    const instances: Instance[] = []
    const streams: StatusStream[] = []
    let sandbox: Sandbox
    let sandboxServer: ServerType | undefined
    let sandboxUrl = ''
    /** performance.now() of each payment notify's first delivery attempt, by syssn. */
    const notifiedAt = new Map<string, number>()
    /** performance.now() of the first 200 answer to each payment notify, by syssn. */
    const ackedAt = new Map<string, number>()
    /** Notify deliveries (attempts included) per instance name. */
    const notifiesTo = new Map<string, number>()
    /** /trade/v1 calls the sandbox answered, by path. */
    const gatewayCalls = new Map<string, number>()
    let seq = 0

    before(async () => {
      const deliver = (async (input: string | URL | Request, init?: RequestInit) => {
        // The load balancer: every notify (and every retry) goes to a random instance.
        const target = instances[Math.floor(Math.random() * instances.length)]!
        notifiesTo.set(target.name, (notifiesTo.get(target.name) ?? 0) + 1)
        const body = JSON.parse(new TextDecoder().decode(init?.body as Uint8Array)) as {
          syssn?: string
          notify_type?: string
        }
        if (body.syssn && body.notify_type === 'payment' && !notifiedAt.has(body.syssn))
          notifiedAt.set(body.syssn, performance.now())
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname
        const response = await fetch(`${target.base}${path}`, init)
        if (body.syssn && response.status === 200 && !ackedAt.has(body.syssn))
          ackedAt.set(body.syssn, performance.now())
        return response
      }) as typeof fetch
      sandbox = createSandbox({
        appcode: TEST_APPCODE,
        key: TEST_KEY,
        notifyUrl: 'http://load-balancer.invalid/qfpay/notify',
        timeScale: TIME_SCALE,
        fetch: deliver,
      })
      const counted = async (request: Request) => {
        const path = new URL(request.url).pathname
        if (path.startsWith('/trade/')) gatewayCalls.set(path, (gatewayCalls.get(path) ?? 0) + 1)
        return sandbox.fetch(request)
      }
      await new Promise<void>((resolve) => {
        sandboxServer = serve(
          { fetch: counted, hostname: '127.0.0.1', port: 0 },
          (info: AddressInfo) => {
            sandboxUrl = `http://127.0.0.1:${info.port}`
            resolve()
          }
        )
      })
      const env = { DATABASE_URL: url, PG_SCHEMA: schema, SANDBOX_URL: sandboxUrl }
      instances.push(...(await Promise.all([startInstance('a', env), startInstance('b', env)])))
    })

    after(async () => {
      for (const stream of streams) stream.stop()
      await Promise.all(instances.map((i) => i.stop()))
      sandbox?.close()
      if (sandboxServer) {
        ;(sandboxServer as unknown as { closeAllConnections(): void }).closeAllConnections()
        await new Promise((resolve) => sandboxServer!.close(resolve))
      }
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined)
      await admin.end({ timeout: 5 })
    })

    /** Creates `n` checkouts, each on a random instance, and follows each on the other one. */
    async function createAndWatch(n: number, prefix: string): Promise<Tracked[]> {
      const tracked: Tracked[] = []
      const started = performance.now()
      await pool(
        Array.from({ length: n }, (_, i) => i),
        16,
        async () => {
          const pick = Math.floor(Math.random() * 2)
          const [createdOn, watchedOn] = [instances[pick]!, instances[1 - pick]!]
          const order = `${prefix}-${++seq}`
          const res = await fetch(`${createdOn.base}/qfpay/checkouts`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ payType: '800201', order }),
          })
          const body = (await res.json()) as { id: string; payUrl: string }
          assert.equal(res.status, 201, JSON.stringify(body))
          tracked.push({ id: body.id, order, payUrl: body.payUrl, createdOn, watchedOn })
        }
      )
      const created = performance.now()
      for (const t of tracked) {
        t.stream = new StatusStream(t.watchedOn.base, t.id)
        streams.push(t.stream)
      }
      await within(
        Promise.all(tracked.map((t) => t.stream!.opened)),
        30_000,
        'every stream’s first frame'
      )
      const bySyssn = new Map(sandbox.orders().map((o) => [o.qrcode ?? o.pay_url, o.syssn]))
      for (const t of tracked) t.syssn = bySyssn.get(t.payUrl)
      assert.ok(
        tracked.every((t) => t.syssn),
        'every checkout has its sandbox order'
      )
      report(`${prefix} setup`, {
        checkouts: n,
        createMs: Math.round(created - started),
        streamsOpenMs: Math.round(performance.now() - created),
        createdOn: {
          a: tracked.filter((t) => t.createdOn.name === 'a').length,
          b: tracked.filter((t) => t.createdOn.name === 'b').length,
        },
      })
      return tracked
    }

    /** The shopper pays at the sandbox (control API). */
    async function pay(t: Tracked): Promise<void> {
      const res = await fetch(`${sandboxUrl}/__sandbox/orders/${t.syssn}/pay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sandbox.controlToken}` },
      })
      const text = await res.text()
      assert.equal(res.status, 200, text)
    }

    /** Prints what is known about the checkouts whose stream has not ended. */
    async function diagnose(tracked: Tracked[]): Promise<void> {
      const open = tracked.filter((t) => t.stream!.frames.at(-1)?.status === 'pending')
      const rows = await admin.unsafe(
        `SELECT id, status, version FROM "${schema}".checkouts WHERE id = ANY($1)`,
        [open.map((t) => t.id)]
      )
      const db = new Map(rows.map((r) => [r.id as string, `${r.status}@${r.version}`]))
      for (const t of open.slice(0, 10)) {
        const s = t.stream!
        const notify = sandbox.notifies().find((n) => n.syssn === t.syssn)
        report('not final', {
          id: t.id,
          db: db.get(t.id),
          frames: s.frames.map((f) => `${f.status}@${f.version}`),
          reconnects: s.reconnects,
          failures: s.failures,
          notify: notify && {
            state: notify.state,
            attempts: notify.attempts.map((a) => a.status ?? a.error),
          },
        })
      }
      const stats = await Promise.all(
        instances.map((i) => i.stats().catch((e: unknown) => String(e)))
      )
      report('diagnosis', {
        open: open.length,
        stats,
        logs: Object.fromEntries(
          instances.flatMap((i) => [...i.logs].map(([k, v]) => [`${i.name} ${k}`, v]))
        ),
      })
      for (const i of instances)
        console.log(`[multi-instance] ${i.name} tail:\n${i.tail.slice(-15).join('\n')}`)
    }

    /** Stream frames never repeat or go back, across reconnects. */
    function assertMonotonic(t: Tracked): void {
      const versions = t.stream!.frames.map((f) => f.version)
      for (let i = 1; i < versions.length; i++)
        assert.ok(versions[i]! > versions[i - 1]!, `stream of ${t.id} went ${versions.join(',')}`)
    }

    /** Every checkout is paid in the database, and its onPaid ran exactly once over both instances. */
    async function assertPaidOnce(
      tracked: Tracked[],
      waitMs: number
    ): Promise<{ onPaidCalls: number; byInstance: Record<string, number> }> {
      const ids = tracked.map((t) => t.id)
      const rows = await admin.unsafe(
        `SELECT status, count(*)::int AS n FROM "${schema}".checkouts WHERE id = ANY($1) GROUP BY status`,
        [ids]
      )
      assert.deepEqual(
        rows.map((r) => [r.status, r.n]),
        [['paid', tracked.length]],
        'the store has every checkout paid'
      )
      const calls = (id: string) => instances.reduce((sum, i) => sum + (i.onPaid.get(id) ?? 0), 0)
      await waitFor('every onPaid hook', () => ids.every((id) => calls(id) >= 1), waitMs)
      // An entry is marked completed in a write after its hook resolved: wait for that write.
      const pendingHooks = async () => {
        const [row] = await admin.unsafe(
          `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE topic = 'onPaid' AND completed_at IS NULL AND checkout_id = ANY($1)`,
          [ids]
        )
        return row?.n as number
      }
      await waitFor(
        'every onPaid entry completed',
        async () => (await pendingHooks()) === 0,
        waitMs
      )
      assert.equal(await pendingHooks(), 0, 'every onPaid entry is completed')
      // A second delivery would come right after the first (the lease is per claim): give it time to show.
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      const doubled = ids.filter((id) => calls(id) !== 1)
      assert.deepEqual(doubled, [], 'onPaid ran exactly once per checkout')
      const byInstance = Object.fromEntries(
        instances.map((i) => [i.name, ids.filter((id) => i.onPaid.has(id)).length])
      )
      return { onPaidCalls: ids.reduce((sum, id) => sum + calls(id), 0), byInstance }
    }

    it(`relays ${CHECKOUTS} payments across instances: every stream ends paid, onPaid once`, async () => {
      const runStarted = performance.now()
      const tracked = await createAndWatch(CHECKOUTS, 'MI')
      const paying = performance.now()
      // Closed loop: each payer waits for its checkout's final frame before paying the next, so
      // PAY_CONCURRENCY payments are in flight end to end and latency measures the relay, not a backlog.
      await pool(tracked, PAY_CONCURRENCY, async (t) => {
        await pay(t)
        await within(t.stream!.final, 20_000, `the final frame of ${t.id}`)
      })
      const paid = performance.now()
      await within(
        Promise.all(tracked.map((t) => t.stream!.final)),
        30_000,
        'every stream’s final frame'
      )
      const relayed = performance.now()

      const latencies: number[] = []
      /** notify sent → notify acknowledged (the instance committed the payment). */
      const ackLatencies: number[] = []
      let reconcilerFirst = 0
      for (const t of tracked) {
        assertMonotonic(t)
        const final = t.stream!.frames.at(-1)!
        assert.equal(final.status, 'paid', `stream of ${t.id}`)
        const sent = notifiedAt.get(t.syssn!)
        assert.ok(sent !== undefined, `the sandbox notified ${t.syssn}`)
        // The reconciler may confirm a payment before its notify goes out; that frame took 0 ms "after" it.
        if (final.at < sent) reconcilerFirst += 1
        latencies.push(Math.max(0, final.at - sent))
        const acked = ackedAt.get(t.syssn!)
        if (acked !== undefined) ackLatencies.push(acked - sent)
      }
      const hooks = await assertPaidOnce(tracked, 20_000)
      const stats = await Promise.all(instances.map((i) => i.stats()))
      const figures = {
        checkouts: CHECKOUTS,
        p50Ms: Math.round(percentile(latencies, 50)),
        p99Ms: Math.round(percentile(latencies, 99)),
        maxMs: Math.round(Math.max(...latencies)),
        notifyAckP50Ms: Math.round(percentile(ackLatencies, 50)),
        notifyAckP99Ms: Math.round(percentile(ackLatencies, 99)),
        payingMs: Math.round(paid - paying),
        lastFrameAfterLastPayMs: Math.round(relayed - paid),
        framesBeforeNotify: reconcilerFirst,
        reconnects: tracked.reduce((sum, t) => sum + t.stream!.reconnects, 0),
        notifiesTo: Object.fromEntries(notifiesTo),
        gatewayCalls: Object.fromEntries(gatewayCalls),
        ...hooks,
        resyncs: stats.map((s) => s.resyncs),
        totalMs: Math.round(performance.now() - runStarted),
      }
      report('relay', figures)
      assert.equal(figures.reconnects, 0, 'no stream had to reconnect')
      assert.ok(
        instances.every((i) => (notifiesTo.get(i.name) ?? 0) > 0 && hooks.byInstance[i.name]! > 0),
        'both instances took notifies and ran hooks'
      )
    })

    it(
      `loses no final state when PostgreSQL restarts in the middle of ${RESTART_CHECKOUTS} payments`,
      {
        skip: clusterState
          ? false
          : 'PG_CLUSTER_STATE is not set (run through `pnpm test` or pg-cluster.mjs run)',
      },
      async () => {
        const runStarted = performance.now()
        const tracked = await createAndWatch(RESTART_CHECKOUTS, 'MR')
        const restartAfter = Math.floor(tracked.length / 3)
        let restart: Promise<number> | undefined
        const restartAt: { start?: number; end?: number } = {}
        await pool(tracked, 4, async (t, i) => {
          if (i === restartAfter) {
            restartAt.start = performance.now()
            restart = new Promise((resolve, reject) => {
              const child = spawn(
                process.execPath,
                [PG_CLUSTER, 'restart', '--state', clusterState!],
                { stdio: ['ignore', 'ignore', 'pipe'] }
              )
              let err = ''
              child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
              child.once('error', reject)
              child.once('exit', (code) => {
                restartAt.end = performance.now()
                code === 0
                  ? resolve(code)
                  : reject(new Error(`pg-cluster restart failed (${code}): ${err}`))
              })
            })
          }
          t.paidAt = performance.now()
          await pay(t)
          // Spread the payments over a few seconds, so some land before, during and after the restart.
          await new Promise((resolve) => setTimeout(resolve, 60))
        })
        assert.ok(restart, 'the restart was started')
        await restart
        const paidAll = performance.now()
        await within(
          Promise.all(tracked.map((t) => t.stream!.final)),
          45_000,
          'every stream’s final frame after the restart'
        ).catch(async (error: unknown) => {
          await diagnose(tracked)
          throw error
        })
        const relayed = performance.now()
        for (const t of tracked) {
          assertMonotonic(t)
          assert.equal(t.stream!.frames.at(-1)!.status, 'paid', `stream of ${t.id}`)
        }
        const hooks = await assertPaidOnce(tracked, 30_000)
        const stats = await Promise.all(instances.map((i) => i.stats()))
        const notifies = sandbox.notifies().filter((n) => tracked.some((t) => t.syssn === n.syssn))
        const payToFinal = tracked
          .map((t) => ({ t, ms: t.stream!.frames.at(-1)!.at - t.paidAt! }))
          .sort((x, y) => y.ms - x.ms)
        for (const { t, ms } of payToFinal.slice(0, 3)) {
          const n = notifies.find((x) => x.syssn === t.syssn)
          report('slowest', {
            ms: Math.round(ms),
            frames: t.stream!.frames.map((f) => `${f.status}@${f.version}`),
            reconnects: t.stream!.reconnects,
            notify: n && n.attempts.map((a) => `${a.at.slice(11, 23)} ${a.status ?? a.error}`),
          })
        }
        const logs = Object.fromEntries(
          instances.flatMap((i) => [...i.logs].map(([k, v]) => [`${i.name} ${k}`, v]))
        )
        report('restart', {
          checkouts: RESTART_CHECKOUTS,
          restartMs: Math.round(restartAt.end! - restartAt.start!),
          payToFinalP50Ms: Math.round(
            percentile(
              payToFinal.map((x) => x.ms),
              50
            )
          ),
          payToFinalMaxMs: Math.round(payToFinal[0]!.ms),
          finalAfterLastPayMs: Math.round(relayed - paidAll),
          streamsReconnected: tracked.filter((t) => t.stream!.reconnects > 0).length,
          reconnects: tracked.reduce((sum, t) => sum + t.stream!.reconnects, 0),
          notifyAttempts: notifies.reduce((sum, n) => sum + n.attempts.length, 0),
          notifiesRetried: notifies.filter((n) => n.attempts.length > 1).length,
          ...hooks,
          resyncs: stats.map((s) => s.resyncs),
          logs,
          totalMs: Math.round(performance.now() - runStarted),
        })
        assert.ok(
          stats.every((s) => s.resyncs >= 1),
          'each instance re-synced its LISTEN after the restart'
        )
      }
    )
  })
}
