import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  describeRespcd,
  isOrderClosedRespcd,
  isOrderMissingRespcd,
  isOrderPaidRespcd,
  isParameterRefusedRespcd,
  isPendingRespcd,
  isRetryableRespcd,
  isReusedOutTradeNoRespcd,
  isSignatureRefusedRespcd,
  isSuccessRespcd,
  isUnsettledRespcd,
  paymentSuccessMeaning,
  RESPCD,
  respcdOutcome,
} from './respcd.ts'

describe('respcd table', () => {
  it('reads 0000 as ok, 1143 and 1145 as pending (the 2017+ meaning, not 2016\'s "does not exist")', () => {
    assert.deepEqual(respcdOutcome('0000'), { outcome: 'ok', retryable: false })
    for (const code of ['1143', '1145', '1298']) {
      assert.equal(respcdOutcome(code).outcome, 'pending', code)
      assert.ok(isPendingRespcd(code))
    }
  })

  it('marks system errors retryable and request errors not', () => {
    for (const code of ['1100', '1205', '1296', '1297'])
      assert.deepEqual(respcdOutcome(code), { outcome: 'error', retryable: true }, code)
    for (const code of ['1104', '1108', '2011', '1102'])
      assert.deepEqual(respcdOutcome(code), { outcome: 'error', retryable: false }, code)
    assert.equal(isRetryableRespcd('1108'), false)
  })

  it('reads shopper declines and state conflicts as declined', () => {
    for (const code of ['1201', '1202', '2005', '1142', '1260', '1272'])
      assert.equal(respcdOutcome(code).outcome, 'declined', code)
    assert.equal(describeRespcd('1260').class, 'state-conflict')
  })

  it('treats an unknown code as a definite failure, never as retryable', () => {
    assert.deepEqual(describeRespcd('9999'), {
      code: '9999',
      meaning: 'unknown return code',
      class: 'failed',
    })
    assert.deepEqual(respcdOutcome('9999'), { outcome: 'declined', retryable: false })
  })

  it('says what 0000 from /payment meant: created for a pre-order, paid for a swipe card', () => {
    assert.equal(paymentSuccessMeaning(false), 'created')
    assert.equal(paymentSuccessMeaning(true), 'paid')
  })
})

describe('named meanings of single codes', () => {
  it('says what a code means for the order, and each such code is in the table', () => {
    const cases: [(code: string) => boolean, string[]][] = [
      [isSuccessRespcd, ['0000']],
      [isOrderPaidRespcd, ['1260', '1262', '1125']],
      [isOrderClosedRespcd, ['1142', '1181', '1263', '1264']],
      [isOrderMissingRespcd, ['1136', '1268']],
      [isReusedOutTradeNoRespcd, ['1102', '2011']],
      [isParameterRefusedRespcd, ['1104']],
      [isSignatureRefusedRespcd, ['1108']],
    ]
    for (const [predicate, codes] of cases) {
      for (const code of RESPCD.keys())
        assert.equal(predicate(code), codes.includes(code), `${predicate.name}(${code})`)
      for (const code of codes) assert.ok(RESPCD.has(code), code)
    }
  })

  it('an order state code is a state conflict, never a retry', () => {
    for (const code of RESPCD.keys()) {
      if (isOrderPaidRespcd(code) || isOrderClosedRespcd(code) || isOrderMissingRespcd(code))
        assert.equal(describeRespcd(code).class, 'state-conflict', code)
    }
  })

  it('unsettled: a pending code, or a row without a code; nothing final', () => {
    assert.equal(isUnsettledRespcd(''), true)
    for (const [code, info] of RESPCD)
      assert.equal(isUnsettledRespcd(code), info.class === 'pending', code)
  })
})
