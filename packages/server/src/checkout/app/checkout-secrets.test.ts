/**
 * The client key never leaves the server: over a full run (create, poll, pay, notify, refund,
 * cancel, return, errors, forged and mismatching notifies, a gateway fault), it appears in no
 * response body, no response header and no log line.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { Hono } from 'hono'
import { signNotifyForTest } from '../../testing/index.ts'
import { createMemoryStore } from '../../store/memory.ts'
import { createCheckout } from './create-checkout.ts'

/** A key nobody else uses, so any occurrence is ours. */
const KEY = '7A11E5C0FFEE4B1DBADC0DE5EC12E7A1'
const APPCODE = 'SECRETSTESTAPPCODE01'

it('never shows the client key in a response, a header or a log line', async (t) => {
  const seen: string[] = []
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void seen.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`)
  const logger = { info: log('info'), warn: log('warn'), error: log('error') }
  const checkout = createCheckout({
    resolveOrder: (order) =>
      order.startsWith('S-') ? { amount: 100, goodsName: 'Tea' } : undefined,
    hooks: {
      onPaid: () => {
        throw new Error('fulfilment down')
      },
    },
    gateway: {
      environment: 'local',
      appcode: APPCODE,
      key: KEY,
      // Given credentials: the phone page is served on the mount only on explicit opt-in.
      embeddedSandbox: true,
    },
    http: { perClient: { checkoutsPerMinute: false } },
    publicUrl: 'http://shop.test/qfpay',
    store: createMemoryStore(),
    logger,
    reconciler: { enabled: false },
  })
  t.after(() => checkout.close())
  const host = new Hono()
  // Every answer the host sends, headers and body, is captured here.
  host.use('*', async (c, next) => {
    await next()
    seen.push(`${c.res.status} ${JSON.stringify([...c.res.headers])} ${await c.res.clone().text()}`)
  })
  host.route('/qfpay', checkout)
  const call = (path: string, init?: RequestInit) =>
    host.request(`http://shop.test/qfpay${path}`, init)
  const post = (path: string, body: unknown) =>
    call(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })

  await call('/config')
  const created = (await (
    await post('/checkouts', { payType: '800151', order: 'S-1' })
  ).json()) as { id: string; payUrl: string }
  await call(`/checkouts/${created.id}`)
  const phone = await host.request(created.payUrl)
  assert.equal(phone.status, 200)
  const record = await checkout.store.get(created.id)
  checkout.sandbox?.pay(record?.syssn as string)
  await checkout.sandbox?.drain()
  await call(`/return?out_trade_no=${record?.outTradeNo}`)
  await checkout.merchant.deliverHooks()
  await checkout.merchant.refunds.create(created.id, { amount: 40 })
  await checkout.merchant.refunds.create(created.id, { amount: 100 }).catch(() => undefined)
  await checkout.sandbox?.drain()
  const second = (await (await post('/checkouts', { payType: '800201', order: 'S-2' })).json()) as {
    id: string
  }
  await post(`/checkouts/${second.id}/cancel`, {})
  await post(`/checkouts/${second.id}/cancel`, {})
  await post(`/checkouts/${created.id}/cancel`, {})
  await post('/checkouts', { payType: '800201', order: 'unknown' })
  await post('/checkouts', { payType: '800207', order: 'S-3' })
  await call('/checkouts', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{',
  })
  const forged = signNotifyForTest(
    { notify_type: 'payment', syssn: '1', out_trade_no: 'x', txamt: 1 },
    '0'.repeat(32)
  )
  await call('/notify', { method: 'POST', headers: forged.headers, body: forged.body })
  const mismatching = signNotifyForTest(
    {
      notify_type: 'payment',
      respcd: '0000',
      syssn: record?.syssn,
      out_trade_no: record?.outTradeNo,
      txamt: 1,
    },
    KEY
  )
  await call('/notify', { method: 'POST', headers: mismatching.headers, body: mismatching.body })
  await call('/__sandbox/orders')
  await call('/__sandbox/merchants')
  // A malformed key is refused at start, and the refusal does not repeat it.
  assert.throws(
    () =>
      createCheckout({
        resolveOrder: () => undefined,
        store: createMemoryStore(),
        gateway: { environment: 'test', appcode: APPCODE, key: `${KEY}\n` },
      }),
    (error: Error) => !error.message.includes(KEY)
  )

  // Notifies go from the embedded sandbox straight into the app: their answers are in its log.
  for (const notify of checkout.sandbox?.notifies() ?? [])
    seen.push(JSON.stringify(notify.attempts))
  assert.ok(seen.length > 18, `captured ${seen.length} lines`)
  for (const line of seen) {
    assert.ok(!line.toUpperCase().includes(KEY), `the key leaked: ${line.slice(0, 200)}`)
  }
})
