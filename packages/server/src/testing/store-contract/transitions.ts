/**
 * Store contract, part 2: compare-and-set transitions, the state machine, plain patches and the
 * change feed.
 */
import assert from 'node:assert/strict'
import type { CheckoutStatus } from '../../contract.ts'
import { canTransition } from '../../model/status.ts'
import {
  type ContractContext,
  PATH_TO,
  advance,
  checkoutIn,
  created,
  moveTo,
  recordChanges,
} from './fixtures.ts'

const STATUSES = Object.keys(PATH_TO) as CheckoutStatus[]

/** The state machine (docs/architecture.md#the-checkout-state-machine) written out by hand, so neither the store nor canTransition grades itself. */
const LEGAL = new Set([
  'pending->paid',
  'pending->cancelled',
  'pending->expired',
  'pending->failed',
  'paid->partially_refunded',
  'paid->refunded',
  'partially_refunded->partially_refunded',
  'partially_refunded->refunded',
  'cancelled->paid',
  'expired->paid',
])

/** Registers the transition part of the store contract. */
export function describeTransitionContract(ctx: ContractContext): void {
  const { describe, it } = ctx.runner
  describe('compare-and-set transitions', () => {
    it('bumps the version by one, applies the patch and returns the new record', async () => {
      const c = await created(ctx.store)
      advance(ctx, 1000)
      const result = await ctx.store.transition(c.id, {
        expectedVersion: 1,
        status: 'paid',
        paidAt: '2024-05-01T02:30:01Z',
        syssn: 'S-PAID',
      })
      assert.ok(result.ok)
      assert.deepEqual(
        [result.checkout.version, result.checkout.status, result.checkout.paidAt],
        [2, 'paid', '2024-05-01T02:30:01.000Z']
      )
      assert.equal(result.checkout.syssn, 'S-PAID')
      assert.equal(result.checkout.updatedAt, ctx.now)
      assert.deepEqual(await ctx.store.get(c.id), result.checkout)
    })

    it('answers conflict with the current row when the version has moved, and changes nothing', async () => {
      const c = await created(ctx.store)
      const paid = await moveTo(ctx.store, c, 'paid')
      const stale = await ctx.store.transition(c.id, { expectedVersion: 1, status: 'expired' })
      assert.equal(stale.ok, false)
      assert.ok(!stale.ok && stale.reason === 'conflict')
      assert.deepEqual(stale.current, paid)
      assert.deepEqual(await ctx.store.get(c.id), paid)
    })

    it('lets exactly one of two racing transitions from the same version win', async () => {
      const c = await created(ctx.store)
      const [a, b] = await Promise.all([
        ctx.store.transition(c.id, { expectedVersion: 1, status: 'paid' }),
        ctx.store.transition(c.id, { expectedVersion: 1, status: 'expired' }),
      ])
      assert.equal([a, b].filter((r) => r.ok).length, 1)
      const loser = a.ok ? b : a
      assert.ok(!loser.ok && loser.reason === 'conflict')
      assert.equal((await ctx.store.get(c.id))?.version, 2)
    })

    it('answers not_found for an unknown id', async () => {
      assert.deepEqual(await ctx.store.transition('nope', { expectedVersion: 1, status: 'paid' }), {
        ok: false,
        reason: 'not_found',
      })
      assert.deepEqual(await ctx.store.transition('nope', { expectedVersion: 1, payUrl: 'x' }), {
        ok: false,
        reason: 'not_found',
      })
    })

    it('allows exactly the documented edges and rejects every other one unchanged', async () => {
      for (const from of STATUSES) {
        for (const to of STATUSES) {
          const c = await checkoutIn(ctx.store, from)
          const patch =
            to === 'partially_refunded'
              ? { refundedAmount: 20 }
              : to === 'refunded'
                ? { refundedAmount: 100 }
                : {}
          const result = await ctx.store.transition(c.id, {
            expectedVersion: c.version,
            status: to,
            ...patch,
          })
          const legal = LEGAL.has(`${from}->${to}`)
          assert.equal(canTransition(from, to), legal, `canTransition(${from}, ${to})`)
          assert.equal(result.ok, legal, `${from} -> ${to}`)
          if (!result.ok) {
            assert.equal(result.reason, 'illegal_transition')
            assert.deepEqual(await ctx.store.get(c.id), c)
          }
        }
      }
    })

    it('flags a payment that lands after cancel or expiry as a late payment', async () => {
      for (const from of ['cancelled', 'expired'] as const) {
        const ended = await checkoutIn(ctx.store, from)
        const paid = await moveTo(ctx.store, ended, 'paid')
        assert.deepEqual([paid.status, paid.latePayment], ['paid', true])
      }
      const onTime = await moveTo(ctx.store, await created(ctx.store), 'paid')
      assert.equal(onTime.latePayment, false)
      assert.equal(onTime.paidAt, ctx.now, 'paidAt defaults to the clock')
    })
  })

  describe('plain patches (update)', () => {
    it('keeps the version for bookkeeping fields but still checks it', async () => {
      const c = await created(ctx.store)
      const result = await ctx.store.transition(c.id, {
        expectedVersion: 1,
        nextCheckAt: '2024-05-01T02:31:00Z',
        checkAttempts: 1,
        upstreamClosed: true,
        syssn: 'S-B',
      })
      assert.ok(result.ok)
      assert.deepEqual([result.checkout.version, result.bumped], [1, false])
      assert.deepEqual(
        [
          result.checkout.nextCheckAt,
          result.checkout.checkAttempts,
          result.checkout.upstreamClosed,
        ],
        ['2024-05-01T02:31:00.000Z', 1, true]
      )
      const paid = await moveTo(ctx.store, result.checkout, 'paid')
      const stale = await ctx.store.transition(c.id, { expectedVersion: 1, checkAttempts: 2 })
      assert.ok(!stale.ok && stale.reason === 'conflict')
      assert.equal((await ctx.store.get(c.id))?.checkAttempts, paid.checkAttempts)
    })

    it('bumps the version when a wire-visible field changes, and not when it is set to its value', async () => {
      const c = await created(ctx.store)
      const first = await ctx.store.transition(c.id, {
        expectedVersion: 1,
        payUrl: 'weixin://wxpay/bizpayurl?pr=abc',
      })
      assert.ok(first.ok && first.bumped)
      assert.equal(first.checkout.version, 2)
      assert.equal(first.checkout.payUrl, 'weixin://wxpay/bizpayurl?pr=abc')
      const same = await ctx.store.transition(c.id, {
        expectedVersion: 2,
        payUrl: 'weixin://wxpay/bizpayurl?pr=abc',
      })
      assert.ok(same.ok && !same.bumped)
      assert.equal(same.checkout.version, 2)
    })

    it('clears nextCheckAt with null, which takes the checkout off the reconciler list', async () => {
      const c = await created(ctx.store)
      const cleared = await ctx.store.transition(c.id, { expectedVersion: 1, nextCheckAt: null })
      assert.ok(cleared.ok)
      assert.equal(cleared.checkout.nextCheckAt, undefined)
      assert.deepEqual(
        await ctx.store.listNonFinal({ dueBefore: '2100-01-01T00:00:00Z', limit: 10 }),
        []
      )
    })

    it('stores a failure object and reads it back', async () => {
      const c = await created(ctx.store)
      const failure = { code: 'gateway_declined', message: 'insufficient balance', respcd: '1201' }
      const failed = await moveTo(ctx.store, c, 'failed', { failure })
      assert.deepEqual(failed.failure, failure)
      assert.deepEqual((await ctx.store.get(c.id))?.failure, failure)
    })
  })

  describe('change feed', () => {
    it('fires once per version bump with only {id, version}', async () => {
      const c = await created(ctx.store)
      const feed = recordChanges(ctx.store)
      const withUrl = await ctx.store.transition(c.id, {
        expectedVersion: 1,
        payUrl: 'https://pay.example/1',
      })
      assert.ok(withUrl.ok)
      await moveTo(ctx.store, withUrl.checkout, 'paid')
      assert.deepEqual(await feed.settle(), [
        { id: c.id, version: 2 },
        { id: c.id, version: 3 },
      ])
      feed.stop()
    })

    it('stays silent on a failed compare-and-set, an illegal transition and a bookkeeping patch', async () => {
      const c = await created(ctx.store)
      const feed = recordChanges(ctx.store)
      await ctx.store.transition(c.id, { expectedVersion: 7, status: 'paid' })
      await ctx.store.transition(c.id, { expectedVersion: 1, status: 'refunded' })
      await ctx.store.transition(c.id, { expectedVersion: 1, checkAttempts: 3 })
      assert.deepEqual(await feed.settle(), [])
      feed.stop()
    })

    it('stops after unsubscribe, and a throwing listener neither fails the write nor starves others', async () => {
      const c = await created(ctx.store)
      const unsubscribeThrowing = ctx.store.subscribe(() => {
        throw new Error('listener bug')
      })
      const feed = recordChanges(ctx.store)
      const paid = await ctx.store.transition(c.id, { expectedVersion: 1, status: 'paid' })
      assert.ok(paid.ok)
      assert.deepEqual(await feed.settle(), [{ id: c.id, version: 2 }])
      assert.ok(ctx.listenerErrors.length >= 1, 'the throwing listener was reported')
      unsubscribeThrowing()
      feed.stop()
      const [errors, seen] = [ctx.listenerErrors.length, feed.changes.length]

      const after = recordChanges(ctx.store)
      await moveTo(ctx.store, paid.checkout, 'refunded', { refundedAmount: 100 })
      assert.deepEqual(await after.settle(), [{ id: c.id, version: 3 }])
      assert.equal(feed.changes.length, seen)
      assert.equal(ctx.listenerErrors.length, errors)
      after.stop()
    })
  })
}
