import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { newOutTradeNo, OUT_TRADE_NO_PATTERN } from './out-trade-no.ts'

describe('newOutTradeNo', () => {
  it('gives a kind letter and 30 hex digits: 31 characters, letters and digits only', () => {
    assert.match(newOutTradeNo('payment'), /^P[0-9a-f]{30}$/)
    assert.match(newOutTradeNo('refund'), /^R[0-9a-f]{30}$/)
  })

  it('fits what QFPay accepts and the 32 characters some wallets allow', () => {
    const no = newOutTradeNo('payment')
    assert.match(no, OUT_TRADE_NO_PATTERN)
    assert.ok(no.length <= 32, no)
  })

  it('never repeats across payments and refunds', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      seen.add(newOutTradeNo('payment').slice(1))
      seen.add(newOutTradeNo('refund').slice(1))
    }
    assert.equal(seen.size, 4000)
  })
})

describe('OUT_TRADE_NO_PATTERN', () => {
  it('refuses what QFPay refuses: empty, spaces, non-ASCII, more than 128 characters', () => {
    for (const bad of ['', 'A 1', '订单1', 'Ａ1', 'A'.repeat(129)])
      assert.doesNotMatch(bad, OUT_TRADE_NO_PATTERN, bad)
    assert.match('A'.repeat(128), OUT_TRADE_NO_PATTERN)
  })
})
