/**
 * A merchant server killed without warning (SIGKILL) and restarted on the same SQLite file:
 * nothing created or acknowledged is lost, pending checkouts are reconciled, and an onPaid that
 * threw before the crash runs once after the restart.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { it } from 'node:test'
import { createSandbox } from '../../sandbox/index.ts'
import { TEST_APPCODE, TEST_KEY } from '../../../test/support/checkout-test-bed.ts'

const SERVER = fileURLToPath(
  new URL('../../../test/support/checkout-crash-server.ts', import.meta.url)
)

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** Starts the child and resolves once it listens. */
function startServer(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('listening')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`crash server exited early (${code})`)))
  })
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}

it(
  'loses nothing across a SIGKILL and restart on the same SQLite file',
  { timeout: 60_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'qfpay-crash-'))
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
      QFPAY_STORE: join(dir, 'checkout.db'),
      HOOK_LOG: hookLog,
    }
    const children: ChildProcess[] = []
    t.after(async () => {
      for (const child of children) await kill(child, 'SIGKILL')
      sandbox.close()
      ;(sandboxServer as unknown as { closeAllConnections(): void }).closeAllConnections()
      await new Promise((resolve) => sandboxServer.close(resolve))
      rmSync(dir, { recursive: true, force: true })
    })
    const post = async (path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      })
      return (await res.json()) as Record<string, unknown>
    }
    const get = async (id: string) =>
      (await (await fetch(`${base}/qfpay/checkouts/${id}`)).json()) as {
        status: string
        id: string
      }

    // Before the crash: three checkouts; A is paid and its notify acknowledged; A's onPaid throws.
    const first = await startServer({ ...env, ONPAID: 'throw' })
    children.push(first)
    const ids = [] as string[]
    for (const order of ['K-A', 'K-B', 'K-C'])
      ids.push((await post('/qfpay/checkouts', { payType: '800201', order })).id as string)
    const [a, b, c] = ids as [string, string, string]
    const orders = sandbox.orders()
    assert.equal(orders.length, 3)
    const [orderA, orderB] = orders as [(typeof orders)[number], (typeof orders)[number]]
    sandbox.pay(orderA.syssn)
    await sandbox.drain()
    assert.equal(sandbox.notifies()[0]?.state, 'delivered') // SUCCESS was answered
    await post('/__test/hooks')
    assert.match(readFileSync(hookLog, 'utf8'), new RegExp(`^throw ${a}$`, 'm'))

    await kill(first, 'SIGKILL')
    // While the server is down, B is paid; its notify is lost.
    sandbox.setOrderKnobs(orderB.out_trade_no, { notifyDropRate: 1 })
    sandbox.pay(orderB.syssn)

    const second = await startServer({ ...env, ONPAID: 'ok' })
    children.push(second)
    assert.equal((await get(a)).status, 'paid')
    assert.equal((await get(c)).status, 'pending')
    await post('/__test/advance?ms=10000')
    await post('/__test/reconcile')
    assert.equal((await get(b)).status, 'paid')
    await post('/__test/advance?ms=600000')
    await post('/__test/hooks')
    await post('/__test/hooks')
    const lines = readFileSync(hookLog, 'utf8').trim().split('\n')
    assert.equal(lines.filter((l) => l === `ok ${a}`).length, 1)
    assert.equal(lines.filter((l) => l === `ok ${b}`).length, 1)
    assert.equal(lines.filter((l) => l.endsWith(c)).length, 0)
  }
)
