import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { maskUrl, openDemoStore } from './open-store.ts'

/** Nothing listens on port 1: the store opens at once and fails only when used. */
const NOWHERE = 'postgres://shop:s3cret@127.0.0.1:1/shop'

it('uses a fresh temporary SQLite file by default, and deletes it on close', async () => {
  const opened = openDemoStore({})
  assert.deepEqual([opened.kind, opened.temporary], ['sqlite', true])
  assert.ok(existsSync(opened.path))
  await opened.close()
  assert.equal(existsSync(opened.path), false)
})

it('creates the temporary store readable by its owner only (0600)', async () => {
  const opened = openDemoStore({})
  try {
    await opened.store.list({ limit: 1 })
    assert.equal(statSync(opened.path).mode & 0o777, 0o600)
  } finally {
    await opened.close()
  }
})

it('removes the temporary store when the process exits without closing it (a stop that timed out)', () => {
  // A child opens the store, writes to it, prints its path and exits at once, as the CLI's
  // SIGTERM handler does when stopping takes too long.
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { openDemoStore } = await import(${JSON.stringify(new URL('./open-store.ts', import.meta.url).href)})
       const opened = openDemoStore({})
       await opened.store.list({ limit: 1 })
       console.log(opened.path)
       process.exit(0)`,
    ],
    { encoding: 'utf8' }
  )
  assert.equal(child.status, 0, child.stderr)
  const path = child.stdout.trim()
  assert.match(path, /\.sqlite$/)
  assert.equal(existsSync(path), false)
  assert.equal(existsSync(`${path}-wal`), false)
})

it('keeps the SQLite file QFPAY_STORE names, even when DATABASE_URL is a PostgreSQL URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qfpay-demo-store-'))
  try {
    const path = join(dir, 'demo.sqlite')
    const opened = openDemoStore({ QFPAY_STORE: path, DATABASE_URL: NOWHERE })
    assert.deepEqual([opened.kind, opened.path, opened.temporary], ['sqlite', path, false])
    await opened.close()
    assert.ok(existsSync(path))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it('opens PostgreSQL for a postgres:// or postgresql:// URL in DATABASE_URL or QFPAY_STORE, never showing the password', async () => {
  for (const env of [
    { DATABASE_URL: NOWHERE },
    { QFPAY_STORE: NOWHERE.replace('postgres:', 'postgresql:') },
  ]) {
    const opened = openDemoStore(env)
    assert.equal(opened.kind, 'postgres')
    assert.equal(opened.temporary, false)
    assert.doesNotMatch(opened.path, /s3cret/)
    assert.match(opened.path, /^postgres(ql)?:\/\/shop:\*\*\*@127\.0\.0\.1:1\/shop$/)
    await opened.close()
  }
})

it('refuses a DATABASE_URL that is not a PostgreSQL URL', () => {
  assert.throws(
    () => openDemoStore({ DATABASE_URL: 'mysql://shop@127.0.0.1/shop' }),
    /not a postgres:\/\/ or postgresql:\/\/ URL/
  )
})

it('masks only the password', () => {
  assert.equal(maskUrl('postgres://u@h:5432/d'), 'postgres://u@h:5432/d')
  assert.equal(
    maskUrl('postgres://u:p@h/d?sslmode=require'),
    'postgres://u:***@h/d?sslmode=require'
  )
})

// `pnpm test` always provides a throwaway cluster; under CI a missing one is a failure, not a skip.
const databaseUrl = process.env['DATABASE_URL']
const skipWithoutDatabase = databaseUrl || process.env['CI'] ? false : 'DATABASE_URL is not set'

it(
  'runs against a real PostgreSQL when DATABASE_URL is set',
  { skip: skipWithoutDatabase },
  async () => {
    assert.ok(databaseUrl, 'DATABASE_URL must name a PostgreSQL database when CI is set')
    const opened = openDemoStore({ DATABASE_URL: databaseUrl })
    try {
      await (opened.store as { ready?: Promise<void> }).ready
      assert.deepEqual(
        await opened.store.list({ limit: 1 }).then((rows) => Array.isArray(rows)),
        true
      )
    } finally {
      await opened.close()
    }
  }
)
