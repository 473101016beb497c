/**
 * What only several PostgreSQL store instances on one database can show: the change feed
 * crossing instances (and surviving a dropped LISTEN connection), and each race the contract
 * runs inside one instance, run across two. Registered by `postgres.test.ts`.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect } from 'node:net'
import { type TestContext, describe, it } from 'node:test'
import postgres from 'postgres'
import { type PostgresStore, createPostgresStore } from '../../src/store/postgres.ts'
import type { CheckoutChange } from '../../src/store/store.ts'
import { checkoutInput, created, moveTo } from '../../src/testing/store-contract/fixtures.ts'

/** How long a test waits for a change to cross instances before it fails. */
const WAIT_MS = 10_000
const FAR_FUTURE = '2100-01-01T00:00:00.000Z'

/**
 * Record what `store`'s subscribers are told, from now on. `until` resolves with the first
 * recorded change (earlier ones included) that matches, and fails after WAIT_MS: a notification
 * can arrive before the writer's own await returns, so recording must start before the write.
 */
function watch(store: PostgresStore) {
  const seen: CheckoutChange[] = []
  let wake = () => {}
  const stop = store.subscribe((change) => {
    seen.push(change)
    wake()
  })
  const until = (match: (c: CheckoutChange) => boolean) =>
    new Promise<CheckoutChange>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching change within ${WAIT_MS} ms`)),
        WAIT_MS
      )
      ;(wake = () => {
        const found = seen.find(match)
        if (!found) return
        clearTimeout(timer)
        resolve(found)
      })()
    })
  return { until, stop }
}

/** Registers the multi-instance tests. */
export function describePostgresInstances(env: {
  url: string
  admin: postgres.Sql
  freshSchema: () => string
}): void {
  const { url, admin } = env
  /** Two stores (two pools, two LISTEN connections) on one fresh schema, closed after the test. */
  async function pair(t: TestContext): Promise<[PostgresStore, PostgresStore]> {
    const schema = env.freshSchema()
    const a = createPostgresStore({ url, schema, max: 4 })
    const b = createPostgresStore({ url, schema, max: 4 })
    t.after(() => Promise.all([a.close(), b.close()]))
    await Promise.all([a.ready, b.ready])
    return [a, b]
  }

  describe('postgres store across instances', () => {
    it('tells B’s subscribers about a write made on A, with only {id, version}', async (t) => {
      const [a, b] = await pair(t)
      assert.equal(a.channel, b.channel)
      const feed = watch(b)
      const c = await created(a)
      await moveTo(a, c, 'paid')
      assert.deepEqual(await feed.until((x) => x.version === 2), { id: c.id, version: 2 })
      feed.stop()
    })

    it('re-syncs after its LISTEN connection is killed: a write made meanwhile still arrives', async (t) => {
      const schema = env.freshSchema()
      const appName = `qfpay-listen-${process.pid}-${Date.now()}`
      // B's connections go through a gate: while it is closed, B cannot reconnect its LISTEN,
      // so A's write lands in the gap for certain (postgres.js reconnects a killed LISTEN at once).
      let openGate: () => void = () => {}
      let gate: Promise<void> | undefined
      const bSql = postgres(url, {
        max: 2,
        onnotice: () => undefined,
        connection: { application_name: appName },
        socket: async (_options, host, port) => {
          await gate
          const socket = connect(port, host)
          await once(socket, 'connect')
          // A net.Socket is what postgres.js itself opens; its typings describe a narrower shape.
          return socket as unknown as postgres.SocketLike
        },
      })
      const a = createPostgresStore({ url, schema, max: 4 })
      const b = createPostgresStore({ sql: bSql, schema })
      t.after(async () => {
        await Promise.all([a.close(), b.close()])
        await bSql.end({ timeout: 5 })
      })
      await Promise.all([a.ready, b.ready])
      const feed = watch(b)
      t.after(feed.stop)
      const c = await created(a)
      await feed.until((x) => x.id === c.id && x.version === 1)

      const listening = `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'listen%'`
      gate = new Promise((resolve) => (openGate = resolve))
      t.after(() => openGate())
      const killed = await admin.unsafe(
        `SELECT pg_terminate_backend(pid) AS ok FROM (${listening}) l`,
        [appName]
      )
      assert.deepEqual(
        killed.map((r) => r.ok),
        [true],
        'B had exactly one LISTEN connection'
      )
      await moveTo(a, c, 'paid')
      assert.equal(
        (await admin.unsafe(listening, [appName])).length,
        0,
        'the write committed while B was not listening'
      )
      openGate()
      assert.deepEqual(await feed.until((x) => x.id === c.id && x.version === 2), {
        id: c.id,
        version: 2,
      })
      assert.ok(b.resyncs >= 1, 'it came back through a re-sync')

      // And B hears live notifications again afterwards.
      await moveTo(a, (await a.get(c.id))!, 'refunded', { refundedAmount: 100 })
      assert.deepEqual(await feed.until((x) => x.version === 3), { id: c.id, version: 3 })
    })

    it('keeps one pending checkout when creates for one order race on two instances', async (t) => {
      const [a, b] = await pair(t)
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 ? a : b).create(checkoutInput({ order: 'X-RACE' }))
        )
      )
      assert.equal(results.filter((r) => r.kind === 'created').length, 1)
      assert.equal(new Set(results.map((r) => r.checkout.id)).size, 1)
    })

    it('lets one of two transitions from the same version win across instances', async (t) => {
      const [a, b] = await pair(t)
      const c = await created(a)
      const [x, y] = await Promise.all([
        a.transition(c.id, { expectedVersion: 1, status: 'paid' }),
        b.transition(c.id, { expectedVersion: 1, status: 'cancelled' }),
      ])
      assert.equal([x, y].filter((r) => r.ok).length, 1)
      const onStatus = await a.claimDue({ now: FAR_FUTURE, limit: 10, leaseMs: 60_000 })
      assert.equal(
        onStatus.filter((e) => e.topic === 'onStatus').length,
        1,
        'only the winner enqueued'
      )
    })

    it('hands each outbox entry to one instance only (FOR UPDATE SKIP LOCKED)', async (t) => {
      const [a, b] = await pair(t)
      for (let i = 0; i < 12; i++) await moveTo(a, await created(a), 'expired')
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? a : b).claimDue({ now: FAR_FUTURE, limit: 3, leaseMs: 60_000 })
        )
      )
      const ids = claims.flat().map((e) => e.id)
      assert.deepEqual([ids.length, new Set(ids).size], [12, 12])
    })

    it('leases each due check to one instance only', async (t) => {
      const [a, b] = await pair(t)
      for (let i = 0; i < 12; i++) await created(b)
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? a : b).claimChecks({
            now: FAR_FUTURE,
            limit: 3,
            leaseMs: 60_000,
            owner: `i${i % 2}`,
          })
        )
      )
      const ids = claims.flat().map((c) => c.id)
      assert.deepEqual([ids.length, new Set(ids).size], [12, 12])
    })

    it('bounds refunds of one payment by the paid amount across instances', async (t) => {
      const [a, b] = await pair(t)
      const paid = await moveTo(a, await created(a), 'paid')
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? a : b).createRefund({
            checkoutId: paid.id,
            amount: 30,
            outTradeNo: `R-X-${paid.id}-${i}`,
          })
        )
      )
      assert.equal(results.filter((r) => r.ok).length, 3)
      const refunds = await b.listRefunds(paid.id)
      assert.equal(
        refunds.reduce((sum, r) => sum + r.amount, 0),
        90
      )
    })
  })
}
