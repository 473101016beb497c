/**
 * The soak (`pnpm soak`; not in CI). For SOAK_SECONDS (60), all at once:
 * - 500 notifies/s (SOAK_NOTIFY_RATE), 20 % of them duplicates of one already sent (SOAK_DUP);
 * - 1,000 open SSE streams (SOAK_STREAMS) on pending checkouts;
 * - 100 creations/s (SOAK_CREATE_RATE) against a gateway answering in 50–200 ms.
 * Pass: 0 errors (every notify 200 SUCCESS, every creation 201, no stream dropped, no error log
 * line), p99 notify < 100 ms, memory flat after the run (heap after the run and a GC within
 * 20 % + 10 MB of the heap before it).
 *
 * Three processes on loopback: the gateway (the sandbox behind a latency shim), the merchant
 * server (checkout on a SQLite file in the OS temp dir, as deployed: WAL, synchronous=FULL), and
 * this one (autocannon and the SSE clients). The notified orders are opened and paid at the
 * gateway beforehand (its own notifies off), and the matching checkouts seeded into the store,
 * so each notify does what it does in production: verify, check, `/query` to confirm, commit.
 * Prints one table and exits non-zero when a criterion fails.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'
import { createQfpayClient } from '../../src/qfpay/client.ts'
import { signNotifyForTest } from '../../src/testing/index.ts'

const env = process.env
const SECONDS = Number(env['SOAK_SECONDS'] ?? 60)
const NOTIFY_RATE = Number(env['SOAK_NOTIFY_RATE'] ?? 500)
const CREATE_RATE = Number(env['SOAK_CREATE_RATE'] ?? 100)
const STREAMS = Number(env['SOAK_STREAMS'] ?? 1_000)
const DUP = Number(env['SOAK_DUP'] ?? 0.2)
/** Which gateway calls get the 50–200 ms: `all` (default), or `payment` (creations only). */
const LATENCY_ON = env['SOAK_LATENCY_ON'] ?? 'all'
/** Where the store's file lives: the OS temp dir (default, a disk here) or e.g. /dev/shm. */
const STORE_DIR = env['SOAK_STORE_DIR'] ?? tmpdir()
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

function start(
  file: string,
  childEnv: Record<string, string>,
  nodeArgs: string[] = []
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', here(file)], {
      env: { ...env, ...childEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('listening')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`${file} exited (${code})`)))
  })
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>
): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T)
    })
  )
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qfpay-soak-'))
  const children: ChildProcess[] = []
  const cleanup = () => {
    for (const child of children) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.on('exit', cleanup)
  const [gatewayPort, serverPort] = [await freePort(), await freePort()]
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
  const serverUrl = `http://127.0.0.1:${serverPort}`
  const controlToken = randomBytes(16).toString('hex')
  children.push(
    await start('./soak-gateway.ts', {
      PORT: String(gatewayPort),
      SANDBOX_CONTROL_TOKEN: controlToken,
    })
  )

  // Orders at the gateway: the notified ones (opened, then paid) and the streamed ones (open).
  const unique = Math.round(NOTIFY_RATE * SECONDS * (1 - DUP))
  const total = unique + STREAMS
  console.log(`seeding ${unique} paid and ${STREAMS} open orders at the gateway…`)
  const client = createQfpayClient({ appcode: TEST_APPCODE, key: TEST_KEY, baseUrl: gatewayUrl })
  const seeds: Array<{ order: string; outTradeNo: string; amount: number; syssn: string }> = []
  const numbers = Array.from({ length: total }, (_, i) => i)
  await pool(numbers, 64, async (i) => {
    const outTradeNo = `P${String(i).padStart(30, '0')}`
    const created = await client.payment({
      pay_type: '800201',
      out_trade_no: outTradeNo,
      txamt: 1000,
      txcurrcd: 'CNY',
      goods_name: 'Tea',
      expired_time: 120,
    })
    seeds[i] = {
      order: `SEED-${i}`,
      outTradeNo,
      amount: 1000,
      syssn: String(created.response.syssn),
    }
  })
  await pool(seeds.slice(0, unique), 64, async (seed) => {
    const res = await fetch(`${gatewayUrl}/__sandbox/orders/${seed.syssn}/pay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${controlToken}` },
    })
    if (res.status !== 200) throw new Error(`pay ${seed.syssn}: ${res.status}`)
  })
  writeFileSync(
    join(dir, 'seed.jsonl'),
    seeds
      .map(({ order, outTradeNo, amount }) => JSON.stringify({ order, outTradeNo, amount }))
      .join('\n')
  )
  await fetch(`${gatewayUrl}/__soak/latency`, {
    method: 'PUT',
    body: JSON.stringify({ min: 50, max: 200, only: LATENCY_ON }),
  })

  console.log('starting the merchant server and seeding its store…')
  const dbFile = join(mkdtempSync(join(STORE_DIR, 'qfpay-soak-db-')), 'checkout.db')
  children.push(
    await start(
      './soak-server.ts',
      {
        PORT: String(serverPort),
        GATEWAY_URL: gatewayUrl,
        QFPAY_STORE: dbFile,
        SEED_FILE: join(dir, 'seed.jsonl'),
        IDS_FILE: join(dir, 'ids.txt'),
      },
      [
        '--expose-gc',
        ...(env['SOAK_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${env['SOAK_PROFILE']}`] : []),
      ]
    )
  )
  const ids = readFileSync(join(dir, 'ids.txt'), 'utf8').split('\n')
  const memory = async () =>
    (await (await fetch(`${serverUrl}/__soak/memory`)).json()) as NodeJS.MemoryUsage
  // Warm up (JIT, connection pools) before the baseline.
  await autocannon({
    url: serverUrl,
    duration: 3,
    connections: 10,
    overallRate: 50,
    method: 'GET',
    requests: [{ method: 'GET', path: '/qfpay/config' }],
  })
  const before = await memory()

  // The notify stream: each unique notify once, a DUP share of repeats of earlier ones.
  const bodies: Array<{ body: string; signature: string }> = []
  for (let i = 0, sent = 0; sent < unique; i++) {
    if (i > 10 && Math.random() < DUP) {
      bodies.push(
        bodies[Math.floor(Math.random() * bodies.length)] as { body: string; signature: string }
      )
      continue
    }
    const seed = seeds[sent++]!
    const signed = signNotifyForTest(
      {
        notify_type: 'payment',
        status: '1',
        respcd: '0000',
        syssn: seed.syssn,
        out_trade_no: seed.outTradeNo,
        txamt: 1000,
        txcurrcd: 'CNY',
        pay_type: '800201',
        paydtm: '2024-05-01 10:31:00',
      },
      TEST_KEY
    )
    bodies.push({ body: signed.body, signature: signed.signature })
  }
  let cursor = 0
  let created = 0

  // 1,000 SSE streams: count frames, and any stream that ends or fails early.
  const streams = { open: 0, frames: 0, failed: 0 }
  let running = true // after the run, the streams are torn down on purpose
  const requests = ids.slice(unique).map((id) =>
    httpGet(`${serverUrl}/qfpay/checkouts/${id}/events`, { agent: false }, (res) => {
      if (res.statusCode !== 200) streams.failed++
      streams.open++
      res.on(
        'data',
        (chunk: Buffer) =>
          void (streams.frames += (chunk.toString().match(/^event: status$/gm) ?? []).length)
      )
      res.on('error', () => void (running && streams.failed++))
      res.on('end', () => void (streams.open--, running && streams.failed++))
    }).on('error', () => void (running && streams.failed++))
  )
  for (let waited = 0; streams.open < STREAMS && waited < 30_000; waited += 250)
    await new Promise((resolve) => setTimeout(resolve, 250))
  const openedStreams = streams.open

  console.log(
    `running for ${SECONDS} s: ${NOTIFY_RATE} notifies/s (${Math.round(DUP * 100)} % duplicates), ${openedStreams} SSE streams, ${CREATE_RATE} creations/s…`
  )
  const [notifies, creations] = await Promise.all([
    autocannon({
      url: serverUrl,
      duration: SECONDS,
      connections: 50,
      overallRate: NOTIFY_RATE,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          path: '/qfpay/notify',
          setupRequest: (request) => {
            const next = bodies[cursor++ % bodies.length]!
            return {
              ...request,
              body: next.body,
              headers: { 'Content-Type': 'application/json', 'X-QF-SIGN': next.signature },
            }
          },
        },
      ],
    }),
    autocannon({
      url: serverUrl,
      duration: SECONDS,
      connections: 50,
      overallRate: CREATE_RATE,
      timeout: 10,
      // (autocannon's idReplacement leaves Content-Length stale; a fresh body per request instead)
      requests: [
        {
          method: 'POST',
          path: '/qfpay/checkouts',
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ payType: '800201', order: `SOAK-${++created}` }),
            headers: { 'Content-Type': 'application/json' },
          }),
        },
      ],
    }),
  ])
  const during = await memory()
  running = false
  for (const request of requests) request.destroy()
  await new Promise((resolve) => setTimeout(resolve, 5_000))
  let stats = (await (await fetch(`${serverUrl}/__soak/stats`)).json()) as {
    onPaid: number
    errors: number
  }
  for (let i = 0; i < 10 && stats.onPaid < unique; i++)
    stats = (await (await fetch(`${serverUrl}/__soak/stats`)).json()) as typeof stats
  const after = await memory()
  const db = new Database(dbFile, { readonly: true })
  const paid = (
    db.prepare("SELECT count(*) AS n FROM checkouts WHERE status = 'paid'").get() as { n: number }
  ).n
  const integrity = db.pragma('integrity_check', { simple: true })
  db.close()

  const notifyErrors = notifies.errors + notifies.timeouts + notifies.non2xx
  const createErrors = creations.errors + creations.timeouts + creations.non2xx
  const flat = after.heapUsed <= before.heapUsed * 1.2 + 10 * 1024 * 1024
  const rows: Array<[string, string, boolean]> = [
    [
      'notifies sent',
      `${notifies.requests.total} (${(notifies.requests.total / notifies.duration).toFixed(0)}/s)`,
      notifies.requests.total >= NOTIFY_RATE * SECONDS * 0.95,
    ],
    ['notify errors (error, timeout, non-2xx)', String(notifyErrors), notifyErrors === 0],
    [
      'notify latency p50 / p90 / p99 / max',
      `${notifies.latency.p50} / ${notifies.latency.p90} / ${notifies.latency.p99} / ${notifies.latency.max} ms`,
      notifies.latency.p99 < 100,
    ],
    [
      'checkouts paid / onPaid ran',
      `${paid} / ${stats.onPaid} of ${unique}`,
      paid === unique && stats.onPaid === unique,
    ],
    [
      'creations',
      `${creations.requests.total} (${(creations.requests.total / creations.duration).toFixed(0)}/s)`,
      creations.requests.total >= CREATE_RATE * SECONDS * 0.95,
    ],
    ['creation errors', String(createErrors), createErrors === 0],
    [
      `creation latency p50 / p99 (gateway 50–200 ms on ${LATENCY_ON})`,
      `${creations.latency.p50} / ${creations.latency.p99} ms`,
      true,
    ],
    [
      'SSE streams open / dropped / frames',
      `${openedStreams} / ${streams.failed} / ${streams.frames}`,
      openedStreams === STREAMS && streams.failed === 0,
    ],
    ['error log lines on the server', String(stats.errors), stats.errors === 0],
    [
      'heap before / during / after (GC)',
      `${mb(before.heapUsed)} / ${mb(during.heapUsed)} / ${mb(after.heapUsed)}`,
      flat,
    ],
    [
      'rss before / during / after',
      `${mb(before.rss)} / ${mb(during.rss)} / ${mb(after.rss)}`,
      true,
    ],
    ['PRAGMA integrity_check', String(integrity), integrity === 'ok'],
  ]
  console.log('\n| measure | value | pass |\n|---|---|---|')
  for (const [name, value, pass] of rows)
    console.log(`| ${name} | ${value} | ${pass ? 'yes' : 'NO'} |`)
  const failed = rows.filter(([, , pass]) => !pass)
  console.log(
    failed.length === 0
      ? '\nsoak passed'
      : `\nsoak FAILED: ${failed.map(([name]) => name).join('; ')}`
  )
  process.exitCode = failed.length === 0 ? 0 : 1
  if (env['SOAK_PROFILE'])
    await fetch(`${serverUrl}/__soak/exit`, { method: 'POST' }).catch(() => undefined)
  cleanup()
  process.exit()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
