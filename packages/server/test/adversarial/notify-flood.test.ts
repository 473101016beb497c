/**
 * Adversarial: 50 concurrent copies of one valid notify. Pass: exactly one transition, one
 * `onPaid`, all answered `SUCCESS`.
 *
 * checkout-notify.test.ts already sends 50 copies to one app over a memory store, where the
 * in-process SingleFlight coalesces them. Here the copies are split across TWO app instances
 * on one SQLite file (two servers behind a load balancer), so only the store's compare-and-set
 * and the outbox lease can keep it to one; and once more with `confirmNotifies: false`, where
 * no `/query` round trip spaces the copies out.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import type { HookCall } from '../support/checkout-test-bed.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'
import { signNotifyForTest } from '../../src/testing/index.ts'
import { createSqliteStore } from '../../src/store/sqlite.ts'
import { bed, paidHooks, postNotify, TEST_APPCODE, TEST_KEY } from './helpers.ts'

it(
  'takes 50 copies split across two instances on one SQLite file as one transition and one onPaid',
  { timeout: 30_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'qfpay-row2-'))
    const file = join(dir, 'checkout.db')
    // Both stores read the bed's manual clock (set once the bed exists), like the apps do.
    let clock = () => new Date()
    const storeA = createSqliteStore({ filename: file, clock: () => clock() })
    const b = await bed(t, { store: storeA, knobs: { notifyReorder: true } })
    clock = () => new Date(b.clock.now())
    // The second instance: the same options, its own connection to the same file, its own server.
    const storeB = createSqliteStore({ filename: file, clock: () => clock() })
    const hooksB: HookCall[] = []
    const second = createCheckout({
      resolveOrder: () => ({ amount: 1000, goodsName: 'Tea' }),
      hooks: {
        onPaid: (checkout, context) =>
          void hooksB.push({ topic: 'onPaid', checkout, idempotencyKey: context.idempotencyKey }),
        onStatus: (checkout, context) =>
          void hooksB.push({ topic: 'onStatus', checkout, idempotencyKey: context.idempotencyKey }),
      },
      gateway: {
        environment: 'local',
        appcode: TEST_APPCODE,
        key: TEST_KEY,
        baseUrl: b.sandboxUrl,
      },
      http: { perClient: { checkoutsPerMinute: false } },
      store: storeB,
      clock: () => new Date(b.clock.now()),
      logger: silentLogger,
      reconciler: { enabled: false },
    })
    const host = new Hono().route('/qfpay', second)
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: host.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
    })
    const urlB = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    t.after(async () => {
      await second.close()
      ;(server as unknown as { closeAllConnections(): void }).closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await b.close()
      await storeB.close()
      await storeA.close()
      rmSync(dir, { recursive: true, force: true })
    })

    const { body } = await b.create('D-1', '800201')
    b.sandbox.pay((await b.get(body.id)).syssn as string)
    const held = b.sandbox.notifies()[0]
    assert.equal(held?.state, 'held')
    const signed = signNotifyForTest(held.body, TEST_KEY)
    // Half with the signature in lower case (QFPay sends both cases; the bytes are the same).
    const lower = { ...signed.headers, 'X-QF-SIGN': signed.signature.toLowerCase() }
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? postNotify(b, signed.body, i % 4 === 0 ? signed.headers : lower)
          : fetch(`${urlB}/qfpay/notify`, {
              method: 'POST',
              headers: i % 4 === 1 ? signed.headers : lower,
              body: signed.body,
            }).then(async (r) => ({ status: r.status, text: await r.text() }))
      )
    )
    assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.text}`)), new Set(['200 SUCCESS']))
    await b.sandbox.drain() // the gateway's own copy, late
    assert.equal(b.sandbox.notifies()[0]?.state, 'delivered')

    // Both instances deliver hooks, concurrently: the outbox lease gives each entry to one.
    await Promise.all([
      b.checkout.merchant.deliverHooks(),
      second.merchant.deliverHooks(),
      b.checkout.merchant.deliverHooks(),
      second.merchant.deliverHooks(),
    ])
    const after = await b.get(body.id)
    assert.equal(after.status, 'paid')
    assert.equal(after.version, 3, 'created, pay URL stored, paid: one transition')
    const all = [...b.hooks, ...hooksB]
    assert.equal(all.filter((h) => h.topic === 'onPaid' && h.checkout.id === body.id).length, 1)
    assert.equal(
      all.filter((h) => h.topic === 'onStatus' && h.checkout.status === 'paid').length,
      1
    )
    assert.equal(await storeB.hasAcceptedNotify(after.syssn as string, 'payment'), true)
  }
)

it('takes 50 copies as one transition without the /query confirmation (confirmNotifies: false)', async (t) => {
  const b = await bed(t, {
    knobs: { notifyReorder: true },
    checkout: {
      gateway: { confirmNotifies: false },
    },
  })
  const { body } = await b.create('D-2', '800151')
  b.sandbox.pay((await b.get(body.id)).syssn as string)
  const signed = signNotifyForTest(b.sandbox.notifies()[0]?.body as string, TEST_KEY)
  // Sent in five waves of ten, so copies land both during and after the first one's commit.
  const answers = []
  for (let wave = 0; wave < 5; wave++)
    answers.push(
      ...(await Promise.all(
        Array.from({ length: 10 }, () => postNotify(b, signed.body, signed.headers))
      ))
    )
  assert.equal(answers.length, 50)
  assert.ok(answers.every((a) => a.status === 200 && a.text === 'SUCCESS'))
  await b.settleHooks()
  assert.equal((await b.get(body.id)).version, 3)
  assert.deepEqual(paidHooks(b, body.id), { onPaid: 1, toPaid: 1 })
})
