/**
 * The one behaviour suite every `Store` must pass: memory, SQLite, PostgreSQL, and a merchant's
 * own store. Runner-agnostic: it registers its tests through the `describe`/`it`/`beforeEach`/
 * `afterEach` it is given (node:test, Vitest, Jest, Mocha), and asserts with `node:assert`.
 * Not a `.test.ts` itself: each implementation's test file calls `describeStoreContract`.
 */
import assert from 'node:assert/strict'
import { describeLeaseContract } from './leases.ts'
import { describeNotifyContract } from './notifies.ts'
import { describeOutboxContract } from './outbox.ts'
import { describeRefundContract } from './refunds.ts'
import { describeTransitionContract } from './transitions.ts'
import {
  type ContractContext,
  type MakeStore,
  type TestRunner,
  PATH_TO,
  T0,
  advance,
  checkoutInput,
  created,
  moveTo,
  plus,
  recordChanges,
} from './fixtures.ts'

export type { MakeStore, TestRunner } from './fixtures.ts'

/**
 * Register the store contract under `describe(name)`. `makeStore` is called before every test
 * with an injected clock and must return a fresh, empty store; the suite closes it afterwards.
 * `runner` is your test framework's `describe`, `it`, `beforeEach` and `afterEach`.
 *
 * @example
 * import { afterEach, beforeEach, describe, it } from 'node:test'
 * import { describeStoreContract } from '@qfpay-checkout/server/testing'
 * describeStoreContract('my store', async (options) => createMyStore(options), {
 *   describe, it, beforeEach, afterEach,
 * })
 */
export function describeStoreContract(
  name: string,
  makeStore: MakeStore,
  runner: TestRunner
): void {
  const { describe, beforeEach, afterEach } = runner
  describe(name, () => {
    const ctx = { now: T0, listenerErrors: [] as unknown[], runner } as ContractContext
    beforeEach(async () => {
      ctx.now = T0
      ctx.listenerErrors = []
      ctx.store = await makeStore({
        clock: () => new Date(ctx.now),
        onListenerError: (e) => ctx.listenerErrors.push(e),
      })
    })
    afterEach(async () => {
      await ctx.store.close()
    })

    describeCreateContract(ctx)
    describeTransitionContract(ctx)
    describeOutboxContract(ctx)
    describeRefundContract(ctx)
    describeNotifyContract(ctx)
    describeLeaseContract(ctx)
  })
}

function describeCreateContract(ctx: ContractContext): void {
  const { describe, it } = ctx.runner
  describe('create and read', () => {
    it('creates a pending checkout at version 1 with no refunds and a reconciler check due at once', async () => {
      const input = checkoutInput({ goodsName: 'Coffee', mount: 'public' })
      const result = await ctx.store.create(input)
      assert.equal(result.kind, 'created')
      const c = result.checkout
      assert.deepEqual(
        [c.status, c.version, c.refundedAmount, c.latePayment, c.checkAttempts, c.upstreamClosed],
        ['pending', 1, 0, false, 0, false]
      )
      assert.deepEqual(
        [c.order, c.payType, c.amount, c.currency, c.goodsName, c.outTradeNo, c.mount],
        [input.order, input.payType, 100, 'HKD', 'Coffee', input.outTradeNo, 'public']
      )
      assert.equal(c.createdAt, T0)
      assert.equal(c.nextCheckAt, T0)
      assert.deepEqual(await ctx.store.get(c.id), c)
    })

    it('gives each checkout an unguessable id of at least 128 random bits', async () => {
      const a = await created(ctx.store)
      const b = await created(ctx.store)
      assert.notEqual(a.id, b.id)
      for (const id of [a.id, b.id]) {
        assert.match(id, /^[A-Za-z0-9_-]+$/)
        assert.ok(Buffer.from(id, 'base64url').length >= 16, `${id} carries fewer than 16 bytes`)
        assert.ok(!id.includes(a.outTradeNo))
      }
    })

    it('normalises times to ISO-8601 UTC with milliseconds', async () => {
      const c = await created(ctx.store, {
        expiresAt: '2024-05-01T10:30:00+08:00',
        createdAt: '2024-05-01T02:00:00Z',
      })
      assert.equal(c.expiresAt, '2024-05-01T02:30:00.000Z')
      assert.equal(c.createdAt, '2024-05-01T02:00:00.000Z')
    })

    it('returns the pending checkout instead of a second one for the same order and pay type', async () => {
      const first = await created(ctx.store, { order: 'A-1' })
      const again = await ctx.store.create(checkoutInput({ order: 'A-1' }))
      assert.equal(again.kind, 'existing')
      assert.equal(again.checkout.id, first.id)
      assert.equal(again.checkout.outTradeNo, first.outTradeNo)
    })

    it('keeps exactly one pending row when 20 creates for one order and pay type race', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => ctx.store.create(checkoutInput({ order: 'RACE' })))
      )
      assert.equal(results.filter((r) => r.kind === 'created').length, 1)
      assert.equal(new Set(results.map((r) => r.checkout.id)).size, 1)
      assert.equal((await ctx.store.listPendingByOrder('RACE')).length, 1)
    })

    it('allows one pending checkout per pay type and lists an order’s pending ones oldest first', async () => {
      const wechat = await created(ctx.store, { order: 'A-2', payType: '800201' })
      advance(ctx, 1000)
      const alipay = await created(ctx.store, { order: 'A-2', payType: '800151', flow: 'redirect' })
      await created(ctx.store, { order: 'OTHER' })
      assert.deepEqual(
        (await ctx.store.listPendingByOrder('A-2')).map((c) => c.id),
        [wechat.id, alipay.id]
      )
    })

    it('creates a new pending checkout once the previous one for the order and pay type has ended', async () => {
      const first = await created(ctx.store, { order: 'A-3' })
      await moveTo(ctx.store, first, 'expired')
      const second = await ctx.store.create(checkoutInput({ order: 'A-3' }))
      assert.equal(second.kind, 'created')
      assert.notEqual(second.checkout.id, first.id)
    })

    it('answers already_paid with the paid checkout once any checkout of the order is paid', async () => {
      const wechat = await created(ctx.store, { order: 'A-4', payType: '800201' })
      await moveTo(ctx.store, wechat, 'paid')
      const again = await ctx.store.create(checkoutInput({ order: 'A-4', payType: '800151' }))
      assert.equal(again.kind, 'already_paid')
      assert.equal(again.checkout.id, wechat.id)
    })

    it('counts a partially refunded or refunded order as paid, and an ended unpaid one as not', async () => {
      const kinds: Record<string, string> = {}
      for (const status of ['partially_refunded', 'refunded', 'cancelled', 'failed'] as const) {
        let c = await created(ctx.store, { order: `A-${status}` })
        for (const step of PATH_TO[status])
          c = await moveTo(ctx.store, c, step, {
            refundedAmount: { partially_refunded: 10, refunded: 100 }[step as string] ?? 0,
          })
        kinds[status] = (await ctx.store.create(checkoutInput({ order: `A-${status}` }))).kind
      }
      assert.deepEqual(kinds, {
        partially_refunded: 'already_paid',
        refunded: 'already_paid',
        cancelled: 'created',
        failed: 'created',
      })
    })

    it('refuses a reused outTradeNo as a unique_violation fault', async () => {
      const first = await created(ctx.store)
      await assert.rejects(ctx.store.create(checkoutInput({ outTradeNo: first.outTradeNo })), {
        code: 'unique_violation',
      })
    })

    it('finds a checkout by outTradeNo, and keeps the syssn it is given', async () => {
      const c = await created(ctx.store)
      const updated = await ctx.store.transition(c.id, {
        expectedVersion: c.version,
        syssn: '20240501000200020012345678',
      })
      assert.ok(updated.ok)
      assert.equal((await ctx.store.getByOutTradeNo(c.outTradeNo))?.id, c.id)
      assert.equal((await ctx.store.get(c.id))?.syssn, '20240501000200020012345678')
      assert.equal(await ctx.store.get('no-such-id'), undefined)
      assert.equal(await ctx.store.getByOutTradeNo('no-such-number'), undefined)
    })

    it('refuses a syssn that another checkout already holds', async () => {
      const a = await created(ctx.store)
      const b = await created(ctx.store)
      assert.ok((await ctx.store.transition(a.id, { expectedVersion: 1, syssn: 'S-1' })).ok)
      await assert.rejects(ctx.store.transition(b.id, { expectedVersion: 1, syssn: 'S-1' }), {
        code: 'unique_violation',
      })
      assert.equal((await ctx.store.get(b.id))?.syssn, undefined)
    })

    it('lists newest first, filters by status and pages with the last id seen', async () => {
      const ids: string[] = []
      for (let i = 0; i < 5; i++) {
        ids.push((await created(ctx.store)).id)
        advance(ctx, 1000)
      }
      const paid = await moveTo(ctx.store, (await ctx.store.get(ids[1]!))!, 'paid')
      const page1 = await ctx.store.list({ limit: 2 })
      assert.deepEqual(
        page1.map((c) => c.id),
        [ids[4], ids[3]]
      )
      const page2 = await ctx.store.list({ limit: 2, before: page1[1]!.id })
      assert.deepEqual(
        page2.map((c) => c.id),
        [ids[2], ids[1]]
      )
      assert.deepEqual(
        (await ctx.store.list({ status: 'paid' })).map((c) => c.id),
        [paid.id]
      )
    })

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const c = await created(ctx.store)
      c.status = 'paid'
      c.amount = 1
      const fresh = await ctx.store.get(c.id)
      assert.deepEqual([fresh?.status, fresh?.amount], ['pending', 100])
    })

    it('tells subscribers about a creation as version 1, and not about a create that found a pending one', async () => {
      const feed = recordChanges(ctx.store)
      const c = await created(ctx.store, { order: 'A-5' })
      await ctx.store.create(checkoutInput({ order: 'A-5' }))
      assert.deepEqual(await feed.settle(), [{ id: c.id, version: 1 }])
      feed.stop()
    })

    it('lists only pending checkouts due by the given time, by nextCheckAt, up to the limit', async () => {
      const late = await created(ctx.store, { nextCheckAt: plus(T0, 5000) })
      const early = await created(ctx.store, { nextCheckAt: plus(T0, 1000) })
      const notYet = await created(ctx.store, { nextCheckAt: plus(T0, 60_000) })
      const paid = await moveTo(ctx.store, await created(ctx.store, { nextCheckAt: T0 }), 'paid')
      const unscheduled = await created(ctx.store, { nextCheckAt: T0 })
      assert.ok(
        (await ctx.store.transition(unscheduled.id, { expectedVersion: 1, nextCheckAt: null })).ok
      )

      const due = await ctx.store.listNonFinal({ dueBefore: plus(T0, 5000), limit: 10 })
      assert.deepEqual(
        due.map((c) => c.id),
        [early.id, late.id]
      )
      assert.deepEqual(
        (await ctx.store.listNonFinal({ dueBefore: plus(T0, 5000), limit: 1 })).map((c) => c.id),
        [early.id]
      )
      assert.ok(!due.some((c) => c.id === notYet.id || c.id === paid.id))
    })
  })
}
