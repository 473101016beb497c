/**
 * Attacks on the merchant's disk through `/notify`: anyone can post there, so forged notifies
 * must cost the store nothing, one client's rejected notifies are rate-limited, what is kept of
 * a rejected signed notify is capped in bytes (not UTF-16 units), and old rejected records are
 * pruned.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { createCheckout } from '../../src/checkout/app/create-checkout.ts'
import {
  pruneRejectedNotifies,
  REJECTED_NOTIFY_RETENTION_MS,
} from '../../src/checkout/workers/notify-pruner.ts'
import { silentLogger } from '../../src/checkout/app/logger.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createSqliteStore } from '../../src/store/sqlite.ts'
import { signNotifyForTest } from '../../src/testing/index.ts'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'

/** The on-disk size of a SQLite store: the file and its WAL. */
function sizeOf(file: string): number {
  let total = 0
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      total += statSync(f).size
    } catch {
      // The WAL and shared-memory files exist only while SQLite has them open: absent is 0 bytes.
    }
  }
  return total
}

function app(store: ReturnType<typeof createMemoryStore>, clientIp?: (c: any) => string) {
  return createCheckout({
    resolveOrder: () => ({ amount: 100 }),
    gateway: {
      environment: 'local',
      appcode: TEST_APPCODE,
      key: TEST_KEY,
      baseUrl: 'http://gateway.invalid',
      fetch: async () => new Response('unreachable', { status: 599 }),
    },
    store,
    logger: silentLogger,
    reconciler: { enabled: false },
    ...(clientIp ? { http: { clientIp } } : {}),
  })
}

describe('forged notifies and the store', () => {
  it(
    'stores nothing of 20,000 forged notifies of 0xFF bytes: the SQLite file grows by less than 1 MB',
    { timeout: 120_000 },
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'qfpay-forged-'))
      const file = join(dir, 'checkout.db')
      const store = createSqliteStore({ filename: file })
      // Each forgery from its own address, so the per-client limit does not hide what is stored.
      const checkout = app(store, (c) => c.req.header('x-test-client') ?? 'none')
      t.after(async () => {
        await checkout.close()
        rmSync(dir, { recursive: true, force: true })
      })
      await store.list({ limit: 1 })
      const before = sizeOf(file)
      const body = new Uint8Array(8 * 1024).fill(0xff)
      for (let i = 0; i < 20_000; i += 100) {
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, j) =>
            checkout.request('/notify', {
              method: 'POST',
              headers: { 'X-QF-SIGN': 'A'.repeat(32), 'x-test-client': `10.0.${i + j}` },
              body,
            })
          )
        )
        for (const answer of answers) assert.equal(answer.status, 400)
      }
      const grown = sizeOf(file) - before
      assert.ok(grown < 1024 * 1024, `the store grew by ${grown} bytes`)
      assert.equal(checkout.stats().unverifiedNotifies['bad_signature'], 20_000)
    }
  )

  it('refuses one client its 61st rejected notify in a minute with 429, unread', async (t) => {
    const checkout = app(createMemoryStore())
    t.after(() => checkout.close())
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) {
      const answer = await checkout.request('/notify', {
        method: 'POST',
        headers: { 'X-QF-SIGN': 'A'.repeat(32) },
        body: '{}',
      })
      statuses.push(answer.status)
    }
    assert.deepEqual(statuses.slice(0, 60), Array(60).fill(400))
    assert.equal(statuses[60], 429)
  })

  it('keeps at most 2 KiB (bytes) of a signed notify it rejects, whatever the characters', async (t) => {
    const store = createMemoryStore()
    const checkout = app(store)
    t.after(() => checkout.close())
    // Signed, but not JSON: 8,192 characters of 2 UTF-8 bytes each (16 KiB).
    const signed = signNotifyForTest('\u00ff'.repeat(8 * 1024), TEST_KEY)
    const answer = await checkout.request('/notify', {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    })
    assert.equal(answer.status, 200)
    const [kept] = await store.listRejectedNotifies()
    assert.ok(kept, 'the rejected signed notify was recorded')
    assert.ok(Buffer.byteLength(kept.rawBody, 'utf8') <= 2048)
  })

  it('prunes rejected notifies older than the retention and keeps accepted ones', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const clock = () => new Date(now)
    const store = createMemoryStore({ clock })
    const at = clock().toISOString()
    await store.recordNotify({
      notifyType: 'payment',
      accepted: false,
      reason: 'unknown_order',
      rawBody: '{}',
      receivedAt: at,
    })
    await store.recordNotify({
      notifyType: 'payment',
      accepted: true,
      syssn: '1',
      rawBody: '{}',
      receivedAt: at,
    })
    now += REJECTED_NOTIFY_RETENTION_MS + 1
    assert.equal(await pruneRejectedNotifies(store, clock), 1)
    assert.deepEqual(await store.listRejectedNotifies(), [])
    assert.equal(await store.hasAcceptedNotify('1', 'payment'), true)
  })
})

describe('aborted notify bodies', () => {
  it('logs a notify whose sender aborts mid-body as a client abort, not an internal error', async (t) => {
    const lines: string[] = []
    const logger = {
      info: (m: string) => void lines.push(`info ${m}`),
      warn: (m: string) => void lines.push(`warn ${m}`),
      error: (m: string, f?: Record<string, unknown>) =>
        void lines.push(`error ${m} ${JSON.stringify(f)}`),
    }
    const checkout = createCheckout({
      resolveOrder: () => ({ amount: 100 }),
      gateway: {
        environment: 'local',
        appcode: TEST_APPCODE,
        key: TEST_KEY,
        baseUrl: 'http://gateway.invalid',
      },
      store: createMemoryStore(),
      logger,
      reconciler: { enabled: false },
    })
    t.after(() => checkout.close())
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"syssn":'))
        controller.error(new Error('aborted'))
      },
    })
    const answer = await checkout.request('/notify', {
      method: 'POST',
      headers: { 'X-QF-SIGN': 'A'.repeat(32) },
      body,
      duplex: 'half',
    } as RequestInit)
    assert.equal(answer.status, 400)
    assert.deepEqual(
      lines.filter((l) => l.startsWith('error')),
      []
    )
    assert.ok(lines.some((l) => l === 'info request body aborted by the client'))
  })
})
