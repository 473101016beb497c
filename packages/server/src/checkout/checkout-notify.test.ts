/**
 * Notifies over loopback: duplicated, reordered, dropped, forged, mismatching, and 50 copies at
 * once. Every case ends with exactly one transition and one onPaid, or none.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { signNotifyForTest } from '../testing/index.ts'
import {
  type Bed,
  type BedOptions,
  startBed,
  TEST_KEY,
} from '../../test/support/checkout-test-bed.ts'
import { listRejectedNotifies } from '../../test/support/store-queries.ts'

async function bed(t: TestContext, options?: BedOptions): Promise<Bed> {
  const b = await startBed(options)
  t.after(() => b.close())
  return b
}

/** onPaid calls and `paid` onStatus calls of one checkout. */
function paidHooks(b: Bed, id: string) {
  return {
    onPaid: b.hooks.filter((h) => h.topic === 'onPaid' && h.checkout.id === id).length,
    toPaid: b.hooks.filter(
      (h) => h.topic === 'onStatus' && h.checkout.id === id && h.checkout.status === 'paid'
    ).length,
  }
}

async function postNotify(b: Bed, body: string, headers: Record<string, string>) {
  const res = await fetch(`${b.appUrl}/qfpay/notify`, { method: 'POST', headers, body })
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' }
}

describe('notifies', () => {
  it('applies a duplicated notify once: one transition, one onPaid, both acknowledged', async (t) => {
    const b = await bed(t, { knobs: { notifyDuplicateRate: 1 } })
    const { body } = await b.create('N-1', '800201')
    await b.pay(body.id)
    assert.deepEqual(
      b.sandbox.notifies().map((n) => n.state),
      ['delivered', 'delivered']
    )
    await b.settleHooks()
    assert.deepEqual(paidHooks(b, body.id), { onPaid: 1, toPaid: 1 })
  })

  it('applies reordered notifies (newest first) once each', async (t) => {
    const b = await bed(t, { knobs: { notifyReorder: true, notifyDuplicateRate: 1 } })
    const first = (await b.create('N-2a', '800201')).body
    const second = (await b.create('N-2b', '800151')).body
    b.sandbox.pay((await b.get(first.id)).syssn as string)
    b.sandbox.pay((await b.get(second.id)).syssn as string)
    await b.sandbox.drain()
    assert.ok(b.sandbox.notifies().every((n) => n.state === 'delivered'))
    await b.settleHooks()
    for (const id of [first.id, second.id]) {
      assert.equal((await b.get(id)).status, 'paid')
      assert.deepEqual(paidHooks(b, id), { onPaid: 1, toPaid: 1 })
    }
  })

  it('reaches paid through the reconciler when the notify never comes', async (t) => {
    const b = await bed(t, { knobs: { notifyDropRate: 1 } })
    const { body } = await b.create('N-3', '800151')
    await b.pay(body.id)
    assert.equal(b.sandbox.notifies()[0]?.state, 'dropped')
    assert.equal((await b.get(body.id)).status, 'pending')
    await b.clock.advance(5_000)
    const report = await b.checkout.merchant.reconcile()
    assert.deepEqual(report, { checked: 1, changed: 1, expired: 0 })
    assert.equal((await b.get(body.id)).status, 'paid')
    await b.settleHooks()
    assert.deepEqual(paidHooks(b, body.id), { onPaid: 1, toPaid: 1 })
  })

  it('does not acknowledge a forged or unsigned notify, changes nothing, and records why', async (t) => {
    const b = await bed(t)
    const { body } = await b.create('N-4', '800201')
    const record = await b.get(body.id)
    const fields = {
      notify_type: 'payment',
      status: '1',
      respcd: '0000',
      syssn: record.syssn,
      out_trade_no: record.outTradeNo,
      txamt: 1000,
      txcurrcd: 'CNY',
    }
    const forged = signNotifyForTest(fields, '0123456789ABCDEF0123456789ABCDEF')
    const answer = await postNotify(b, forged.body, forged.headers)
    assert.equal(answer.status, 400)
    assert.notEqual(answer.text, 'SUCCESS')
    const unsigned = await postNotify(b, forged.body, { 'Content-Type': 'application/json' })
    assert.equal(unsigned.status, 400)
    assert.equal((await b.get(body.id)).status, 'pending')
    assert.equal((await b.get(body.id)).version, record.version)
    // Unverified bodies are counted, never stored: anyone can post them.
    assert.deepEqual(await listRejectedNotifies(b.store), [])
    assert.deepEqual(b.checkout.stats().unverifiedNotifies, {
      bad_signature: 1,
      missing_signature: 1,
    })
    // A re-serialised body no longer verifies: the raw bytes are what count.
    const valid = signNotifyForTest(fields, TEST_KEY)
    const reserialised = await postNotify(b, JSON.stringify(JSON.parse(valid.body)), {
      'Content-Type': 'application/json',
      'X-QF-SIGN': valid.signature,
    })
    assert.equal(reserialised.status, 400)
  })

  it('acknowledges a validly signed notify that matches nothing, records it, and changes nothing', async (t) => {
    const b = await bed(t, { knobs: { notifyDropRate: 1 } })
    const { body } = await b.create('N-5', '800201')
    await b.pay(body.id) // paid upstream; the real notify was dropped
    const record = await b.get(body.id)
    const base = {
      notify_type: 'payment',
      status: '1',
      respcd: '0000',
      syssn: record.syssn,
      out_trade_no: record.outTradeNo,
      txamt: 1000,
      txcurrcd: 'CNY',
    }
    for (const fields of [
      { ...base, txamt: 1 },
      { ...base, txcurrcd: 'HKD' },
      { ...base, out_trade_no: 'P0000000000000000000000000000000' },
    ]) {
      const signed = signNotifyForTest(fields, TEST_KEY)
      const answer = await postNotify(b, signed.body, signed.headers)
      assert.equal(answer.status, 200)
      assert.equal(answer.text, 'SUCCESS')
    }
    assert.equal((await b.get(body.id)).status, 'pending')
    const reasons = (await listRejectedNotifies(b.store)).map((n) => n.reason).sort()
    assert.deepEqual(reasons, ['amount_mismatch', 'currency_mismatch', 'unknown_order'])
  })

  it('takes 50 concurrent copies of one valid notify as one transition and one onPaid, all SUCCESS', async (t) => {
    const b = await bed(t, { knobs: { notifyReorder: true } })
    const { body } = await b.create('N-6', '800201')
    b.sandbox.pay((await b.get(body.id)).syssn as string)
    const held = b.sandbox.notifies()[0]
    assert.equal(held?.state, 'held')
    const signed = signNotifyForTest(held.body, TEST_KEY)
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => postNotify(b, signed.body, signed.headers))
    )
    assert.ok(
      answers.every(
        (a) => a.status === 200 && a.text === 'SUCCESS' && a.type.startsWith('text/plain')
      )
    )
    await b.sandbox.drain() // the gateway's own copy, late
    await b.settleHooks()
    const after = await b.get(body.id)
    assert.equal(after.status, 'paid')
    assert.equal(after.version, 3) // created, pay URL stored, paid
    assert.deepEqual(paidHooks(b, body.id), { onPaid: 1, toPaid: 1 })
  })

  it('retries a throwing onPaid until it succeeds once', async (t) => {
    let failures = 2
    const calls: string[] = []
    const b = await bed(t, {
      checkout: {
        onPaid: (checkout, { idempotencyKey }) => {
          calls.push(idempotencyKey)
          if (failures-- > 0) throw new Error('fulfilment service down')
        },
      },
    })
    const { body } = await b.create('N-7', '800201')
    await b.pay(body.id)
    await b.settleHooks()
    for (let i = 0; i < 5; i++) {
      await b.clock.advance(60_000)
      await b.settleHooks()
    }
    assert.equal(calls.length, 3)
    assert.ok(calls.every((key) => key === `${body.id}:3`))
  })
})
