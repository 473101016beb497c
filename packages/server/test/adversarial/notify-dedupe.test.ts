/**
 * Copies of one notify cost one `/query` and one commit, however many arrive. 50 concurrent
 * copies share the first one's work (coalescing); a copy of a notify already acknowledged costs
 * no `/query` at all (dedupe by `syssn`), so it is still answered `SUCCESS` while `/query`
 * fails. The gateway calls are counted at the QFPay client's `fetch`.
 */
import assert from 'node:assert/strict'
import { it, type TestContext } from 'node:test'
import { signNotifyForTest } from '../../src/testing/index.ts'
import { deferred, gateCommits, type GatedStore, settleMicrotasks } from '../support/gated-store.ts'
import { connectionRefused } from '../support/fake-gateway.ts'
import { bed, paidHooks, TEST_KEY } from './helpers.ts'

/** A bed whose `/query` calls are counted, and can be held or refused by the test. */
async function countingBed(t: TestContext) {
  const queries = { count: 0, hold: undefined as Promise<unknown> | undefined, refuse: false }
  let gated: GatedStore | undefined
  const b = await bed(t, {
    knobs: { notifyDropRate: 1 },
    wrapStore: (store) => (gated = gateCommits(store)).store,
    checkout: {
      gateway: {
        fetch: async (input, init) => {
          if (!String(input).endsWith('/trade/v1/query')) return fetch(input, init)
          queries.count++
          if (queries.refuse) throw connectionRefused()
          await queries.hold
          return fetch(input, init)
        },
      },
    },
  })
  return { b, queries, gated: gated! }
}

/** Creates and pays an order whose notify was dropped; returns the notify, signed. */
async function paidOrder(b: Awaited<ReturnType<typeof countingBed>>['b'], order: string) {
  const { body } = await b.create(order, '800151')
  await b.pay(body.id)
  const dropped = b.sandbox.notifies().at(-1)!
  assert.equal(dropped.state, 'dropped')
  const signed = signNotifyForTest(dropped.body, TEST_KEY)
  const post = async () => {
    const res = await b.checkout.request('/notify', {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    })
    return { status: res.status, text: await res.text() }
  }
  return { id: body.id, post }
}

it('answers 50 concurrent copies of one notify with one /query and one commit', async (t) => {
  const { b, queries, gated } = await countingBed(t)
  const { id, post } = await paidOrder(b, 'DUP-50')
  queries.count = 0
  const release = deferred()
  queries.hold = release.promise
  const answers = Array.from({ length: 50 }, () => post())
  // Hold the first /query until every copy has been read and handed to the notify handler (in
  // process: that is promise work only), so all 50 are in flight together.
  while (queries.count === 0) await settleMicrotasks()
  await settleMicrotasks()
  release.resolve()
  const all = await Promise.all(answers)
  assert.deepEqual(
    all.filter((a) => a.status === 200 && a.text === 'SUCCESS').length,
    50,
    JSON.stringify(all.find((a) => a.text !== 'SUCCESS'))
  )
  assert.equal(queries.count, 1, 'copies of one notify must share one /query')
  const toPaid = gated.commits.filter((c) => c.id === id && c.input.status === 'paid')
  assert.equal(toPaid.length, 1, 'copies of one notify must share one commit')
  assert.equal((await b.get(id)).status, 'paid')
  await b.settleHooks()
  assert.deepEqual(paidHooks(b, id), { onPaid: 1, toPaid: 1 })
})

it('acknowledges a copy of an acknowledged notify without a /query, even while /query fails', async (t) => {
  const { b, queries, gated } = await countingBed(t)
  const { id, post } = await paidOrder(b, 'DUP-ACK')
  assert.deepEqual(await post(), { status: 200, text: 'SUCCESS' })
  assert.equal((await b.get(id)).status, 'paid')
  const commits = gated.commits.length

  queries.count = 0
  queries.refuse = true
  assert.deepEqual(await post(), { status: 200, text: 'SUCCESS' })
  assert.equal(queries.count, 0, 'a duplicate of an acknowledged notify must not cost a /query')
  assert.equal(gated.commits.length, commits, 'nor a commit')
  await b.settleHooks()
  assert.deepEqual(paidHooks(b, id), { onPaid: 1, toPaid: 1 })
})
