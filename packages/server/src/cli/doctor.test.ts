/**
 * `qfpay-checkout doctor` end to end, as a merchant runs it: the bin as a child process, against
 * the standalone sandbox (its own CLI, in each profile) and a checkout app on 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { createCheckout } from '../checkout/app/create-checkout.ts'
import { createMemoryStore } from '../store/memory.ts'

const BIN = fileURLToPath(new URL('./qfpay-checkout.ts', import.meta.url))
const SANDBOX_CLI = fileURLToPath(new URL('../sandbox/cli.ts', import.meta.url))
const APPCODE = 'D0C70RAPPC0DE0123456789ABCDEF012'
const KEY = '0123456789ABCDEF0123456789ABCDEF'
const QUIET = { info() {}, warn() {}, error() {} }

/** Runs a command to its end; its exit code and everything it printed. */
async function runBin(
  args: string[],
  env: Record<string, string>
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, out }
}

/** Starts the standalone sandbox; resolves with its URL once it listens. */
function startSandbox(profile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      SANDBOX_CLI,
      '--port',
      '0',
      '--appcode',
      APPCODE,
      '--key',
      KEY,
      '--profile',
      profile,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let output = ''
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match) resolve({ child, url: match[1] as string })
    })
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}):\n${output}`)))
  })
}

for (const profile of ['seed', 'current'] as const) {
  describe(`qfpay-checkout doctor against the standalone sandbox (${profile} profile)`, () => {
    let sandbox: { child: ChildProcess; url: string }
    let server: ServerType
    let appUrl = ''
    let dir = ''
    let env: Record<string, string> = {}

    before(async () => {
      sandbox = await startSandbox(profile)
      dir = await mkdtemp(join(tmpdir(), 'qfpay-doctor-'))
      const checkout = createCheckout({
        resolveOrder: () => undefined,
        gateway: { environment: 'local', appcode: APPCODE, key: KEY, baseUrl: sandbox.url },
        store: createMemoryStore(),
        logger: QUIET,
        reconciler: { enabled: false },
        payTypes: ['800201', '801514'],
        currency: 'HKD',
      })
      const host = new Hono().route('/qfpay', checkout)
      appUrl = await new Promise((resolve) => {
        server = serve({ fetch: host.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
          resolve(`http://127.0.0.1:${info.port}`)
        )
      })
      env = {
        QFPAY_ENV: 'local',
        QFPAY_APPCODE: APPCODE,
        QFPAY_KEY: KEY,
        QFPAY_BASE_URL: sandbox.url,
        QFPAY_STORE: join(dir, 'checkout.db'),
      }
    })

    after(async () => {
      sandbox.child.kill('SIGTERM')
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(dir, { recursive: true, force: true })
    })

    it('passes a good set-up, naming the response signature scheme, and exits 0', async () => {
      const { code, out } = await runBin(
        [
          'doctor',
          '--public-url',
          `${appUrl}/qfpay`,
          '--pay-types',
          '800201,801514',
          '--currency',
          'HKD',
        ],
        env
      )
      assert.equal(code, 0, out)
      assert.match(out, /PASS {2}request signature/)
      const scheme = profile === 'seed' ? 'md5-body' : 'md5-fields'
      assert.match(
        out,
        new RegExp(`PASS {2}response signature +answers are signed and verify \\(${scheme}\\)`)
      )
      assert.match(out, /PASS {2}notify route/)
      assert.match(out, /PASS {2}return route/)
      assert.match(out, /PASS {2}pay types/)
      assert.match(out, /PASS {2}store/)
      assert.match(out, /WARN {2}publicUrl +.* is not https/)
      assert.ok(!out.includes(KEY), 'the key is never printed')
    })

    it('fails a wrong key, seed-era pay types and a missing mount, with a fix for each, and exits 1', async () => {
      const { code, out } = await runBin(
        [
          'doctor',
          '--public-url',
          `${appUrl}/elsewhere`,
          '--pay-types',
          '800151',
          '--currency',
          'HKD',
        ],
        { ...env, QFPAY_KEY: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF' }
      )
      assert.equal(code, 1, out)
      assert.match(out, /FAIL {2}request signature +.*refused the signature \(1108\)/)
      assert.match(out, /fix: QFPAY_KEY must be the client key/)
      assert.match(out, /FAIL {2}pay types +800151 .* is in no current QFPay list/)
      assert.match(out, /FAIL {2}notify route +.*answers 404/)
      assert.match(out, /\d+ failed, \d+ warnings, \d+ passed/)
    })
  })
}

describe('qfpay-checkout', () => {
  it('lists its subcommands with --help, and refuses an unknown one with exit 2', async () => {
    const help = await runBin(['--help'], {})
    assert.equal(help.code, 0)
    assert.match(help.out, /doctor \[--public-url URL\].*\n +check a live set-up/)
    const unknown = await runBin(['nonsense'], {})
    assert.equal(unknown.code, 2)
    assert.match(unknown.out, /unknown command "nonsense"/)
  })

  it('doctor with live credentials but nothing else fails the choices live needs', async () => {
    const { code, out } = await runBin(['doctor'], {
      QFPAY_ENV: 'live',
      QFPAY_APPCODE: APPCODE,
      QFPAY_KEY: KEY,
      // An address nothing listens on: the check reports it, nothing leaves this machine.
      QFPAY_BASE_URL: 'http://127.0.0.1:9',
    })
    assert.equal(code, 1, out)
    assert.match(out, /FAIL {2}request signature +could not reach http:\/\/127\.0\.0\.1:9/)
    assert.match(out, /FAIL {2}publicUrl +not given/)
    assert.match(out, /FAIL {2}pay types and currency +not stated/)
  })
})
