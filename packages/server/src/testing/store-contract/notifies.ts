/**
 * Store contract, part 5: notifies are recorded, accepted ones once per (syssn, notifyType),
 * rejected ones always and with a reason (docs/decisions.md#how-a-notify-is-answered).
 */
import assert from 'node:assert/strict'
import type { NotifyInput } from '../../store/store.ts'
import type { ContractContext } from './fixtures.ts'
import { T0, created, plus } from './fixtures.ts'

const BODY = '{"status": "1", "syssn": "20240501000200020012345678", "notify_type": "payment"}'

function accepted(overrides: Partial<NotifyInput> = {}): NotifyInput {
  return {
    syssn: '20240501000200020012345678',
    outTradeNo: 'P-1',
    notifyType: 'payment',
    checkoutId: 'c-1',
    accepted: true,
    rawBody: BODY,
    receivedAt: T0,
    ...overrides,
  }
}

/** Registers the notify part of the store contract. */
export function describeNotifyContract(ctx: ContractContext): void {
  const { describe, it } = ctx.runner
  describe('notifies', () => {
    it('records an accepted notify once and reports the repeat as a duplicate of the first', async () => {
      assert.equal(
        await ctx.store.hasAcceptedNotify('20240501000200020012345678', 'payment'),
        false
      )
      const first = await ctx.store.recordNotify(accepted())
      assert.equal(first.duplicate, false)
      assert.deepEqual(
        [first.record.rawBody, first.record.checkoutId, first.record.accepted],
        [BODY, 'c-1', true]
      )
      const again = await ctx.store.recordNotify(accepted({ receivedAt: plus(T0, 120_000) }))
      assert.deepEqual(again, { duplicate: true, record: first.record })
      assert.equal(await ctx.store.hasAcceptedNotify('20240501000200020012345678', 'payment'), true)
    })

    it('keeps a payment and a refund notify for the same syssn apart', async () => {
      await ctx.store.recordNotify(accepted())
      assert.equal(await ctx.store.hasAcceptedNotify('20240501000200020012345678', 'refund'), false)
      assert.equal(
        (await ctx.store.recordNotify(accepted({ notifyType: 'refund' }))).duplicate,
        false
      )
    })

    it('stores exactly one of ten duplicates delivered at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => ctx.store.recordNotify(accepted({ syssn: 'S-RACE' })))
      )
      assert.equal(results.filter((r) => !r.duplicate).length, 1)
      assert.equal(new Set(results.map((r) => r.record.id)).size, 1)
    })

    it('records every rejected notify with its reason, each time, without counting it as accepted', async () => {
      const bad = { accepted: false, checkoutId: undefined } as const
      const recorded = [
        await ctx.store.recordNotify(accepted({ ...bad, reason: 'bad_signature', receivedAt: T0 })),
        await ctx.store.recordNotify(
          accepted({ ...bad, reason: 'bad_signature', receivedAt: plus(T0, 1000) })
        ),
        await ctx.store.recordNotify(
          accepted({
            ...bad,
            reason: 'unparseable_body',
            syssn: undefined,
            rawBody: 'not json',
            receivedAt: plus(T0, 2000),
          })
        ),
      ]
      assert.deepEqual(
        recorded.map((r) => [r.duplicate, r.record.accepted, r.record.reason, r.record.receivedAt]),
        [
          [false, false, 'bad_signature', T0],
          [false, false, 'bad_signature', plus(T0, 1000)],
          [false, false, 'unparseable_body', plus(T0, 2000)],
        ]
      )
      assert.equal(new Set(recorded.map((r) => r.record.id)).size, 3)
      assert.equal(recorded[2]?.record.syssn, undefined)
      assert.equal(
        await ctx.store.hasAcceptedNotify('20240501000200020012345678', 'payment'),
        false
      )
      assert.equal((await ctx.store.recordNotify(accepted())).duplicate, false)
      if (ctx.store.pruneRejectedNotifies)
        assert.equal(await ctx.store.pruneRejectedNotifies(plus(T0, 60_000)), 3)
    })

    it('records the notify of a transition in the same commit, and only if it commits', async () => {
      const c = await created(ctx.store)
      const stale = await ctx.store.transition(c.id, {
        expectedVersion: 7,
        status: 'paid',
        notify: accepted({ checkoutId: c.id, syssn: 'S-STALE' }),
      })
      assert.equal(stale.ok, false)
      assert.equal(await ctx.store.hasAcceptedNotify('S-STALE', 'payment'), false)

      const paid = await ctx.store.transition(c.id, {
        expectedVersion: 1,
        status: 'paid',
        syssn: 'S-TX',
        notify: accepted({ checkoutId: c.id, syssn: 'S-TX' }),
      })
      assert.ok(paid.ok)
      assert.equal(paid.notify?.duplicate, false)
      assert.deepEqual(
        [paid.notify?.record.syssn, paid.notify?.record.checkoutId, paid.notify?.record.rawBody],
        ['S-TX', c.id, BODY]
      )
      assert.equal(await ctx.store.hasAcceptedNotify('S-TX', 'payment'), true)
      assert.deepEqual(
        await ctx.store.recordNotify(accepted({ syssn: 'S-TX', checkoutId: c.id })),
        { duplicate: true, record: paid.notify?.record },
        'the notify written with the transition dedupes a later one'
      )
    })

    it('still dedupes a transition notify whose syssn was already accepted, and still transitions', async () => {
      const first = await ctx.store.recordNotify(accepted({ syssn: 'S-DUP' }))
      const c = await created(ctx.store)
      const paid = await ctx.store.transition(c.id, {
        expectedVersion: 1,
        status: 'paid',
        notify: accepted({ syssn: 'S-DUP', receivedAt: plus(T0, 1000) }),
      })
      assert.ok(paid.ok)
      assert.equal(paid.checkout.status, 'paid')
      assert.deepEqual(paid.notify, { duplicate: true, record: first.record })
    })

    it('records no notify when the transition fails on a unique index', async () => {
      const a = await created(ctx.store)
      const b = await created(ctx.store)
      assert.ok((await ctx.store.transition(a.id, { expectedVersion: 1, syssn: 'S-TAKEN' })).ok)
      await assert.rejects(
        ctx.store.transition(b.id, {
          expectedVersion: 1,
          status: 'paid',
          syssn: 'S-TAKEN',
          notify: accepted({ syssn: 'S-OTHER', checkoutId: b.id }),
        })
      )
      assert.equal(await ctx.store.hasAcceptedNotify('S-OTHER', 'payment'), false)
      assert.equal((await ctx.store.get(b.id))?.status, 'pending')
    })

    it('refuses a transition carrying a rejected notify, changing nothing', async () => {
      const c = await created(ctx.store)
      await assert.rejects(
        ctx.store.transition(c.id, {
          expectedVersion: 1,
          status: 'paid',
          notify: accepted({ accepted: false, reason: 'amount_mismatch' }),
        }),
        TypeError
      )
      assert.equal((await ctx.store.get(c.id))?.status, 'pending')
      await assertNoRejectedNotifies(ctx)
    })

    it('refuses a rejected notify without a reason and an accepted one without a syssn', async () => {
      await assert.rejects(ctx.store.recordNotify(accepted({ accepted: false })), TypeError)
      await assert.rejects(ctx.store.recordNotify(accepted({ syssn: undefined })), TypeError)
      await assertNoRejectedNotifies(ctx)
      assert.equal(
        await ctx.store.hasAcceptedNotify('20240501000200020012345678', 'payment'),
        false
      )
    })
  })
}

/** Nothing rejected was stored (seen through `pruneRejectedNotifies`, when the store has it). */
async function assertNoRejectedNotifies(ctx: ContractContext): Promise<void> {
  if (ctx.store.pruneRejectedNotifies)
    assert.equal(await ctx.store.pruneRejectedNotifies('2100-01-01T00:00:00.000Z'), 0)
}
