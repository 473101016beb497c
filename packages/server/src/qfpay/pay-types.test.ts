import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DEFAULT_ONLINE_PAY_TYPES,
  isSwipePayType,
  payTypeInfo,
  SEED_PAY_TYPES,
} from './pay-types.ts'

describe('pay types (the 2017 set)', () => {
  it('cancels online orders with close and swipe-card orders with reversal', () => {
    for (const code of ['800151', '800201', '800101', '801512'])
      assert.equal(payTypeInfo(code)?.cancelWith, 'close', code)
    for (const code of ['800108', '800208', '801008'])
      assert.equal(payTypeInfo(code)?.cancelWith, 'reversal', code)
  })

  it('knows which types answer with the final result', () => {
    assert.deepEqual(SEED_PAY_TYPES.filter(isSwipePayType), ['800108', '800208'])
    assert.equal(isSwipePayType('123456'), false)
  })

  it('lists 800207 as not available and enables 800151 and 800201 by default', () => {
    assert.equal(payTypeInfo('800207')?.available, false)
    assert.equal(SEED_PAY_TYPES.includes('800207'), false)
    assert.deepEqual(DEFAULT_ONLINE_PAY_TYPES, ['800151', '800201'])
  })
})
