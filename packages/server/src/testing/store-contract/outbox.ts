/**
 * Store contract, part 3: the durable outbox that drives `onPaid` / `onStatus` once per
 * transition, with leases so concurrent workers never run one entry at the same time.
 */
import assert from 'node:assert/strict'
import { toWireCheckout } from '../../model/wire.ts'
import { type ContractContext, advance, created, moveTo, plus } from './fixtures.ts'

/** Lease used by these tests, in ms. */
const LEASE = 30_000

/** Registers the outbox part of the store contract. */
export function describeOutboxContract(ctx: ContractContext): void {
  const { describe, it } = ctx.runner
  describe('outbox', () => {
    it('enqueues onPaid and onStatus with the transition, carrying the checkout as of that version', async () => {
      const c = await created(ctx.store)
      assert.deepEqual(
        await ctx.store.claimDue({ now: ctx.now, limit: 10, leaseMs: LEASE }),
        [],
        'creation enqueues nothing'
      )
      const paid = await moveTo(ctx.store, c, 'paid')
      await moveTo(ctx.store, paid, 'refunded', { refundedAmount: 100 })

      const entries = await ctx.store.claimDue({ now: ctx.now, limit: 10, leaseMs: LEASE })
      assert.deepEqual(entries.map((e) => e.id).sort(), [
        `${c.id}:2:onPaid`,
        `${c.id}:2:onStatus`,
        `${c.id}:3:onStatus`,
      ])
      const onPaid = entries.find((e) => e.topic === 'onPaid')!
      assert.deepEqual(
        [onPaid.checkoutId, onPaid.version, onPaid.fromStatus, onPaid.attempts],
        [c.id, 2, 'pending', 1]
      )
      assert.deepEqual(
        onPaid.checkout,
        toWireCheckout(paid),
        'the hook sees the paid checkout, not the later refund'
      )
      assert.equal(onPaid.leaseUntil, plus(ctx.now, LEASE))
    })

    it('enqueues nothing for a plain patch or a rejected transition', async () => {
      const c = await created(ctx.store)
      await ctx.store.transition(c.id, { expectedVersion: 1, payUrl: 'https://pay.example/x' })
      await ctx.store.transition(c.id, { expectedVersion: 1, status: 'paid' })
      await ctx.store.transition(c.id, { expectedVersion: 2, status: 'refunded' })
      assert.deepEqual(await ctx.store.claimDue({ now: ctx.now, limit: 10, leaseMs: LEASE }), [])
    })

    it('enqueues only the hooks a transition asks for', async () => {
      const a = await created(ctx.store)
      const paidA = await ctx.store.transition(a.id, {
        expectedVersion: 1,
        status: 'paid',
        hooks: ['onPaid'],
      })
      assert.ok(paidA.ok)
      const b = await created(ctx.store)
      assert.ok(
        (
          await ctx.store.transition(b.id, {
            expectedVersion: 1,
            status: 'cancelled',
            hooks: ['onPaid'],
          })
        ).ok
      )
      const c = await created(ctx.store)
      assert.ok(
        (await ctx.store.transition(c.id, { expectedVersion: 1, status: 'paid', hooks: [] })).ok
      )
      const refund = await ctx.store.createRefund({
        checkoutId: a.id,
        amount: 100,
        outTradeNo: 'R-HOOKS',
      })
      assert.ok(refund.ok)
      const done = await ctx.store.updateRefund(refund.refund.id, {
        status: 'succeeded',
        hooks: ['onStatus'],
      })
      assert.equal(done.ok && done.checkout?.status, 'refunded')
      const entries = await ctx.store.claimDue({ now: ctx.now, limit: 10, leaseMs: LEASE })
      assert.deepEqual(
        entries.map((e) => e.id).sort(),
        [`${a.id}:2:onPaid`, `${a.id}:3:onStatus`].sort()
      )
    })

    it('completes several entries at once', async () => {
      for (let i = 0; i < 3; i++) await moveTo(ctx.store, await created(ctx.store), 'expired')
      const entries = await ctx.store.claimDue({ now: ctx.now, limit: 10, leaseMs: LEASE })
      assert.equal(entries.length, 3)
      await ctx.store.completeOutbox(entries.slice(0, 2).map((e) => e.id))
      await ctx.store.completeOutbox([])
      const later = plus(ctx.now, 10 * LEASE)
      assert.deepEqual(
        (await ctx.store.claimDue({ now: later, limit: 10, leaseMs: LEASE })).map((e) => e.id),
        [entries[2]!.id]
      )
      for (const e of entries.slice(0, 2))
        assert.equal(await ctx.store.failOutbox(e.id, later, 'late'), false, 'completed stays done')
    })

    it('does not hand a leased entry to a second claimer until the lease runs out', async () => {
      const c = await created(ctx.store)
      await moveTo(ctx.store, c, 'expired')
      const t = ctx.now
      const [first] = await ctx.store.claimDue({ now: t, limit: 10, leaseMs: LEASE })
      assert.ok(first)
      assert.deepEqual(
        await ctx.store.claimDue({ now: plus(t, LEASE - 1), limit: 10, leaseMs: LEASE }),
        []
      )
      const [again] = await ctx.store.claimDue({ now: plus(t, LEASE), limit: 10, leaseMs: LEASE })
      assert.equal(again?.id, first.id, 'an expired lease re-delivers the entry')
      assert.equal(again?.attempts, 2)
    })

    it('gives each due entry to exactly one of many concurrent claimers', async () => {
      for (let i = 0; i < 10; i++) await moveTo(ctx.store, await created(ctx.store), 'cancelled')
      const claims = await Promise.all(
        Array.from({ length: 6 }, () =>
          ctx.store.claimDue({ now: ctx.now, limit: 3, leaseMs: LEASE })
        )
      )
      const ids = claims.flat().map((e) => e.id)
      assert.equal(ids.length, 10)
      assert.equal(new Set(ids).size, 10)
    })

    it('claims oldest first, up to the limit, and skips entries not yet available', async () => {
      const a = await moveTo(ctx.store, await created(ctx.store), 'failed')
      advance(ctx, 1000)
      const b = await moveTo(ctx.store, await created(ctx.store), 'failed')
      advance(ctx, 1000)
      await moveTo(ctx.store, await created(ctx.store), 'failed')
      const claimed = await ctx.store.claimDue({ now: plus(ctx.now, -1), limit: 5, leaseMs: LEASE })
      assert.deepEqual(
        claimed.map((e) => e.checkoutId),
        [a.id, b.id]
      )
      const limited = await ctx.store.claimDue({
        now: plus(ctx.now, LEASE),
        limit: 1,
        leaseMs: LEASE,
      })
      assert.deepEqual(
        limited.map((e) => e.checkoutId),
        [a.id]
      )
    })

    it('never delivers a completed entry again', async () => {
      await moveTo(ctx.store, await created(ctx.store), 'expired')
      const [entry] = await ctx.store.claimDue({ now: ctx.now, limit: 10, leaseMs: LEASE })
      assert.ok(entry)
      await ctx.store.completeOutbox(entry.id)
      assert.deepEqual(
        await ctx.store.claimDue({ now: plus(ctx.now, 10 * LEASE), limit: 10, leaseMs: LEASE }),
        []
      )
      assert.equal(
        await ctx.store.failOutbox(entry.id, ctx.now, 'late failure'),
        false,
        'a completed entry stays completed'
      )
    })

    it('retries a failed entry at the given time, not before, and keeps the error', async () => {
      await moveTo(ctx.store, await created(ctx.store), 'expired')
      const [entry] = await ctx.store.claimDue({ now: ctx.now, limit: 10, leaseMs: LEASE })
      assert.ok(entry)
      const retryAt = plus(ctx.now, 5000)
      assert.equal(
        await ctx.store.failOutbox(entry.id, retryAt, 'merchant hook threw: boom', entry.attempts),
        true
      )
      assert.deepEqual(
        await ctx.store.claimDue({ now: plus(retryAt, -1), limit: 10, leaseMs: LEASE }),
        []
      )
      const [retry] = await ctx.store.claimDue({ now: retryAt, limit: 10, leaseMs: LEASE })
      assert.deepEqual(
        [retry?.id, retry?.attempts, retry?.lastError],
        [entry.id, 2, 'merchant hook threw: boom']
      )
    })

    it('ignores a failure report from a worker whose lease was taken over', async () => {
      await moveTo(ctx.store, await created(ctx.store), 'expired')
      const [stale] = await ctx.store.claimDue({ now: ctx.now, limit: 10, leaseMs: LEASE })
      assert.ok(stale)
      const [current] = await ctx.store.claimDue({
        now: plus(ctx.now, LEASE),
        limit: 10,
        leaseMs: LEASE,
      })
      assert.equal(current?.attempts, 2)
      assert.equal(
        await ctx.store.failOutbox(stale.id, ctx.now, 'stale worker', stale.attempts),
        false
      )
      assert.deepEqual(
        await ctx.store.claimDue({ now: plus(ctx.now, LEASE + 1), limit: 10, leaseMs: LEASE }),
        [],
        'the new lease still holds'
      )
    })
  })
}
