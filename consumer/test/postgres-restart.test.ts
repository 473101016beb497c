/**
 * The PostgreSQL store as installed from the tarball (with the postgres.js version its
 * package.json pulls from the registry) survives a database restart under load: a merchant
 * process keeps creating checkouts while PostgreSQL is restarted (`pg_ctl restart -m fast`, every
 * connection killed mid-query), stays alive, and creates checkouts again afterwards. postgres.js
 * 3.4.x could throw from a deferred write at that moment and end the process.
 *
 * Needs DATABASE_URL and PG_CLUSTER_STATE (`pnpm test` sets both).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { merchantEnv, mustRun, ROOT, scenarioDir, start, state } from '../src/kit.ts'

const { app } = state()
const url = process.env['DATABASE_URL']
const clusterState = process.env['PG_CLUSTER_STATE']

/** Creates checkouts 8 at a time, forever, printing `ok <n>` / `failed <n>` as it goes. */
const LOAD = `import { createCheckout } from '@qfpay-checkout/server'
import { createPostgresStore } from '@qfpay-checkout/server/stores/postgres'

const store = createPostgresStore({ url: process.env.DATABASE_URL, schema: 'consumer_restart' })
await store.ready
const qfpay = createCheckout({
  store,
  resolveOrder: async () => ({ amount: 100 }),
  // One load generator is one client: lift the per-client and gateway limits meant for shoppers.
  http: { perClient: { checkoutsPerMinute: false, pendingCheckouts: 1_000_000 } },
  gateway: { requestsPerMinute: false },
  logger: { info() {}, warn() {}, error() {} },
})
let ok = 0
let failed = 0
let n = 0
async function worker() {
  for (;;) {
    const res = await qfpay
      .request('http://127.0.0.1/checkouts', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
        body: JSON.stringify({ payType: '800201', order: 'R-' + process.pid + '-' + n++ }),
      })
      .catch(() => undefined)
    if (res?.status === 201) console.log('ok ' + ++ok)
    else console.log('failed ' + ++failed)
  }
}
for (let i = 0; i < 8; i++) void worker()
`

test(
  'the installed PostgreSQL store survives a database restart under load',
  { skip: url && clusterState ? false : 'DATABASE_URL and PG_CLUSTER_STATE are not set' },
  async () => {
    const version = (
      JSON.parse(readFileSync(join(app, 'node_modules/postgres/package.json'), 'utf8')) as {
        version: string
      }
    ).version
    assert.match(version, /^4\./, 'npm installed postgres.js 4 for the server package')

    const dir = scenarioDir(app, 'postgres-restart', { 'load.mjs': LOAD })
    const proc = start(process.execPath, ['load.mjs'], dir, merchantEnv({ DATABASE_URL: url! }))
    try {
      await proc.waitFor(/^ok 50$/m)
      mustRun(
        process.execPath,
        [join(ROOT, 'scripts/pg-cluster.mjs'), 'restart', '--state', clusterState!],
        ROOT
      )
      const before = Number([...proc.output().matchAll(/^ok (\d+)$/gm)].at(-1)![1])
      // After the restart: the same process goes on creating checkouts.
      await proc.waitFor(new RegExp(`^ok ${before + 50}$`, 'm'), 60_000)
      assert.equal(proc.child.exitCode, null, 'the process is still running')
      assert.doesNotMatch(proc.output(), /TypeError|Uncaught|node:internal/)
    } finally {
      await proc.stop()
    }
  }
)
