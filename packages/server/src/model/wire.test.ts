import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { planWrite } from './plan-write.ts'
import type { CheckoutRecord } from './records.ts'
import { CHECKOUT_WIRE_KEYS, toWireCheckout } from './wire.ts'

/** A record with every optional and server-only field set, plus one the contract never had. */
function fullRecord(): CheckoutRecord & { secretNote: string } {
  return {
    id: 'AbCdEfGhIjKlMnOpQrStUvWx',
    version: 4,
    status: 'paid',
    order: 'A-1001',
    payType: '800151',
    flow: 'qr',
    amount: 1234,
    currency: 'CNY',
    goodsName: 'Tea',
    createdAt: '2024-05-01T02:30:00.000Z',
    expiresAt: '2024-05-01T02:45:00.000Z',
    payUrl: 'https://qr.example/abc',
    paidAt: '2024-05-01T02:31:00.000Z',
    refundedAmount: 0,
    latePayment: true,
    failure: Object.assign(
      { code: 'declined', message: 'Declined', respcd: '1201' },
      { raw: 'gateway blob' }
    ),
    outTradeNo: 'P0123456789abcdef0123456789abcdef',
    syssn: '20240501000100020012345678',
    mount: 'public',
    nextCheckAt: '2024-05-01T02:35:00.000Z',
    checkAttempts: 3,
    upstreamClosed: true,
    updatedAt: '2024-05-01T02:31:00.000Z',
    secretNote: 'never on the wire',
  }
}

describe('toWireCheckout', () => {
  it('keeps exactly the contract keys of a fully populated record', () => {
    const wire = toWireCheckout(fullRecord())
    assert.deepEqual(Object.keys(wire).sort(), [...CHECKOUT_WIRE_KEYS].sort())
    assert.equal(CHECKOUT_WIRE_KEYS.length, 16)
  })

  it('drops every server-only field, including ones added later', () => {
    const wire = toWireCheckout(fullRecord())
    for (const key of [
      'outTradeNo',
      'syssn',
      'mount',
      'nextCheckAt',
      'checkAttempts',
      'upstreamClosed',
      'updatedAt',
      'secretNote',
    ]) {
      assert.ok(!(key in wire), `${key} leaked`)
    }
    const json = JSON.stringify(wire)
    for (const value of [
      'P0123456789',
      '2024050100010002',
      'gateway blob',
      'never on the wire',
      'public',
    ]) {
      assert.ok(!json.includes(value), `${value} leaked`)
    }
  })

  it('copies the wire values unchanged', () => {
    const record = fullRecord()
    const wire = toWireCheckout(record)
    assert.equal(wire.amount, 1234)
    assert.equal(wire.latePayment, true)
    assert.equal(wire.payUrl, record.payUrl)
    assert.deepEqual(wire.failure, { code: 'declined', message: 'Declined', respcd: '1201' })
  })

  it('leaves unset optional fields out instead of sending undefined or null', () => {
    const { goodsName, payUrl, paidAt, failure, ...rest } = fullRecord()
    const wire = toWireCheckout(rest)
    for (const key of ['goodsName', 'payUrl', 'paidAt', 'failure']) assert.ok(!(key in wire), key)
    assert.deepEqual(Object.keys(wire).length, 12)
  })
})

describe('one mapping for responses and hook payloads', () => {
  /** A pending record about to be paid, with a server field the contract does not have. */
  function pendingRecord() {
    const { paidAt, failure, ...rest } = fullRecord()
    return { ...rest, status: 'pending' as const, latePayment: false }
  }

  it('a hook payload carries only contract keys, never a new server field', () => {
    const plan = planWrite(pendingRecord(), 4, {}, 'paid', '2024-05-01T02:32:00.000Z')
    assert.ok(plan.ok)
    assert.equal(plan.outbox.length, 2, 'onPaid and onStatus')
    for (const entry of plan.outbox) {
      const keys = Object.keys(entry.checkout)
      for (const key of keys) assert.ok(CHECKOUT_WIRE_KEYS.includes(key as never), `${key} leaked`)
      assert.ok(!JSON.stringify(entry.checkout).includes('never on the wire'))
    }
  })

  it('a hook sees exactly what a response for the same record shows', () => {
    const plan = planWrite(pendingRecord(), 4, {}, 'paid', '2024-05-01T02:32:00.000Z')
    assert.ok(plan.ok)
    assert.deepEqual(plan.outbox[0]?.checkout, toWireCheckout(plan.next))
  })
})
