import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Hono } from 'hono'
import { startBed } from '../../../test/support/checkout-test-bed.ts'
import { createMemoryStore } from '../../store/memory.ts'
import type { Store } from '../../store/store.ts'
import { healthRoutes, type HealthReport } from './health.ts'

/** A fetch that counts the gateway calls the app makes. */
function countingFetch(): { fetch: typeof fetch; calls: () => number } {
  let calls = 0
  return {
    fetch: (input, init) => (calls++, globalThis.fetch(input, init)),
    calls: () => calls,
  }
}

describe('health()', () => {
  it('reports ready with the store reachable, and the gateway as last seen, without calling it', async (t) => {
    const counter = countingFetch()
    const bed = await startBed({
      checkout: {
        gateway: { fetch: counter.fetch },
      },
    })
    t.after(() => bed.close())
    const first = await bed.checkout.health()
    assert.equal(first.status, 'ok')
    assert.equal(first.ready, true)
    assert.deepEqual(first.store.reachable && first.store.migrated, true)
    assert.equal(first.gateway.lastSuccess, null)
    assert.equal(counter.calls(), 0, 'health() made a gateway call')

    const created = await bed.create('order-1', '800201')
    assert.equal(created.status, 201)
    const calls = counter.calls()
    const after = await bed.checkout.health()
    assert.equal(counter.calls(), calls, 'health() made a gateway call')
    assert.equal(after.gateway.lastSuccess?.endpoint, 'payment')
    assert.equal(after.gateway.lastSuccess?.code, '0000')
    assert.equal(after.reconciler.backlog, 0, 'a new checkout is not due yet')

    // Four seconds later its first reconciler query is due: the backlog says so.
    await bed.clock.advance(5_000)
    assert.equal((await bed.checkout.health()).reconciler.backlog, 1)
    await bed.checkout.merchant.reconcile()
    const reconciled = await bed.checkout.health()
    assert.equal(reconciled.reconciler.backlog, 0)
    assert.equal(reconciled.reconciler.lastRun?.ok, true)
  })

  it('says degraded with the gateway error when the last call failed, and ok again after a success', async (t) => {
    const bed = await startBed()
    t.after(() => bed.close())
    bed.sandbox.setKnobs({ htmlErrorRate: 1 })
    const failed = await bed.create('order-2', '800201')
    assert.notEqual(failed.status, 201)
    const report = await bed.checkout.health()
    assert.equal(report.status, 'degraded')
    assert.equal(report.ready, true, 'a gateway fault does not make the instance unready')
    assert.equal(report.gateway.lastError?.endpoint, 'payment')
    assert.equal(report.gateway.lastError?.code, '502')
    assert.deepEqual(report.problems, ['last gateway call failed'])
    bed.sandbox.setKnobs({ htmlErrorRate: 0 })
    assert.equal((await bed.create('order-3', '800201')).status, 201)
    assert.equal((await bed.checkout.health()).status, 'ok')
  })

  it('reports a failing hook run from the outbox worker', async (t) => {
    const bed = await startBed({
      checkout: {
        hooks: {
          onPaid: () => {
            throw new Error('warehouse down')
          },
        },
      },
    })
    t.after(() => bed.close())
    const created = await bed.create('order-4', '800201')
    await bed.pay(created.body.id)
    await bed.checkout.merchant.deliverHooks()
    const report = await bed.checkout.health()
    assert.equal(report.outbox.retriesSinceStart, 1)
    assert.equal(report.status, 'degraded')
    assert.deepEqual(report.problems, ['onPaid hook failing'])
    assert.equal(report.outbox.lastHookError?.code, 'onPaid')
    assert.match(report.outbox.lastHookError?.message ?? '', /warehouse down/)
  })

  it('is down (503 on /ready) when the store cannot be read, and live all the same', async (t) => {
    const broken: Store = createMemoryStore()
    const failing = new Proxy(broken, {
      get(target, name) {
        if (name === 'get' || name === 'listNonFinal')
          return () => Promise.reject(new Error('connection refused'))
        const value = Reflect.get(target, name)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const bed = await startBed({ store: failing })
    t.after(() => bed.close())
    const admin = new Hono().route('/health', healthRoutes(bed.checkout))
    const ready = await admin.request('/health/ready')
    assert.equal(ready.status, 503)
    const body = (await ready.json()) as HealthReport
    assert.equal(body.status, 'down')
    assert.equal(body.store.reachable, false)
    assert.match(body.store.error ?? '', /connection refused/)
    const live = await admin.request('/health/live')
    assert.equal(live.status, 200)
    assert.deepEqual(await live.json(), { live: true })
  })

  it('is not on the public mount, and /ready turns 503 once closing', async (t) => {
    const bed = await startBed()
    t.after(() => bed.close())
    for (const path of ['/qfpay/health', '/qfpay/ready', '/qfpay/live'])
      assert.equal((await fetch(`${bed.appUrl}${path}`)).status, 404, path)
    const admin = new Hono().route('/ops', healthRoutes(bed.checkout))
    assert.equal((await admin.request('/ops/ready')).status, 200)
    await bed.checkout.close()
    const closed = await admin.request('/ops/ready')
    assert.equal(closed.status, 503)
    assert.equal(((await closed.json()) as HealthReport).closing, true)
  })
})
