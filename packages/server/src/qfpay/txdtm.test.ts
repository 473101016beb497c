import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatTxdtm, isTxdtm, parseTxdtm } from './txdtm.ts'

describe('txdtm', () => {
  it('formats an instant in UTC+8 whatever the host time zone', () => {
    assert.equal(formatTxdtm(Date.UTC(2024, 4, 1, 2, 30, 0)), '2024-05-01 10:30:00')
    assert.equal(formatTxdtm(new Date('2024-12-31T16:00:01Z')), '2025-01-01 00:00:01')
  })

  it('round-trips through parseTxdtm', () => {
    const at = Date.UTC(2026, 10, 23, 10, 29, 9)
    assert.equal(parseTxdtm(formatTxdtm(at))?.getTime(), at)
  })

  it('rejects malformed and impossible times', () => {
    for (const bad of [
      '2024-05-01T10:30:00',
      '2024-5-1 10:30:00',
      '2024-02-30 10:00:00',
      '2024-05-01 24:00:00',
      '',
      '2024-05-01 10:30',
    ]) {
      assert.equal(isTxdtm(bad), false, bad)
    }
    assert.equal(isTxdtm('2024-02-29 23:59:59'), true)
  })
})
