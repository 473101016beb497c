import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { createSandbox } from './create-sandbox.ts'
import { TEST_KEY, testBed } from '../../test/support/sandbox-kit.ts'

describe('control API', () => {
  const bed = testBed()
  after(() => bed.sandbox.close())
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await bed.sandbox.request(`/__sandbox${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bed.sandbox.controlToken}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    assert.ok(!text.includes(TEST_KEY), 'a control answer contains the key')
    return { status: res.status, json: JSON.parse(text) as Record<string, any> }
  }

  it('lists orders with syssn, out_trade_no, pay_type, txamt, txcurrcd, state, refunds and the URL handed out', async () => {
    const order = await bed.pay({ pay_type: '800151' })
    const { json } = await control('GET', '/orders')
    const view = json.orders.find((o: { syssn: string }) => o.syssn === order.syssn)
    assert.deepEqual(
      [
        view.out_trade_no,
        view.pay_type,
        view.txamt,
        view.txcurrcd,
        view.state,
        view.refunds,
        view.pay_url,
      ],
      [order.out_trade_no, '800151', '100', 'HKD', 'created', [], order.pay_url]
    )
    assert.equal(
      (await control('GET', `/orders?out_trade_no=${order.out_trade_no}`)).json.orders.length,
      1
    )
    assert.equal((await control('GET', `/orders/${order.syssn}`)).json.syssn, order.syssn)
  })

  it('pays, declines and expires orders with an empty body', async () => {
    const a = await bed.pay()
    assert.equal((await control('POST', `/orders/${a.syssn}/pay`)).json.state, 'paid')
    const b = await bed.pay()
    const declined = await control('POST', `/orders/${b.syssn}/decline`)
    assert.deepEqual([declined.json.state, declined.json.respcd], ['failed', '1201'])
    const c = await bed.pay()
    assert.equal(
      (await control('POST', `/orders/${c.syssn}/decline`, { respcd: '2005' })).json.respcd,
      '2005'
    )
    const d = await bed.pay()
    assert.equal((await control('POST', `/orders/${d.syssn}/expire`)).json.state, 'expired')
  })

  it('answers 409 with the QFPay code when the state does not allow the change, and 404 for an unknown syssn', async () => {
    const order = await bed.pay()
    await control('POST', `/orders/${order.syssn}/expire`)
    const again = await control('POST', `/orders/${order.syssn}/pay`)
    assert.equal(again.status, 409)
    assert.equal(again.json.error.respcd, '1142')
    assert.equal(bed.sandbox.order(order.syssn as string)?.state, 'expired')
    assert.equal((await control('POST', '/orders/123/pay')).status, 404)
    assert.equal((await control('GET', '/orders/123')).json.error.code, 'order_not_found')
    assert.equal((await control('POST', `/orders/${order.syssn}/late-pay`)).json.state, 'paid')
  })

  it('resends a notify and shows the delivery log with attempts, status and answer', async () => {
    const order = await bed.pay()
    await control('POST', `/orders/${order.syssn}/pay`)
    const resent = await control('POST', `/orders/${order.syssn}/notify`)
    assert.equal(resent.status, 202)
    await control('POST', '/notifies/flush')
    const { json } = await control('GET', `/notifies?syssn=${order.syssn}`)
    assert.equal(json.notifies.length, 2)
    assert.deepEqual(
      [
        json.notifies[0].attempts[0].status,
        json.notifies[0].attempts[0].body,
        json.notifies[0].state,
      ],
      [200, 'SUCCESS', 'delivered']
    )
    const unpaid = await bed.pay()
    assert.equal((await control('POST', `/orders/${unpaid.syssn}/notify`)).status, 409)
  })

  it('sets knobs for the sandbox and per order, and refuses unknown or out-of-range ones', async () => {
    const set = await control('PUT', '/knobs', {
      latencyMs: 0,
      notifyDuplicateRate: 0,
      orders: { 'ORDER-X': { pendingQueries: 2 } },
    })
    assert.equal(set.status, 200)
    assert.equal(set.json.pendingQueries, 0)
    assert.equal(bed.sandbox.knobs().pendingQueries, 0)
    assert.equal((await control('PUT', '/knobs', { serverErrorRate: 2 })).status, 400)
    assert.equal((await control('PUT', '/knobs', { nope: true })).json.error.code, 'invalid_knobs')
    const order = await bed.pay()
    assert.equal(
      (await control('PUT', `/orders/${order.syssn}/knobs`, { latencyMs: 5 })).json.latencyMs,
      5
    )
    assert.equal((await control('GET', `/orders/${order.syssn}`)).json.knobs.latencyMs, 5)
    const invalid = await bed.sandbox.request('/__sandbox/knobs', {
      method: 'PUT',
      headers: { 'x-sandbox-token': bed.sandbox.controlToken },
      body: '{not json',
    })
    assert.equal(invalid.status, 400)
  })

  it('refuses a cross-site no-cors pay (no token) and a wrong token with 401, leaving the order unpaid', async () => {
    const order = await bed.pay({ pay_type: '800151' })
    // What a page on any site can send blind: a simple POST, no custom header.
    const blind = await bed.sandbox.request(`/__sandbox/orders/${order.syssn!}/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: 'https://evil.example' },
    })
    assert.equal(blind.status, 401)
    assert.equal(((await blind.json()) as any).error.code, 'control_token_required')
    const wrong = await bed.sandbox.request(`/__sandbox/orders/${order.syssn!}/pay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${'0'.repeat(32)}` },
    })
    assert.equal(wrong.status, 401)
    const knobs = await bed.sandbox.request('/__sandbox/knobs', {
      method: 'PUT',
      body: JSON.stringify({ notifyDropRate: 1 }),
    })
    assert.equal(knobs.status, 401)
    assert.equal(bed.sandbox.order(order.syssn!)?.state, 'created')
    assert.equal(bed.sandbox.knobs().notifyDropRate, 0)
    assert.match(bed.sandbox.controlToken, /^[0-9a-f]{32}$/)
  })

  it('lists merchants without their keys', async () => {
    const { json } = await control('GET', '/merchants')
    assert.equal(json.merchants[0].appcode, 'TESTAPPCODE')
    assert.equal('key' in json.merchants[0], false)
  })
})

describe('createSandbox defaults', () => {
  it('runs with no options: a generated merchant with every 2017 pay type, the key reported only as generated', async () => {
    const sandbox = createSandbox()
    const [merchant] = sandbox.merchants()
    assert.match(merchant?.appcode ?? '', /^[0-9A-F]{32}$/)
    assert.deepEqual(merchant?.payTypes.sort(), ['800108', '800151', '800201', '800207', '800208'])
    assert.match(sandbox.generated.key ?? '', /^[0-9A-F]{32}$/)
    assert.equal(createSandbox({ key: 'given' }).generated.key, undefined)
    sandbox.close()
  })
})
