import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { observePayment, paymentRowsByOutTradeNo } from './gateway-rows.ts'
import { nextCheckAt } from '../workers/schedule.ts'

describe('observePayment', () => {
  it('reads a row respcd (and cancel flag) into what the state machine acts on', () => {
    const row = (respcd: string, extra: Record<string, string> = {}) => ({
      respcd,
      syssn: 'S1',
      out_trade_no: 'P1',
      ...extra,
    })
    assert.equal(observePayment(undefined).kind, 'missing')
    assert.deepEqual(observePayment(row('0000', { paydtm: '2024-05-01 10:31:15' })), {
      kind: 'paid',
      syssn: 'S1',
      paidAt: '2024-05-01T02:31:15.000Z',
      reversed: false,
    })
    assert.deepEqual(observePayment(row('0000', { cancel: '1' })), {
      kind: 'paid',
      syssn: 'S1',
      paidAt: undefined,
      reversed: true,
    })
    for (const code of ['1143', '1145', '1298', ''])
      assert.equal(observePayment(row(code)).kind, 'pending')
    for (const code of ['1142', '1181', '1264'])
      assert.equal(observePayment(row(code)).kind, 'closed')
    const failed = observePayment(row('1201'))
    assert.equal(failed.kind, 'failed')
    assert.equal(failed.kind === 'failed' && failed.failure.respcd, '1201')
  })

  it('keeps payment rows only, by out_trade_no', () => {
    const rows = paymentRowsByOutTradeNo([
      { respcd: '0000', out_trade_no: 'P1', order_type: 'payment' },
      { respcd: '0000', out_trade_no: 'R1', order_type: 'refund' },
      { respcd: '1143', out_trade_no: 'P2' },
    ])
    assert.deepEqual([...rows.keys()], ['P1', 'P2'])
  })
})

describe('nextCheckAt', () => {
  const now = new Date('2024-05-01T00:00:00.000Z')
  it('backs off and never passes the expiry', () => {
    assert.equal(
      nextCheckAt(now, 1, false, '2024-05-01T01:00:00.000Z', 0),
      '2024-05-01T00:00:05.000Z'
    )
    assert.equal(
      nextCheckAt(now, 99, false, '2024-05-01T01:00:00.000Z', 0),
      '2024-05-01T00:01:00.000Z'
    )
    assert.equal(
      nextCheckAt(now, 99, false, '2024-05-01T00:00:20.000Z', 0),
      '2024-05-01T00:00:20.000Z'
    )
    assert.equal(
      nextCheckAt(now, 0, true, '2024-05-01T01:00:00.000Z', 0),
      '2024-05-01T00:00:02.000Z'
    )
  })
})
