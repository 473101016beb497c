/**
 * Closing orders under today's rules (the sandbox's `cancelRules: 'current'`): the endpoint per
 * pay type from the 2026 docs, the original `txdtm`, and HK types that cannot be cancelled.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { type Bed, startBed } from '../../../test/support/checkout-test-bed.ts'

async function bed(t: TestContext, calls: string[]): Promise<Bed> {
  const b = await startBed({
    profile: 'current',
    checkout: {
      payTypes: ['800151', '800201', '801512'],
      currency: 'HKD',
      gateway: {
        fetch: async (input, init) => {
          calls.push(new URL(String(input)).pathname.replace('/trade/v1/', ''))
          return fetch(input, init)
        },
      },
    },
  })
  t.after(() => b.close())
  return b
}

describe('cancel under the current docs', () => {
  it('WeChat 800201: /close refused as not applicable, /reversal (2026 rule) closes it', async (t) => {
    const calls: string[] = []
    const b = await bed(t, calls)
    const { body } = await b.create('CC-1', '800201')
    const res = await b.cancel(body.id)
    assert.equal(res.status, 200)
    const record = await b.get(body.id)
    assert.equal(record.status, 'cancelled')
    assert.equal(record.upstreamClosed, true, 'the original txdtm was accepted')
    assert.deepEqual(calls.slice(-3), ['query', 'close', 'reversal'])
    // Learned: the next one goes to /reversal at once.
    const second = await b.create('CC-2', '800201')
    await b.cancel(second.body.id)
    assert.deepEqual(calls.slice(-2), ['query', 'reversal'])
  })

  it('AlipayHK WAP 801512 cannot be cancelled (1297): cancelled here, the gateway asked once', async (t) => {
    const calls: string[] = []
    const b = await bed(t, calls)
    const { status, body } = await b.create('CC-3', '801512')
    assert.equal(status, 201, JSON.stringify(body))
    assert.equal((await b.cancel(body.id)).status, 200)
    const record = await b.get(body.id)
    assert.equal(record.status, 'cancelled')
    assert.equal(record.upstreamClosed, false)
    assert.deepEqual(calls.slice(-2), ['query', 'reversal'])
  })
})
