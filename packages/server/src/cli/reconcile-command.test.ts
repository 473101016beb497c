import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startBed, TEST_APPCODE, TEST_KEY, type Bed } from '../../test/support/checkout-test-bed.ts'
import { createCheckout } from '../checkout/app/create-checkout.ts'
import { silentLogger } from '../checkout/app/logger.ts'
import type { DayReport } from '../checkout/ops/reconcile-day.ts'
import { runReconcileCommand } from './reconcile-command.ts'

const DAY = '2024-05-01'
const BIN = fileURLToPath(new URL('./qfpay-checkout.ts', import.meta.url))

/** Runs the command on a fresh app over the bed's store and sandbox; collects its output. */
async function run(bed: Bed, argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runReconcileCommand(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    openCheckout: () =>
      createCheckout({
        resolveOrder: () => undefined,
        hooks: { onPaid: () => undefined },
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
      }),
  })
  return { code, stdout, stderr }
}

/** Runs the real bin in a child process; resolves with its exit code and output. */
function runBin(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('qfpay-checkout reconcile', () => {
  it('prints the table and exits 1 on discrepancies, 0 once they are fixed; --json is the report', async (t) => {
    const bed = await startBed()
    t.after(() => bed.close())
    const made = await bed.create('lost', '800201')
    bed.sandbox.pay((await bed.get(made.body.id)).syssn as string)

    const first = await run(bed, ['--date', DAY])
    assert.equal(first.code, 1, first.stderr)
    assert.match(first.stdout, /paid upstream, not here .* fixed: now paid/)
    assert.match(first.stdout, /1 discrepancy \(1 fixed\)\./)

    const second = await run(bed, ['--date', DAY, '--json'])
    assert.equal(second.code, 0, second.stderr)
    const report = JSON.parse(second.stdout) as DayReport
    assert.deepEqual([report.date, report.discrepancies, report.here.paid], [DAY, [], 1])
  })

  it('exits 2 with the usage for a missing, malformed or unknown option', async (t) => {
    const bed = await startBed()
    t.after(() => bed.close())
    for (const argv of [[], ['--date', '01/05/2024'], ['--date', DAY, '--nope']]) {
      const result = await run(bed, argv)
      assert.equal(result.code, 2, argv.join(' '))
      assert.match(result.stderr, /Usage: qfpay-checkout reconcile --date YYYY-MM-DD/)
      assert.equal(result.stdout, '')
    }
    const impossible = await run(bed, ['--date', '2024-02-31'])
    assert.equal(impossible.code, 2)
    assert.match(impossible.stderr, /not a date/)
  })

  it('runs as a bin from the environment, reads a SQLite store, and never prints the key', async (t) => {
    const bed = await startBed()
    t.after(() => bed.close())
    const dir = mkdtempSync(join(tmpdir(), 'qfpay-reconcile-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    // A payment on the merchant account that this (empty) store never issued.
    const made = await bed.create('elsewhere', '800201')
    bed.sandbox.pay((await bed.get(made.body.id)).syssn as string)
    const env = {
      QFPAY_ENV: 'local',
      QFPAY_BASE_URL: bed.sandboxUrl,
      QFPAY_APPCODE: TEST_APPCODE,
      QFPAY_KEY: TEST_KEY,
      QFPAY_STORE: join(dir, 'shop.db'),
    }
    const result = await runBin(['reconcile', '--date', DAY], env)
    assert.equal(result.code, 1, result.stderr)
    assert.match(result.stdout, /paid upstream, unknown here/)
    assert.ok(!`${result.stdout}${result.stderr}`.includes(TEST_KEY), 'the key was printed')
    const help = await runBin(['--help'], env)
    assert.equal(help.code, 0)
    assert.match(help.stdout, /reconcile --date YYYY-MM-DD/)
    assert.equal((await runBin(['frobnicate'], env)).code, 2)
  })
})
