/**
 * `SUCCESS` is the promise QFPay relies on to stop retrying a notify, so it may only be said once
 * the paid transition is durable. The store's commit is held open (nothing is answered until the
 * test lets it through) or made to fail (the notify is answered 5xx, nothing is recorded as
 * accepted, and QFPay's retry then succeeds). The notify is posted in process (`app.request`),
 * so the only thing it can wait on is the commit the test holds.
 */
import assert from 'node:assert/strict'
import { it, type TestContext } from 'node:test'
import { signNotifyForTest } from '../../src/testing/index.ts'
import { deferred, gateCommits, type GatedStore, settleMicrotasks } from '../support/gated-store.ts'
import { bed, paidHooks, TEST_KEY } from './helpers.ts'

/** A paid order whose notify was never delivered, and that notify, signed, ready to post. */
async function paidWithHeldNotify(t: TestContext, order: string) {
  let gated: GatedStore | undefined
  const b = await bed(t, {
    knobs: { notifyDropRate: 1 },
    wrapStore: (store) => (gated = gateCommits(store)).store,
  })
  const { body } = await b.create(order, '800201')
  await b.pay(body.id)
  const dropped = b.sandbox.notifies()[0]!
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
  return { b, id: body.id, post, gated: gated! }
}

it('answers a notify only after the paid transition is committed', async (t) => {
  const { b, id, post, gated } = await paidWithHeldNotify(t, 'DUR-1')
  const gate = deferred()
  let reached = false
  gated.decide = (input) => {
    if (input.status !== 'paid') return {}
    reached = true
    return { wait: gate.promise }
  }
  let answer: { status: number; text: string } | undefined
  const answered = post().then((a) => (answer = a))

  // Everything up to the commit runs in process; once it waits on the held commit, nothing else
  // can move the notify along.
  while (!reached) await settleMicrotasks()
  await settleMicrotasks()
  assert.equal(answer, undefined, 'the notify was answered while its commit was still open')
  assert.equal((await b.get(id)).status, 'pending')

  gate.resolve()
  await answered
  assert.deepEqual(answer, { status: 200, text: 'SUCCESS' })
  assert.equal((await b.get(id)).status, 'paid')
  await b.settleHooks()
  assert.deepEqual(paidHooks(b, id), { onPaid: 1, toPaid: 1 })
})

it('answers 5xx when the commit fails, records nothing as accepted, and the retry then succeeds', async (t) => {
  const { b, id, post, gated } = await paidWithHeldNotify(t, 'DUR-2')
  gated.decide = (input) =>
    input.status === 'paid' ? { fail: new Error('database connection lost') } : {}
  const failed = await post()
  assert.ok(failed.status >= 500, `answered ${failed.status} ${failed.text}`)
  assert.notEqual(failed.text, 'SUCCESS')
  const record = await b.get(id)
  assert.equal(record.status, 'pending')
  assert.equal(await b.store.hasAcceptedNotify(record.syssn!, 'payment'), false)

  // QFPay retries the same bytes; the store is back.
  gated.decide = () => ({})
  assert.deepEqual(await post(), { status: 200, text: 'SUCCESS' })
  assert.equal((await b.get(id)).status, 'paid')
  assert.equal(await b.store.hasAcceptedNotify(record.syssn!, 'payment'), true)
  await b.settleHooks()
  assert.deepEqual(paidHooks(b, id), { onPaid: 1, toPaid: 1 })
})
