/**
 * Store contract, part 6: the reconciler's lease (`claimChecks`), so several server instances
 * sharing one store never `/query` the same pending order at the same time.
 */
import assert from 'node:assert/strict'
import { type ContractContext, T0, created, moveTo, plus, recordChanges } from './fixtures.ts'

/** Lease used by these tests, in ms. */
const LEASE = 30_000

/** Registers the reconciler-lease part of the store contract. */
export function describeLeaseContract(ctx: ContractContext): void {
  const { describe, it } = ctx.runner
  describe('reconciler lease (claimChecks)', () => {
    it('claims due pending checkouts by nextCheckAt, up to the limit, and records the lease', async () => {
      const late = await created(ctx.store, { nextCheckAt: plus(T0, 2000) })
      const early = await created(ctx.store, { nextCheckAt: plus(T0, 1000) })
      await created(ctx.store, { nextCheckAt: plus(T0, 60_000) })
      await moveTo(ctx.store, await created(ctx.store), 'paid')
      const unscheduled = await created(ctx.store)
      assert.ok(
        (await ctx.store.transition(unscheduled.id, { expectedVersion: 1, nextCheckAt: null })).ok
      )

      const now = plus(T0, 5000)
      const first = await ctx.store.claimChecks({ now, limit: 1, leaseMs: LEASE, owner: 'a' })
      assert.deepEqual(
        first.map((c) => c.id),
        [early.id]
      )
      assert.deepEqual(
        [first[0]?.checkLeaseUntil, first[0]?.checkLeaseOwner],
        [plus(now, LEASE), 'a']
      )
      const rest = await ctx.store.claimChecks({ now, limit: 10, leaseMs: LEASE, owner: 'a' })
      assert.deepEqual(
        rest.map((c) => c.id),
        [late.id]
      )
      const stored = await ctx.store.get(early.id)
      assert.deepEqual(
        [stored?.checkLeaseUntil, stored?.checkLeaseOwner, stored?.version, stored?.updatedAt],
        [plus(now, LEASE), 'a', 1, early.updatedAt],
        'the lease is stored, and is bookkeeping only'
      )
    })

    it('does not hand a leased checkout to another owner until the lease ends', async () => {
      const c = await created(ctx.store)
      const now = ctx.now
      assert.equal(
        (await ctx.store.claimChecks({ now, limit: 10, leaseMs: LEASE, owner: 'a' })).length,
        1
      )
      assert.deepEqual(
        await ctx.store.claimChecks({
          now: plus(now, LEASE - 1),
          limit: 10,
          leaseMs: LEASE,
          owner: 'b',
        }),
        []
      )
      const [taken] = await ctx.store.claimChecks({
        now: plus(now, LEASE),
        limit: 10,
        leaseMs: LEASE,
        owner: 'b',
      })
      assert.deepEqual(
        [taken?.id, taken?.checkLeaseOwner],
        [c.id, 'b'],
        'a crashed owner’s checkout comes back'
      )
    })

    it('gives each due checkout to exactly one of many concurrent claimers', async () => {
      for (let i = 0; i < 10; i++) await created(ctx.store)
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ctx.store.claimChecks({ now: ctx.now, limit: 3, leaseMs: LEASE, owner: `w${i}` })
        )
      )
      const ids = claims.flat().map((c) => c.id)
      assert.deepEqual([ids.length, new Set(ids).size], [10, 10])
    })

    it('releases the lease with a rescheduling update, without waking subscribers', async () => {
      const c = await created(ctx.store)
      const [claimed] = await ctx.store.claimChecks({
        now: ctx.now,
        limit: 10,
        leaseMs: LEASE,
        owner: 'a',
      })
      assert.ok(claimed)
      const feed = recordChanges(ctx.store)
      const next = plus(ctx.now, 2000)
      const released = await ctx.store.transition(c.id, {
        expectedVersion: claimed.version,
        checkLeaseUntil: null,
        nextCheckAt: next,
        checkAttempts: 1,
      })
      assert.ok(released.ok && !released.bumped)
      assert.deepEqual(
        [released.checkout.checkLeaseUntil, released.checkout.checkLeaseOwner],
        [undefined, undefined]
      )
      assert.deepEqual(
        await ctx.store.claimChecks({ now: plus(next, -1), limit: 10, leaseMs: LEASE, owner: 'b' }),
        []
      )
      const [again] = await ctx.store.claimChecks({
        now: next,
        limit: 10,
        leaseMs: LEASE,
        owner: 'b',
      })
      assert.equal(again?.id, c.id, 'due again at its next check, long before the old lease ended')
      assert.deepEqual(await feed.settle(), [])
      feed.stop()
    })

    it('never claims a checkout once it has left pending', async () => {
      const c = await created(ctx.store)
      const [claimed] = await ctx.store.claimChecks({
        now: ctx.now,
        limit: 10,
        leaseMs: LEASE,
        owner: 'a',
      })
      assert.ok(claimed)
      await moveTo(ctx.store, claimed, 'expired')
      assert.deepEqual(
        await ctx.store.claimChecks({
          now: plus(ctx.now, 10 * LEASE),
          limit: 10,
          leaseMs: LEASE,
          owner: 'b',
        }),
        []
      )
      assert.equal((await ctx.store.get(c.id))?.status, 'expired')
    })
  })
}
