/**
 * The PostgreSQL store against a real server: the shared contract (a fresh schema per test),
 * then what only several instances on one database can show. `pnpm test` starts a throwaway
 * cluster (scripts/pg-cluster.mjs) and passes DATABASE_URL; by hand:
 *   cd packages/server && node ../../scripts/pg-cluster.mjs run -- node --import tsx --test src/store/postgres.test.ts
 */
import assert from 'node:assert/strict'
import { after, afterEach, beforeEach, describe, it } from 'node:test'
import postgres from 'postgres'
import { describePostgresInstances } from '../../test/support/postgres-instances-suite.ts'
import { PG_MIGRATIONS, type PostgresStoreOptions, createPostgresStore } from './postgres.ts'
import { describeStoreContract } from '../testing/store-contract/store-contract.ts'

const url = process.env.DATABASE_URL
const ci = process.env.CI === 'true' || process.env.CI === '1'

if (!url && ci) {
  // CI must never pass by skipping: no database is a failure there.
  it('has a PostgreSQL server to test against (DATABASE_URL)', () => {
    assert.fail('DATABASE_URL is not set under CI=true: run through `pnpm test`, which starts one.')
  })
} else if (!url) {
  it('postgres store (skipped: set DATABASE_URL, or run `pnpm test`, which starts a cluster)', {
    skip: 'DATABASE_URL is not set',
  })
} else {
  const admin = postgres(url, { max: 2, onnotice: () => undefined })
  const schemas: string[] = []
  let n = 0
  /** A schema name unique to this run and call, dropped after the file. */
  const freshSchema = () => {
    const name = `qfpay_t${process.pid}_${++n}_${Math.random().toString(36).slice(2, 8)}`
    schemas.push(name)
    return name
  }
  const open = async (options: Partial<PostgresStoreOptions> = {}) => {
    const store = createPostgresStore({ url, schema: freshSchema(), max: 4, ...options })
    await store.ready
    return store
  }
  after(async () => {
    for (const schema of schemas) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end({ timeout: 5 })
  })

  describeStoreContract('postgres store', (options) => open(options), {
    describe,
    it,
    beforeEach,
    afterEach,
  })

  describe('postgres store schema', () => {
    it('records its migrations, and instances opening one schema together apply them once', async () => {
      const schema = freshSchema()
      const stores = Array.from({ length: 4 }, () => createPostgresStore({ url, schema, max: 2 }))
      await Promise.all(stores.map((s) => s.ready))
      const rows = await admin.unsafe(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`
      )
      assert.deepEqual(
        rows.map((r) => r.version),
        PG_MIGRATIONS.map((_, i) => i + 1)
      )
      await Promise.all(stores.map((s) => s.close()))
    })

    it('refuses a schema newer than this release', async () => {
      const schema = freshSchema()
      await (await open({ schema })).close()
      await admin.unsafe(`INSERT INTO "${schema}".schema_migrations (version) VALUES ($1)`, [
        PG_MIGRATIONS.length + 1,
      ])
      const store = createPostgresStore({ url, schema })
      await assert.rejects(store.ready, { code: 'schema_too_new' })
      await assert.rejects(store.get('x'), { code: 'schema_too_new' })
      await store.close()
    })

    it('uses a given sql as is and leaves it open on close', async () => {
      const sql = postgres(url, { max: 2, onnotice: () => undefined })
      const store = createPostgresStore({ sql, schema: freshSchema() })
      const c = await store.create({
        order: 'GIVEN',
        payType: '800201',
        flow: 'qr',
        amount: 100,
        currency: 'HKD',
        outTradeNo: `P-GIVEN-${Date.now()}`,
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      })
      await store.close()
      await assert.rejects(store.get(c.checkout.id), { code: 'closed' })
      const [row] = await sql`SELECT 1 AS one`
      assert.equal(row?.one, 1)
      await sql.end({ timeout: 5 })
    })

    it('refuses a bad schema name and a missing url', () => {
      assert.throws(() => createPostgresStore({ url, schema: 'Robert"; DROP' }), TypeError)
      assert.throws(() => createPostgresStore({}), TypeError)
    })

    it('keeps a rejected notify body byte for byte, NUL included', async () => {
      const store = await open()
      const rawBody = 'junk\u0000body \u00e9\u4e2d'
      const { record } = await store.recordNotify({
        notifyType: 'pay\u0000ment',
        accepted: false,
        reason: 'unparseable_body',
        rawBody,
        receivedAt: new Date().toISOString(),
      })
      assert.equal(record.rawBody, rawBody)
      assert.equal((await store.listRejectedNotifies())[0]?.rawBody, rawBody)
      await store.close()
    })
  })

  describePostgresInstances({ url, admin, freshSchema })
}
