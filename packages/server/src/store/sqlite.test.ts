import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, beforeEach, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { MIGRATIONS, createSqliteStore } from './sqlite.ts'
import { describeStoreContract } from '../testing/store-contract/store-contract.ts'
import { checkoutInput } from '../testing/store-contract/fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'qfpay-store-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const freshFile = () => join(dir, `store-${++files}.sqlite`)

describeStoreContract(
  'sqlite store (file)',
  async (options) => createSqliteStore({ ...options, filename: freshFile() }),
  { describe, it, beforeEach, afterEach }
)

describe('sqlite store on disk', () => {
  it('opens the file in WAL mode at the current schema version', async () => {
    const filename = freshFile()
    await createSqliteStore({ filename }).close()
    const db = new Database(filename, { readonly: true })
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal')
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length)
    db.close()
  })

  it('keeps checkouts, refunds and pending outbox entries across close and reopen', async () => {
    const filename = freshFile()
    const first = createSqliteStore({ filename })
    const { checkout } = await first.create(checkoutInput({ order: 'KEEP' }))
    const paid = await first.transition(checkout.id, {
      expectedVersion: 1,
      status: 'paid',
      syssn: 'S-KEEP',
    })
    assert.ok(paid.ok)
    const refund = await first.createRefund({
      checkoutId: checkout.id,
      amount: 10,
      outTradeNo: 'R-KEEP',
    })
    assert.ok(refund.ok)
    await first.close()

    const second = createSqliteStore({ filename })
    assert.deepEqual(await second.get(checkout.id), paid.checkout)
    assert.deepEqual(await second.listRefunds(checkout.id), [refund.refund])
    const due = await second.claimDue({ now: '2100-01-01T00:00:00Z', limit: 10, leaseMs: 1000 })
    assert.deepEqual(due.map((e) => e.topic).sort(), ['onPaid', 'onStatus'])
    await second.close()
  })

  it('never gives one outbox entry to two stores open on the same file', async () => {
    const filename = freshFile()
    const [a, b] = [createSqliteStore({ filename }), createSqliteStore({ filename })]
    for (let i = 0; i < 6; i++) {
      const { checkout } = await a.create(checkoutInput())
      assert.ok((await b.transition(checkout.id, { expectedVersion: 1, status: 'expired' })).ok)
    }
    const now = '2100-01-01T00:00:00.000Z'
    const claims = await Promise.all([
      a.claimDue({ now: now, limit: 4, leaseMs: 60_000 }),
      b.claimDue({ now: now, limit: 4, leaseMs: 60_000 }),
      a.claimDue({ now: now, limit: 4, leaseMs: 60_000 }),
    ])
    const ids = claims.flat().map((e) => e.id)
    assert.deepEqual([ids.length, new Set(ids).size], [6, 6])
    await Promise.all([a.close(), b.close()])
  })

  it('refuses a file whose schema is newer than this release', async () => {
    const filename = freshFile()
    const db = new Database(filename)
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`)
    db.close()
    assert.throws(() => createSqliteStore({ filename }), { code: 'schema_too_new' })
  })

  it('refuses calls after close with a closed fault', async () => {
    const store = createSqliteStore({ filename: ':memory:' })
    await store.close()
    await assert.rejects(store.get('x'), { code: 'closed' })
  })

  it('commits the writes of one tick together, rejecting a failing one alone', async () => {
    const filename = freshFile()
    const store = createSqliteStore({ filename })
    // Same tick: one group commit. The duplicate out_trade_no fails in its own savepoint.
    const [a, b, dup] = await Promise.allSettled([
      store.create(checkoutInput({ order: 'G1', outTradeNo: 'G-1' })),
      store.create(checkoutInput({ order: 'G2', outTradeNo: 'G-2' })),
      store.create(checkoutInput({ order: 'G3', outTradeNo: 'G-1' })),
    ])
    assert.equal(a.status, 'fulfilled')
    assert.equal(b.status, 'fulfilled')
    assert.equal(dup.status, 'rejected')
    assert.equal((dup as PromiseRejectedResult).reason.code, 'unique_violation')
    const id = (a as PromiseFulfilledResult<Awaited<ReturnType<typeof store.create>>>).value
      .checkout.id
    // Two compare-and-sets on one version in one tick: exactly one wins.
    const moves = await Promise.all([
      store.transition(id, { expectedVersion: 1, status: 'paid', syssn: 'S-G1' }),
      store.transition(id, { expectedVersion: 1, status: 'cancelled' }),
    ])
    assert.deepEqual(
      moves.map((m) => m.ok),
      [true, false]
    )
    await store.close()
    const reopened = createSqliteStore({ filename })
    assert.equal((await reopened.getByOutTradeNo('G-1'))?.status, 'paid')
    assert.equal((await reopened.getByOutTradeNo('G-2'))?.status, 'pending')
    assert.equal((await reopened.listPendingByOrder('G3')).length, 0)
    await reopened.close()
  })

  it('commits writes still queued when it closes', async () => {
    const filename = freshFile()
    const store = createSqliteStore({ filename })
    const created = store.create(checkoutInput({ order: 'QC', outTradeNo: 'Q-C' }))
    await store.close()
    assert.equal((await created).kind, 'created')
    const reopened = createSqliteStore({ filename })
    assert.equal((await reopened.getByOutTradeNo('Q-C'))?.status, 'pending')
    await reopened.close()
  })
})
