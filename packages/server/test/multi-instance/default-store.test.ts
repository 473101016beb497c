/**
 * `createCheckout()` without a `store`: `QFPAY_STORE` holding a postgres:// URL opens the
 * PostgreSQL store; `DATABASE_URL` alone does not (it usually names the merchant's own database).
 * Needs DATABASE_URL; `pnpm test` sets it.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import postgres from 'postgres'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'
import { DEFAULT_SCHEMA } from '../../src/store/postgres.ts'
import { createSqliteStore } from '../../src/store/sqlite.ts'

const url = process.env['DATABASE_URL']
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1'
const base = {
  resolveOrder: () => ({ amount: 1000 }),
  gateway: { environment: 'local' as const, appcode: TEST_APPCODE, key: TEST_KEY },
  logger: silentLogger,
  reconciler: { enabled: false },
}

/** Runs `fn` with QFPAY_STORE set to `value`, then puts it back. */
async function withStoreEnv(value: string, fn: () => Promise<void>): Promise<void> {
  const before = process.env['QFPAY_STORE']
  process.env['QFPAY_STORE'] = value
  try {
    await fn()
  } finally {
    if (before === undefined) delete process.env['QFPAY_STORE']
    else process.env['QFPAY_STORE'] = before
  }
}

if (!url && ci) {
  it('has a PostgreSQL server for the default-store test (DATABASE_URL)', () => {
    assert.fail('DATABASE_URL is not set under CI=true: run through `pnpm test`, which starts one.')
  })
} else if (!url) {
  it('default store on PostgreSQL (skipped: set DATABASE_URL)', { skip: 'DATABASE_URL is not set' })
} else {
  it('opens the PostgreSQL store when QFPAY_STORE is a postgres:// URL, and closes it with the app', async () => {
    const admin = postgres(url, { max: 1, onnotice: () => undefined })
    const existed =
      (await admin`SELECT 1 FROM pg_namespace WHERE nspname = ${DEFAULT_SCHEMA}`).length > 0
    try {
      await withStoreEnv(` ${url} `, async () => {
        const app = createCheckout(base)
        const store = app.store
        const res = await app.request('/checkouts', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ payType: '800201', order: `DEFAULT-${process.pid}` }),
        })
        assert.equal(res.status, 201)
        const { id } = (await res.json()) as { id: string }
        const [row] = await admin.unsafe(
          `SELECT status FROM "${DEFAULT_SCHEMA}".checkouts WHERE id = $1`,
          [id]
        )
        assert.equal(row?.status, 'pending')
        await app.close()
        await assert.rejects(store.get(id), { code: 'closed' })
      })
    } finally {
      if (!existed) await admin.unsafe(`DROP SCHEMA IF EXISTS "${DEFAULT_SCHEMA}" CASCADE`)
      await admin.end({ timeout: 5 })
    }
  })

  it('stays on SQLite when only DATABASE_URL is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qfpay-default-store-'))
    try {
      const file = join(dir, 'checkout.db')
      await withStoreEnv(file, async () => {
        const app = createCheckout(base)
        const res = await app.request('/checkouts', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ payType: '800201', order: `SQLITE-${process.pid}` }),
        })
        assert.equal(res.status, 201)
        const { id } = (await res.json()) as { id: string }
        await app.close()
        const sqlite = createSqliteStore({ filename: file })
        assert.equal((await sqlite.get(id))?.status, 'pending')
        await sqlite.close()
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
}
