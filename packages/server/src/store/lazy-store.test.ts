import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLazyStore } from './lazy-store.ts'
import { createMemoryStore } from './memory.ts'
import type { CheckoutChange } from './store.ts'

const input = {
  order: 'A-1',
  payType: '800201',
  flow: 'qr' as const,
  amount: 100,
  currency: 'CNY',
  outTradeNo: 'P0123456789abcdef',
  expiresAt: new Date(Date.now() + 600_000).toISOString(),
}

describe('createLazyStore', () => {
  it('opens the store only when it is first used, and only once', async () => {
    let opened = 0
    const store = createLazyStore(async () => (opened++, createMemoryStore()))
    assert.equal(opened, 0)
    const created = await store.create(input)
    assert.equal(created.kind, 'created')
    assert.equal((await store.get(created.checkout.id))?.amount, 100)
    assert.equal(opened, 1)
    await store.close()
  })

  it('delivers changes to a listener that subscribed before the store was open', async () => {
    const store = createLazyStore(async () => createMemoryStore())
    const seen: CheckoutChange[] = []
    const unsubscribe = store.subscribe((change) => seen.push(change))
    const created = await store.create(input)
    assert.deepEqual(
      seen.map((c) => c.id),
      [created.checkout.id]
    )
    unsubscribe()
    await store.create({ ...input, order: 'A-2', outTradeNo: 'P1123456789abcdef' })
    assert.equal(seen.length, 1)
    await store.close()
  })

  it('never opens a store that was never used, and refuses calls after close', async () => {
    let opened = 0
    const store = createLazyStore(async () => (opened++, createMemoryStore()))
    await store.close()
    assert.equal(opened, 0)
    await assert.rejects(store.get('x'), /closed/)
  })

  it('surfaces a failure to open on the call that needed the store', async () => {
    const store = createLazyStore(async () => {
      throw new Error('disk full')
    })
    await assert.rejects(store.get('x'), /disk full/)
  })
})
