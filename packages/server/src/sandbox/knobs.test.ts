import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { authCode, testBed, tradeNo } from '../../test/support/sandbox-kit.ts'

/** A random source that replays a list. */
const replay =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0.99

describe('knobs', () => {
  it('serverErrorRate answers 503 with a QFPay-shaped body and creates nothing', async () => {
    const bed = testBed({ knobs: { serverErrorRate: 0.5 }, random: replay(0.1, 0.9) })
    const first = await bed.call('payment', {
      txamt: '100',
      txcurrcd: 'HKD',
      pay_type: '800201',
      out_trade_no: tradeNo(),
      txdtm: '2024-05-01 10:30:00',
    })
    assert.equal(first.status, 503)
    assert.equal(first.json.respcd, '1100')
    assert.equal(bed.sandbox.orders().length, 0)
    assert.equal((await bed.pay()).respcd, '0000')
    bed.sandbox.close()
  })

  it('htmlErrorRate answers an HTML 502 page', async () => {
    const bed = testBed({ knobs: { htmlErrorRate: 1 } })
    const res = await bed.call('query', {})
    assert.equal(res.status, 502)
    assert.match(res.headers.get('content-type') ?? '', /text\/html/)
    assert.match(res.raw, /502 Bad Gateway/)
    bed.sandbox.close()
  })

  it('malformedJsonRate processes the call but truncates the JSON answer', async () => {
    const bed = testBed({ knobs: { malformedJsonRate: 1 } })
    const res = await bed.call('payment', {
      txamt: '100',
      txcurrcd: 'HKD',
      pay_type: '800201',
      out_trade_no: tradeNo(),
      txdtm: '2024-05-01 10:30:00',
    })
    assert.throws(() => JSON.parse(res.raw))
    assert.equal(bed.sandbox.orders().length, 1)
    bed.sandbox.close()
  })

  it('latencyMs holds the answer until the clock has moved that far', async () => {
    const bed = testBed({ knobs: { latencyMs: 3_000 } })
    let answered = false
    const pending = bed.pay().then(() => (answered = true))
    await bed.clock.advance(2_999)
    assert.equal(answered, false)
    await bed.clock.advance(1)
    await pending
    assert.equal(answered, true)
    bed.sandbox.close()
  })

  it('pendingQueries makes a swipe payment answer 1143 for that many queries, per order', async () => {
    const bed = testBed()
    const number = tradeNo()
    bed.sandbox.setOrderKnobs(number, { pendingQueries: 1 })
    const res = await bed.pay({
      pay_type: '800208',
      auth_code: authCode('5678'),
      out_trade_no: number,
    })
    assert.equal(res.respcd, '1143')
    const row = async () =>
      (
        (await bed.call('query', { syssn: res.syssn as string })).json.data as Array<
          Record<string, string>
        >
      )[0]?.respcd
    assert.equal(await row(), '1143')
    assert.equal(await row(), '0000')
    assert.equal(
      (await bed.pay({ pay_type: '800208', auth_code: authCode('5678') })).respcd,
      '0000'
    )
    bed.sandbox.close()
  })

  it('notifyDropRate drops notifies, notifyDuplicateRate sends them twice', async () => {
    const bed = testBed({ knobs: { notifyDropRate: 1 } })
    const a = await bed.pay()
    bed.sandbox.pay(a.syssn as string)
    bed.sandbox.setKnobs({ notifyDropRate: 0, notifyDuplicateRate: 1 })
    const b = await bed.pay()
    bed.sandbox.pay(b.syssn as string)
    await bed.sandbox.drain()
    assert.equal(bed.sandbox.notifies().find((n) => n.syssn === a.syssn)?.state, 'dropped')
    assert.deepEqual(
      bed.captured.map((c) => (JSON.parse(c.body) as { syssn: string }).syssn),
      [b.syssn, b.syssn]
    )
    bed.sandbox.close()
  })

  it('notifyDelayMs sends the first attempt only after the delay', async () => {
    const bed = testBed({ knobs: { notifyDelayMs: 10_000 } })
    const a = await bed.pay()
    bed.sandbox.pay(a.syssn as string)
    await bed.clock.advance(9_999)
    assert.equal(bed.captured.length, 0)
    await bed.clock.advance(1)
    assert.equal(bed.captured.length, 1)
    bed.sandbox.close()
  })

  it('notifyReorder delivers a refund notify before the payment notify it follows', async () => {
    const bed = testBed({ knobs: { notifyReorder: true } })
    const paid = await bed.pay({ pay_type: '800108', auth_code: authCode('0000') })
    assert.equal(bed.sandbox.notifies()[0]?.state, 'held')
    await bed.call('refund', {
      syssn: paid.syssn as string,
      out_trade_no: tradeNo('R'),
      txamt: '100',
      txdtm: '2024-05-01 10:30:00',
    })
    await bed.sandbox.drain()
    assert.deepEqual(
      bed.captured.map((c) => (JSON.parse(c.body) as { notify_type: string }).notify_type),
      ['refund', 'payment']
    )
    bed.sandbox.close()
  })

  it('rateLimit answers HTTP 429 above 100 requests per second per merchant, and is off by default', async () => {
    const bed = testBed()
    for (let i = 0; i < 101; i++) assert.equal((await bed.call('query', {})).status, 200)
    bed.sandbox.setKnobs({ rateLimit: true })
    const statuses: number[] = []
    for (let i = 0; i < 101; i++) statuses.push((await bed.call('query', {})).status)
    assert.deepEqual([statuses.slice(0, 100).every((s) => s === 200), statuses[100]], [true, 429])
    await bed.clock.advance(1_000)
    assert.equal((await bed.call('query', {})).status, 200)
    bed.sandbox.close()
  })

  it('rateLimit answers HTTP 429 above 400 requests per minute per merchant', async () => {
    const bed = testBed({ knobs: { rateLimit: true } })
    let limited = 0
    for (let i = 0; i < 401; i++) {
      if ((await bed.call('query', {})).status === 429) limited++
      await bed.clock.advance(100) // 10 per second: under the per-second limit
    }
    assert.equal(limited, 1)
    bed.sandbox.close()
  })
})
