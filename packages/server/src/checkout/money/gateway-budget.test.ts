import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createGatewayBudget, GatewayBudgetExceeded } from './gateway-budget.ts'
import { isQfpayError } from '../../qfpay/errors.ts'

describe('gateway budget', () => {
  it('stops shopper calls at half of QFPay’s 400 a minute, the reconciler at three quarters, and keeps the rest for payments', () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const budget = createGatewayBudget({ clock: () => new Date(now) })
    let shopper = 0
    while (budget.tryTake('shopper')) shopper++
    let reconciler = 0
    while (budget.tryTake('reconciler')) reconciler++
    let payment = 0
    while (budget.tryTake('payment')) payment++
    assert.deepEqual([shopper, reconciler, payment], [200, 100, 100])
    assert.equal(budget.stats().usedLastMinute, 400)
    assert.equal(budget.stats().refused.shopper, 1)
    // A minute later the window is empty again.
    assert.equal(budget.retryAfterMs('payment'), 60_000)
    now += 60_000
    assert.equal(budget.tryTake('shopper'), true)
  })

  it('refuses a call over budget without making it, with an error callers treat as "not reached"', async () => {
    const budget = createGatewayBudget({ limitPerMinute: 2 })
    let made = 0
    await budget.run('shopper', async () => made++)
    await assert.rejects(
      budget.run('shopper', async () => made++),
      (error: unknown) =>
        error instanceof GatewayBudgetExceeded && isQfpayError(error, 'qfpay_connection_error')
    )
    assert.equal(made, 1)
    await budget.run('payment', async () => made++)
    assert.equal(made, 2)
  })
})
