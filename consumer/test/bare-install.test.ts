/**
 * A project with only `npm i @qfpay-checkout/server hono @hono/node-server`: no better-sqlite3
 * (an optional peer), no msw, install scripts off. The bins run on plain Node, and the missing
 * SQLite driver is a clear start-up error, not a 500 on the first checkout.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { merchantEnv, run, scenarioDir, start, state } from '../src/kit.ts'

const { bare } = state()

test('npx qfpay-sandbox serves the gateway on Node 20+ with no TypeScript loader', async () => {
  const proc = start('npx', ['--no-install', 'qfpay-sandbox', '--port', '0'], bare)
  try {
    const [, baseUrl] = await proc.waitFor(/QFPay sandbox listening on (http:\/\/\S+)/)
    const health = await fetch(`${baseUrl}/__sandbox/health`)
    assert.equal(health.status, 200)
    assert.deepEqual(await health.json(), { status: 'ok' })
    assert.match(proc.output(), /key: +[0-9A-F]{32} \(generated\)/)
  } finally {
    await proc.stop()
  }
})

test('npx qfpay-checkout --help and reconcile --help print their usage', () => {
  const r = run('npx', ['--no-install', 'qfpay-checkout', '--help'], bare)
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /Usage: qfpay-checkout <command>/)
  const reconcile = run('npx', ['--no-install', 'qfpay-checkout', 'reconcile', '--help'], bare)
  assert.equal(reconcile.status, 0, reconcile.out)
  assert.match(reconcile.out, /--date/)
})

test('npx qfpay-checkout doctor --help prints its usage', () => {
  const r = run('npx', ['--no-install', 'qfpay-checkout', 'doctor', '--help'], bare)
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /doctor/)
  assert.match(r.out, /usage/i)
})

test('createCheckout() without better-sqlite3 fails at start-up naming the install command', () => {
  const dir = scenarioDir(bare, 'no-sqlite', {
    'server.mjs': `import { createCheckout } from '@qfpay-checkout/server'
createCheckout({ resolveOrder: async () => ({ amount: 100 }) })
console.log('started')
`,
  })
  const r = run(process.execPath, ['server.mjs'], dir, merchantEnv())
  assert.notEqual(r.status, 0, r.out)
  assert.doesNotMatch(r.out, /started/)
  assert.match(r.out, /better-sqlite3 is not installed/)
  assert.match(r.out, /npm install better-sqlite3/)
})

test('without better-sqlite3, the PostgreSQL store starts and SQLite is never loaded', () => {
  const dir = scenarioDir(bare, 'postgres-store', {
    'server.mjs': `import { createCheckout } from '@qfpay-checkout/server'
import { createPostgresStore } from '@qfpay-checkout/server/stores/postgres'
// Never connected to: /config does not touch the store.
const store = createPostgresStore('postgres://qfpay@127.0.0.1:9/none')
store.ready.catch(() => {})
const app = createCheckout({ resolveOrder: async () => ({ amount: 100 }), store })
const res = await app.request('http://127.0.0.1/config')
console.log('config', res.status)
process.exit(0)
`,
  })
  const r = run(process.execPath, ['server.mjs'], dir, merchantEnv())
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /config 200/)
  assert.doesNotMatch(r.out, /better-sqlite3/)
})
