/**
 * The server README's smallest example, taken from the README inside the installed package (the
 * one npm shows) and run with plain `node`: config, create, the status stream, a payment on the
 * embedded sandbox's control API, and `onPaid` exactly once (a repeated notify included). The
 * root README shows the same code: both must stay equal.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { codeBlockAfter, merchantEnv, ROOT, scenarioDir, start, state } from '../src/kit.ts'
import { readSse } from '../src/sse.ts'

const { app } = state()
const installedReadme = readFileSync(
  join(app, 'node_modules/@qfpay-checkout/server/README.md'),
  'utf8'
)
const snippet = codeBlockAfter(installedReadme, '## Smallest working example')
/** The order and the session the README's example knows. */
const ORDER = 'ord_7Qh2xK9mVb3L'
const SESSION = 'shop_session=sess_5bT9qW'

test('the root README shows the same server code as the package README', () => {
  const root = codeBlockAfter(readFileSync(join(ROOT, 'README.md'), 'utf8'), '## On the server')
  assert.equal(root, snippet)
})

test('the README server runs under plain node: create, stream, pay, onPaid once', async () => {
  const dir = scenarioDir(app, 'readme-server', { 'server.mjs': snippet })
  const proc = start(process.execPath, ['server.mjs'], dir, merchantEnv({ PORT: '0' }))
  try {
    const [, port] = await proc.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/)
    const base = `http://127.0.0.1:${port}/qfpay`
    const origin = `http://127.0.0.1:${port}`
    assert.match(proc.output(), /SANDBOX/, 'says loudly that it runs against the sandbox')
    // The embedded sandbox's control API takes the token it printed at start on every POST.
    const token = /"controlToken":"([0-9a-f]+)"/.exec(proc.output())?.[1]
    assert.ok(token, 'the control token is printed at start')
    const control = { method: 'POST', headers: { authorization: `Bearer ${token}` } }

    // Another shopper (no session, or someone else's) cannot open a checkout for this order.
    const stranger = await fetch(`${base}/checkouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, cookie: 'shop_session=sess_other' },
      body: JSON.stringify({ payType: '800201', order: ORDER }),
    })
    assert.equal(stranger.status, 404, await stranger.clone().text())

    const config = (await (await fetch(`${base}/config`)).json()) as {
      currency: string
      methods: { payType: string }[]
    }
    assert.deepEqual(
      config.methods.map((m) => m.payType),
      ['800151', '800201']
    )

    const created = await fetch(`${base}/checkouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, cookie: SESSION },
      body: JSON.stringify({ payType: '800201', order: ORDER }),
    })
    assert.equal(created.status, 201, await created.clone().text())
    const checkout = (await created.json()) as { id: string; amount: number; status: string }
    assert.equal(checkout.amount, 2500, 'the amount comes from resolveOrder')
    assert.equal(checkout.status, 'pending')

    const stream = readSse(`${base}/checkouts/${checkout.id}/events`)
    await stream.next((e) => e.data.includes('"pending"'))

    const { orders } = (await (await fetch(`${base}/__sandbox/orders`)).json()) as {
      orders: { syssn: string }[]
    }
    assert.equal(orders.length, 1)
    const syssn = orders[0]!.syssn
    const refused = await fetch(`${base}/__sandbox/orders/${syssn}/pay`, { method: 'POST' })
    assert.equal(refused.status, 401, 'the control API refuses a POST without the token')
    const paid = await fetch(`${base}/__sandbox/orders/${syssn}/pay`, control)
    assert.equal(paid.status, 200, await paid.clone().text())

    const frame = await stream.next((e) => e.data.includes('"paid"'))
    assert.equal((JSON.parse(frame.data) as { status: string }).status, 'paid')
    stream.close()

    await proc.waitFor(/paid: ord_7Qh2xK9mVb3L 2500/)
    // QFPay may notify again: a repeated notify must not run onPaid a second time.
    const again = await fetch(`${base}/__sandbox/orders/${syssn}/notify`, control)
    assert.equal(again.status, 202, await again.clone().text())
    const flushed = await fetch(`${base}/__sandbox/notifies/flush`, control)
    assert.equal(flushed.status, 200, await flushed.clone().text())
    const status = (await (await fetch(`${base}/checkouts/${checkout.id}`)).json()) as {
      status: string
    }
    assert.equal(status.status, 'paid')
  } finally {
    await proc.stop()
  }
  assert.equal(proc.output().match(/paid: ord_7Qh2xK9mVb3L/g)?.length, 1, proc.output())
})
