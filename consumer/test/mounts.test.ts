/**
 * Express 5 and node:http mounts as the server README shows them, against a standalone sandbox
 * that sends its notify over HTTP to the mount, with a body parser registered before it. The
 * reconciler is off, so only the notify can make the checkout paid.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { merchantEnv, run, scenarioDir, state } from '../src/kit.ts'

const { app } = state()

/** Starts the merchant server with `mount`, pays one checkout, prints the outcome as JSON. */
const script = (imports: string, listen: string) => `${imports}
import { serve } from '@hono/node-server'
import { createCheckout } from '@qfpay-checkout/server'
import { createSandbox } from '@qfpay-checkout/server/sandbox'
import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'

const APPCODE = 'APPCODE1'
const KEY = '0123456789ABCDEF0123456789ABCDEF'
let qfpay
// The merchant server first (port 0), so the sandbox knows where to notify.
const port = await new Promise((resolve) => {
${listen}
})
const shop = 'http://127.0.0.1:' + port
const sandbox = createSandbox({ appcode: APPCODE, key: KEY, notifyUrl: shop + '/qfpay/notify' })
const gateway = serve({ fetch: sandbox.fetch, hostname: '127.0.0.1', port: 0 })
await new Promise((resolve) => gateway.once('listening', resolve))
qfpay = createCheckout({
  gateway: {
    environment: 'local',
    baseUrl: 'http://127.0.0.1:' + gateway.address().port,
    appcode: APPCODE,
    key: KEY,
  },
  store: createSqliteStore({ filename: ':memory:' }),
  publicUrl: shop + '/qfpay',
  reconciler: { enabled: false },
  logger: { info() {}, warn: console.warn, error: console.error },
  resolveOrder: async () => ({ amount: 2500 }),
})
const created = await fetch(shop + '/qfpay/checkouts', {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: shop },
  body: JSON.stringify({ payType: '800201', order: 'A-1001' }),
})
const checkout = await created.json()
let result = { created: created.status, error: checkout.error?.code }
if (created.status === 201) {
  sandbox.pay(sandbox.orders()[0].syssn)
  const [notify] = await sandbox.drain()
  const after = await (await fetch(shop + '/qfpay/checkouts/' + checkout.id)).json()
  result = { ...result, notify: notify?.attempts.at(-1), status: after.status }
}
console.log(JSON.stringify(result))
await qfpay.close()
sandbox.close()
process.exit(0)
`

const EXPRESS = (parser: string) =>
  script(
    `import express from 'express'
import { getRequestListener } from '@hono/node-server'`,
    `  const app = express()
  ${parser}
  app.use('/qfpay', (req, res) => getRequestListener(qfpay.fetch)(req, res))
  const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port))`
  )

function outcome(file: string, source: string) {
  const dir = scenarioDir(app, 'mounts', { [file]: source })
  const r = run(process.execPath, [file], dir, merchantEnv())
  assert.equal(r.status, 0, r.out)
  const line = r.out.split('\n').find((l) => l.startsWith('{"created"'))
  assert.ok(line, r.out)
  return JSON.parse(line) as {
    created: number
    error?: string
    notify?: { status?: number }
    status?: string
  }
}

test('Express 5 with a body parser before the mount that keeps the raw body: the notify pays', () => {
  const result = outcome(
    'express.mjs',
    EXPRESS(`app.use(express.json({ verify: (req, _res, buf) => (req.rawBody = buf) }))`)
  )
  assert.equal(result.created, 201)
  assert.equal(result.notify?.status, 200)
  assert.equal(result.status, 'paid')
})

test('Express 5 with a plain body parser before the mount: requests lose their body, as the README warns', () => {
  const result = outcome('express-plain.mjs', EXPRESS(`app.use(express.json())`))
  assert.equal(result.created, 400)
  assert.equal(result.status, undefined)
})

test('node:http with the /qfpay prefix stripped before the listener: the notify pays', () => {
  const result = outcome(
    'node-http.mjs',
    script(
      `import { createServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'`,
      `  const server = createServer((req, res) => {
    if (req.url === '/qfpay' || req.url.startsWith('/qfpay/')) {
      req.url = req.url.slice('/qfpay'.length) || '/'
      return getRequestListener(qfpay.fetch)(req, res)
    }
    res.writeHead(404).end()
  })
  server.listen(0, '127.0.0.1', () => resolve(server.address().port))`
    )
  )
  assert.equal(result.created, 201)
  assert.equal(result.notify?.status, 200)
  assert.equal(result.status, 'paid')
})
