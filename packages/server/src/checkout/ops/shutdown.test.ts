import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startBed, TEST_APPCODE, TEST_KEY } from '../../../test/support/checkout-test-bed.ts'
import { createCheckout } from '../app/create-checkout.ts'
import { silentLogger } from '../app/logger.ts'
import { createMemoryStore } from '../../store/memory.ts'
import { SseReader } from '../routes/sse-reader.ts'

/** A gateway fetch whose `/query` calls wait at a gate the test opens. */
function gatedQueries() {
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  let waiting = 0
  let arrived!: () => void
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve))
  const fetch: typeof globalThis.fetch = async (input, init) => {
    if (String(input).endsWith('/query')) {
      waiting++
      arrived()
      await gate
    }
    return globalThis.fetch(input, init)
  }
  return { fetch, open, firstArrived, waiting: () => waiting }
}

/** Whether `promise` has settled by the next turn of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(
    () => (done = true),
    () => (done = true)
  )
  await new Promise((resolve) => setImmediate(resolve))
  return done
}

describe('close(): graceful shutdown', () => {
  it('refuses new checkouts with 503, sends open streams a reconnect event, and lets an in-flight notify commit', async (t) => {
    const gated = gatedQueries()
    const bed = await startBed({
      checkout: {
        gateway: { fetch: gated.fetch },
      },
    })
    t.after(() => bed.close())
    const created = await bed.create('order-1', '800201')
    assert.equal(created.status, 201)
    const stream = await fetch(`${bed.appUrl}/qfpay/checkouts/${created.body.id}/events`)
    const reader = new SseReader(stream)
    assert.equal((await reader.nextMessage())?.event, 'status')

    // The shopper pays; the notify arrives and waits on its confirming /query.
    const record = await bed.get(created.body.id)
    bed.sandbox.pay(record.syssn as string)
    const delivered = bed.sandbox.drain()
    await gated.firstArrived

    const closing = bed.checkout.close()
    // The stream is told to reconnect elsewhere, with a short retry, then ends.
    const goodbye = await reader.nextMessage()
    assert.equal(goodbye?.event, 'reconnect')
    assert.equal(goodbye?.retry, '500')
    assert.equal(await reader.nextMessage(), undefined)
    // New checkouts are refused with the usual error shape; the load balancer retries elsewhere.
    const refused = await bed.create('order-2', '800201')
    assert.equal(refused.status, 503)
    assert.equal(refused.body.error?.code, 'unavailable')
    assert.equal(await settled(closing), false, 'close() returned with a notify in flight')

    gated.open()
    const [notify] = await delivered
    await closing
    assert.equal(notify?.attempts.at(-1)?.status, 200, 'the in-flight notify was acknowledged')
    assert.equal((await bed.get(created.body.id)).status, 'paid')
  })

  it('ends a reconciler pass and gives its leases back, so another instance takes them at once', async (t) => {
    const gated = gatedQueries()
    const bed = await startBed({
      checkout: {
        gateway: { fetch: gated.fetch },
      },
    })
    t.after(() => bed.close())
    const created = await bed.create('order-3', '800201')
    await bed.clock.advance(5_000)
    const pass = bed.checkout.merchant.reconcile()
    await gated.firstArrived
    assert.ok((await bed.get(created.body.id)).checkLeaseUntil, 'the pass holds a lease')
    const closing = bed.checkout.close()
    gated.open()
    await Promise.all([pass, closing])
    assert.equal((await bed.get(created.body.id)).checkLeaseUntil, undefined)

    // A second instance on the same store finds it due without waiting out a lease.
    bed.sandbox.pay((await bed.get(created.body.id)).syssn as string)
    await bed.clock.advance(5_000)
    const other = createCheckout({
      resolveOrder: () => ({ amount: 1000 }),
      gateway: {
        environment: 'local',
        appcode: TEST_APPCODE,
        key: TEST_KEY,
        baseUrl: bed.sandboxUrl,
      },
      store: bed.store,
      clock: () => new Date(bed.clock.now()),
      logger: silentLogger,
      reconciler: { enabled: false },
    })
    t.after(() => other.close())
    const report = await other.merchant.reconcile()
    assert.equal(report.checked, 1)
    assert.equal((await bed.get(created.body.id)).status, 'paid')
  })

  it('ends within its budget when a client stopped reading its stream (the goodbye never gets out)', async () => {
    const checkout = createCheckout({
      resolveOrder: () => ({ amount: 100 }),
      gateway: { environment: 'local' },
      logger: silentLogger,
      store: createMemoryStore(),
      reconciler: { enabled: false },
      shutdownTimeoutMs: 200,
    })
    const created = await checkout.request('http://shop.test/checkouts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://shop.test' },
      body: JSON.stringify({ payType: '800201', order: 'STALLED-1' }),
    })
    assert.equal(created.status, 201, await created.clone().text())
    const { id } = (await created.json()) as { id: string }
    // Opened and never read: its writes wait on backpressure for ever.
    const stream = await checkout.request(`http://shop.test/checkouts/${id}/events`)
    assert.equal(stream.status, 200)
    const closing = checkout.close()
    let timer: ReturnType<typeof setTimeout> | undefined
    const ended = await Promise.race([
      closing.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 30_000))),
    ])
    clearTimeout(timer)
    await stream.body?.cancel()
    assert.equal(ended, true, 'close() never returned while a client did not read its stream')
  })
})
