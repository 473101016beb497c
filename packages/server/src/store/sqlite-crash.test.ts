import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { createSqliteStore } from './sqlite.ts'

const here = dirname(fileURLToPath(import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'qfpay-crash-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** Acknowledged writes to collect before pulling the plug. */
const ACKS_BEFORE_KILL = 300

describe('sqlite store under kill -9', () => {
  it('keeps every acknowledged write and an intact file after the writer is SIGKILLed mid-stream', async () => {
    const filename = join(dir, 'crash.sqlite')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, '../../test/support/sqlite-crash-writer.ts'), filename],
      {
        cwd: join(here, '..', '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      }
    )
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal))
    )
    const acked = new Map<string, number>()
    for await (const line of createInterface({ input: child.stdout })) {
      const [word, id, version] = line.split(' ')
      if (word !== 'ack' || !id) continue
      acked.set(id, Number(version))
      // Kill while the writer is still going: the next write is in flight or about to be.
      if (acked.size === ACKS_BEFORE_KILL) child.kill('SIGKILL')
    }
    assert.equal(await exited, 'SIGKILL', 'the writer died by SIGKILL, not by itself')
    assert.ok(acked.size >= ACKS_BEFORE_KILL)

    const db = new Database(filename)
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok')
    db.close()
    const store = createSqliteStore({ filename })
    // Every durable outbox entry, claimed once far in the future (the crashed writer ran none).
    const claimed = await store.claimDue({
      now: '2100-01-01T00:00:00Z',
      limit: 100_000,
      leaseMs: 1,
    })
    const outbox = new Set(claimed.map((e) => e.id))
    for (const [id, version] of acked) {
      const checkout = await store.get(id)
      assert.ok(checkout, `acknowledged checkout ${id} is missing`)
      assert.ok(checkout.version >= version, `${id} lost version ${version}`)
      if (checkout.status === 'paid') {
        assert.ok(outbox.has(`${id}:2:onPaid`), `${id} is paid but lost its onPaid entry`)
      }
    }
    await store.close()
  })
})
