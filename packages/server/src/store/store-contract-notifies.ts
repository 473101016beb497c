/**
 * Store contract, part 5: notifies are recorded, accepted ones once per (syssn, notifyType),
 * rejected ones always and with a reason (design.md §3, qfpay-api.md §8).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { NotifyInput } from './store.ts'
import type { ContractContext } from './store-contract-fixtures.ts'
import { T0, plus } from './store-contract-fixtures.ts'

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

    it('records every rejected notify with its reason, newest first, without counting it as accepted', async () => {
      const bad = { accepted: false, checkoutId: undefined } as const
      await ctx.store.recordNotify(accepted({ ...bad, reason: 'bad_signature', receivedAt: T0 }))
      await ctx.store.recordNotify(
        accepted({ ...bad, reason: 'bad_signature', receivedAt: plus(T0, 1000) })
      )
      await ctx.store.recordNotify(
        accepted({
          ...bad,
          reason: 'unparseable_body',
          syssn: undefined,
          rawBody: 'not json',
          receivedAt: plus(T0, 2000),
        })
      )
      const rejected = await ctx.store.listRejectedNotifies()
      assert.deepEqual(
        rejected.map((n) => [n.reason, n.receivedAt]),
        [
          ['unparseable_body', plus(T0, 2000)],
          ['bad_signature', plus(T0, 1000)],
          ['bad_signature', T0],
        ]
      )
      assert.ok(rejected.every((n) => !n.accepted))
      assert.equal(rejected[0]?.syssn, undefined)
      assert.equal(
        await ctx.store.hasAcceptedNotify('20240501000200020012345678', 'payment'),
        false
      )
      assert.equal((await ctx.store.recordNotify(accepted())).duplicate, false)
      assert.deepEqual(
        (await ctx.store.listRejectedNotifies({ limit: 1 })).map((n) => n.reason),
        ['unparseable_body']
      )
    })

    it('refuses a rejected notify without a reason and an accepted one without a syssn', async () => {
      await assert.rejects(ctx.store.recordNotify(accepted({ accepted: false })), TypeError)
      await assert.rejects(ctx.store.recordNotify(accepted({ syssn: undefined })), TypeError)
      assert.deepEqual(await ctx.store.listRejectedNotifies(), [])
    })
  })
}
