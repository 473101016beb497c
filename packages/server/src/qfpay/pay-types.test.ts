import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DEFAULT_ONLINE_PAY_TYPES,
  isSwipePayType,
  payTypeInfo,
  SEED_PAY_TYPES,
} from './pay-types.ts'

describe("pay types (the 2017 set and today's)", () => {
  it('cancels 2017 online orders with close and 2017 swipe-card orders with reversal', () => {
    for (const code of ['800151', '800201'])
      assert.equal(payTypeInfo(code)?.cancelWith, 'close', code)
    for (const code of ['800108', '800208'])
      assert.equal(payTypeInfo(code)?.cancelWith, 'reversal', code)
  })

  it("follows today's docs for today's types, and says which document it follows", () => {
    // Alipay: reversal in both current versions; WeChat HK swipe card: close (2026-02).
    for (const code of ['800101', '801501', '801101', '801514', '801107', '801512'])
      assert.equal(payTypeInfo(code)?.cancelWith, 'reversal', code)
    for (const code of ['801008', '800008']) assert.equal(payTypeInfo(code)?.cancelWith, 'close')
    for (const code of ['800151', '800201', '801008', '800212'])
      assert.match(payTypeInfo(code)?.cancelSource ?? '', /\d{4}-\d{2}/, code)
  })

  it('knows the current rules: HKD-only HK types, expired_time where allowed, 800212 needs its extras', () => {
    assert.deepEqual(payTypeInfo('801514')?.currencies, ['HKD'])
    assert.equal(payTypeInfo('801101')?.currencies, undefined)
    assert.equal(payTypeInfo('800201')?.expiredTime, true)
    assert.equal(payTypeInfo('800212')?.expiredTime, false)
    assert.deepEqual(payTypeInfo('800212')?.requires, ['scene_info', 'spbill_create_ip'])
    assert.equal(payTypeInfo('800151')?.current, false, '800151 is in no current list')
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
