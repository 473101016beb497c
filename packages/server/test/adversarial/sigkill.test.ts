/**
 * `SIGKILL` of the server at 20 random moments while notifies, creations and
 * refunds are in flight; restart on the same SQLite file. Pass: 0 acknowledged-but-missing
 * notifies, 0 orphan gateway orders after one reconcile cycle, `PRAGMA integrity_check` ok.
 *
 * The merchant server runs in a child process (sigkill-server.ts) on one SQLite file; the
 * sandbox runs here, on loopback, and keeps its own ledger of what it did and of what the
 * server answered to each notify. Each cycle starts the child, fires creations, payments (whose
 * notifies go to the child), refunds and repeated notifies, and kills it -9 after a random
 * 100–600 ms. Then one last start, one reconcile cycle, and the ledgers are compared.
 * The seed is printed; set TEST_SEED to replay its choices (test/support/replay.ts). checkout-crash.test.ts has one fixed kill.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { it } from 'node:test'
import { serve } from '@hono/node-server'
import Database from 'better-sqlite3'
import { createSandbox } from '../../src/sandbox/index.ts'
import { createSqliteStore } from '../../src/store/sqlite.ts'
import { PAID_STATUSES } from '../../src/model/status.ts'
import { seededRandom } from '../support/replay.ts'
import { TEST_APPCODE, TEST_KEY } from './helpers.ts'

const SERVER = fileURLToPath(new URL('./sigkill-server.ts', import.meta.url))
const KILLS = Number(process.env['SIGKILL_KILLS'] ?? 20)

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/**
 * The child's command line. Starting through tsx compiles on every start (about a second of CPU
 * each, 21 times); so the child is bundled once with the esbuild that tsx itself ships, under
 * node_modules/.cache, next to the native better-sqlite3 it loads. Falls back to tsx.
 */
async function serverCommand(): Promise<string[]> {
  try {
    const esbuildPath = createRequire(
      realpathSync(fileURLToPath(import.meta.resolve('tsx/package.json')))
    ).resolve('esbuild')
    const { build } = (await import(pathToFileURL(esbuildPath).href)) as {
      build(options: Record<string, unknown>): Promise<unknown>
    }
    const outfile = fileURLToPath(
      new URL('../../node_modules/.cache/qfpay-row10/server.mjs', import.meta.url)
    )
    await build({
      entryPoints: [SERVER],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      external: ['better-sqlite3'],
      banner: {
        js: "import { createRequire as __row10Require } from 'node:module'; const require = __row10Require(import.meta.url);",
      },
      logLevel: 'error',
    })
    return [outfile]
  } catch {
    return ['--import', 'tsx', SERVER]
  }
}

let command: string[] = []

function startServer(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('listening')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`sigkill server exited early (${code})`)))
  })
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

it(
  `loses nothing acknowledged and leaves no orphan gateway order across ${KILLS} SIGKILLs under load`,
  { timeout: 150_000 },
  async (t) => {
    command = await serverCommand()
    const { random } = seededRandom(t)
    const pick = <T>(items: readonly T[]): T | undefined =>
      items[Math.floor(random() * items.length)]
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'qfpay-sigkill-'))
    const file = join(dir, 'checkout.db')
    const hookLog = join(dir, 'hooks.log')
    writeFileSync(hookLog, '')
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const sandbox = createSandbox({
      appcode: TEST_APPCODE,
      key: TEST_KEY,
      notifyUrl: `${base}/qfpay/notify`,
    })
    const sandboxServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: sandbox.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
    })
    const sandboxUrl = `http://127.0.0.1:${(sandboxServer.address() as { port: number }).port}`
    const env = {
      PORT: String(port),
      SANDBOX_URL: sandboxUrl,
      QFPAY_STORE: file,
      HOOK_LOG: hookLog,
    }
    let child: ChildProcess | undefined
    t.after(async () => {
      if (child) await kill(child)
      sandbox.close()
      ;(sandboxServer as unknown as { closeAllConnections(): void }).closeAllConnections()
      await new Promise((resolve) => sandboxServer.close(resolve))
      rmSync(dir, { recursive: true, force: true })
    })
    const post = (path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    /** Checkout ids the server answered with (they may or may not be paid). */
    const known: string[] = []
    let orders = 0
    const stats = { creations: 0, pays: 0, refunds: 0, resent: 0 }

    for (let cycle = 0; cycle < KILLS; cycle++) {
      child = await startServer(env)
      // Load until the kill: creations, payments (their notifies go to the child), repeated
      // notifies and refunds, a new one every few ms, none awaited before firing the next.
      let alive = true
      const inFlight: Promise<unknown>[] = []
      const fire = (work: () => Promise<unknown>) => inFlight.push(work().catch(() => undefined))
      const load = (async () => {
        while (alive) {
          const roll = random()
          if (roll < 0.35) {
            stats.creations++
            fire(async () => {
              const res = await post('/qfpay/checkouts', {
                payType: random() < 0.5 ? '800151' : '800201',
                order: `K-${++orders}`,
              })
              const body = (await res.json()) as { id?: string }
              if (body.id) known.push(body.id)
            })
          } else if (roll < 0.65) {
            const order = pick(sandbox.orders().filter((o) => o.state === 'created'))
            if (order) {
              stats.pays++
              sandbox.pay(order.syssn)
            }
          } else if (roll < 0.8) {
            const order = pick(
              sandbox
                .orders()
                .filter(
                  (o) => o.state !== 'created' && o.state !== 'closed' && o.state !== 'expired'
                )
            )
            if (order) {
              stats.resent++
              sandbox.resendNotify(order.syssn)
            }
          } else if (known.length > 0) {
            stats.refunds++
            fire(() => post(`/__test/refund?id=${pick(known)}&amount=100`))
          }
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 15)))
        }
      })()
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(random() * 500)))
      await kill(child)
      alive = false
      child = undefined
      await load
      await Promise.all(inFlight)
    }

    // One more start, one reconcile cycle (every pending checkout is due once 10 s have passed).
    child = await startServer(env)
    await (await fetch(`${base}/qfpay/config`)).text() // wakes the workers: refund recovery scan
    await post('/__test/advance?ms=10000')
    await (await post('/__test/reconcile')).text()
    await (await post('/__test/reconcile')).text() // the refund scan runs in the background at start
    // An outbox entry a killed process had claimed stays leased to it for 60 s (so two live
    // instances never run one hook twice); past the lease, this process delivers it.
    await post('/__test/advance?ms=70000')
    await (await post('/__test/hooks')).text()
    await kill(child)
    child = undefined
    t.diagnostic(
      `load over ${KILLS} kills: ${JSON.stringify(stats)}; gateway orders ${sandbox.orders().length}`
    )

    const db = new Database(file, { readonly: true })
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok')
    db.close()
    const store = createSqliteStore({ filename: file })
    t.after(() => store.close())

    // 0 acknowledged-but-missing notifies: every notify answered SUCCESS is in the store.
    let acknowledged = 0
    for (const notify of sandbox.notifies()) {
      if (!notify.attempts.some((a) => a.status === 200 && a.body === 'SUCCESS')) continue
      acknowledged++
      const fields = JSON.parse(notify.body) as { out_trade_no: string; syssn: string }
      if (notify.notifyType === 'payment') {
        const checkout = await store.getByOutTradeNo(fields.out_trade_no)
        assert.ok(
          checkout && PAID_STATUSES.includes(checkout.status),
          `acknowledged payment notify ${fields.syssn} is ${checkout?.status}`
        )
        assert.equal(await store.hasAcceptedNotify(fields.syssn, 'payment'), true)
      } else {
        const refund = await store.getRefundByOutTradeNo(fields.out_trade_no)
        assert.equal(refund?.status, 'succeeded', `acknowledged refund notify ${fields.syssn}`)
      }
    }
    // 0 orphan gateway orders after one reconcile cycle: each has its checkout, in the same state.
    const hooks = readFileSync(hookLog, 'utf8')
    for (const order of sandbox.orders()) {
      const checkout = await store.getByOutTradeNo(order.out_trade_no)
      assert.ok(checkout, `gateway order ${order.out_trade_no} has no checkout`)
      if (order.state === 'created')
        assert.equal(checkout.status, 'pending', `open at the gateway, ${checkout.status} here`)
      else
        assert.ok(
          PAID_STATUSES.includes(checkout.status),
          `${order.state} at the gateway, ${checkout.status} here`
        )
      if (order.state !== 'created')
        assert.ok(hooks.includes(`paid ${checkout.id}`), `onPaid never ran for ${checkout.id}`)
      const refunds = await store.listRefunds(checkout.id)
      assert.ok(
        refunds.every((r) => r.status === 'succeeded' || r.status === 'failed'),
        `refund left ${refunds.map((r) => r.status)}`
      )
      assert.deepEqual(
        refunds
          .filter((r) => r.status === 'succeeded')
          .map((r) => r.outTradeNo)
          .sort(),
        order.refunds.map((r) => r.out_trade_no).sort(),
        'refunds agree with the gateway'
      )
      assert.equal(checkout.refundedAmount, order.refundedAmount)
    }
    t.diagnostic(
      `${acknowledged} acknowledged notifies, all stored; ${sandbox.orders().length} gateway orders, none orphaned`
    )
  }
)
