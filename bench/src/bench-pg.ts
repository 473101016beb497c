/**
 * Bench 7: the PostgreSQL store, on a throwaway cluster (scripts/pg-cluster.mjs: 127.0.0.1,
 * fsync on) started for this bench and removed after it.
 *
 *  a) notify ingest: `POST /qfpay/notify` on createCheckout() with the PostgreSQL store (signature,
 *     dedupe, `/query` confirmation against a sandbox in the same process, the transition with its
 *     outbox row, notify record and NOTIFY in one transaction), a fixed count as fast as 20
 *     connections go, one notify in five a replay; against a bare Hono route committing the body
 *     as one row in its own transaction on the same cluster.
 *  b) burst: two instances (A, B) on one database, a standalone sandbox whose notify URL is A,
 *     one event stream per checkout on B; the sandbox pays every checkout in the same tick.
 *     Latency per payment = the `paid` frame read by the stream's client on B − that tick.
 */
import type { Benchmark, Row } from './lib/bench.ts'
import { ratio } from './lib/bench.ts'
import { startServer, benchDir } from './lib/child.ts'
import { HOST } from './lib/constants.ts'
import { load, type LoadResult } from './lib/load.ts'
import { round, sleep, summarize } from './lib/stats.ts'
import { join } from 'node:path'

const NOTIFIES = Number(process.env.BENCH_PG_NOTIFIES ?? 1500)
const BURST = Number(process.env.BENCH_PG_BURST ?? 200)
const DUP_EVERY = 5
const now = () => performance.timeOrigin + performance.now()

/** What `traceReport` of a pg-server answers (lib/pg-trace.ts). */
type Trace = {
  notifies: number
  statementsPerNotify: Record<string, number>
  phases: Record<string, { n: number; p50: number; p99: number }>
}

/** "SQL statements per notify … ; time in each phase p50/p99". */
function describeTrace(t: Trace): string {
  const total = Object.values(t.statementsPerNotify).reduce((a, b) => a + b, 0)
  const kinds = Object.entries(t.statementsPerNotify)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${round(v)}`)
    .join(', ')
  const phases = ['notify', 'getByOutTradeNo', 'gateway', 'transition']
    .filter((p) => t.phases[p])
    .map((p) => `${p} ${round(t.phases[p]!.p50)}/${round(t.phases[p]!.p99)}`)
    .join(', ')
  return `${round(total)} SQL statements per notify (${kinds}); ms p50/p99 per notify: ${phases}`
}

/** Unique notifies in order, every DUP_EVERY-th request a replay of one sent before. */
function sequence(bodies: { body: string; signature: string }[], start: number) {
  let unique = start
  let seed = 42
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000
  return {
    next(i: number) {
      const replay = (i % DUP_EVERY === DUP_EVERY - 1 && unique > start) || unique >= bodies.length
      const k = replay ? start + Math.floor(rand() * (unique - start)) : unique++
      const b = bodies[k]!
      return {
        method: 'POST' as const,
        path: '/qfpay/notify',
        headers: { 'content-type': 'application/json', 'x-qf-sign': b.signature },
        body: b.body,
      }
    },
    get used() {
      return unique
    },
  }
}

/** Follows one checkout's event stream on `base`; resolves with when `paid` was read. */
function follow(base: string, id: string, opened: () => void, signal: AbortSignal) {
  return new Promise<number>((resolve, reject) => {
    fetch(`${base}/qfpay/checkouts/${id}/events`, { signal }).then(async (res) => {
      if (res.status !== 200) throw new Error(`stream ${id}: HTTP ${res.status}`)
      const decoder = new TextDecoder()
      let text = ''
      let first = true
      for await (const chunk of res.body!) {
        const at = now()
        text += decoder.decode(chunk, { stream: true })
        if (first && text.includes('event: status')) {
          first = false
          opened()
        }
        if (text.includes('"status":"paid"')) return resolve(at)
      }
      reject(new Error(`stream ${id} ended without paid`))
    }, reject)
  }).catch((error: unknown) => {
    if (signal.aborted) return Number.NaN
    throw error
  })
}

export const pgBench: Benchmark = {
  id: 'pg',
  title: '7. PostgreSQL',
  capMs: 300_000,
  async run(ctx) {
    const { startCluster } = (await import(join(benchDir, '..', 'scripts', 'pg-cluster.mjs'))) as {
      startCluster(o: { log: (m: string) => void }): Promise<{ url: string; stop(): void }>
    }
    const cluster = await startCluster({ log: ctx.log })
    ctx.defer(() => cluster.stop())
    const url = cluster.url
    const rows: Row[] = []
    const failures = (r: LoadResult) => r.errors + r.timeouts + r.non2xx
    const at = (port: number) => `http://${HOST}:${port}`

    // --- a) notify ingest (BENCH_PG_NOTIFIES=0 skips it) ---------------------------------------
    if (NOTIFIES > 0) rows.push(...(await ingest(this.title)))
    rows.push(...(await burst(this.title)))
    return rows

    async function ingest(title: string): Promise<Row[]> {
      const prepare = Math.ceil(NOTIFIES * (1 - 1 / DUP_EVERY)) + 250
      ctx.log(`a) preparing ${prepare} paid orders on PostgreSQL (off the clock)`)
      const ours = await startServer(
        'pg-server',
        { url, schema: 'bench_ingest', gateway: 'in-process', prepare },
        180_000
      )
      ctx.defer(() => ours.kill())
      const { bodies, setupMs } = await ours.call<{
        bodies: { body: string; signature: string }[]
        setupMs: number
      }>('notifies')
      ctx.log(`   set-up ${Math.round(setupMs)} ms`)
      const bare = await startServer('pg-bare-server', { url, schema: 'bench_bare' })
      ctx.defer(() => bare.kill())
      const warm = sequence(bodies, 0)
      await load({
        url: at(ours.port),
        next: (i) => warm.next(i),
        connections: 10,
        amount: 200,
        capMs: 30_000,
      })
      const bareNext = (i: number) => ({
        method: 'POST' as const,
        path: '/notify',
        headers: { 'content-type': 'application/json' },
        body: bodies[i % bodies.length]!.body,
      })
      await load({
        url: at(bare.port),
        next: bareNext,
        connections: 10,
        amount: 200,
        capMs: 30_000,
      })
      const measured = sequence(bodies, warm.used)
      const amount = Math.min(
        NOTIFIES,
        Math.floor((bodies.length - warm.used) / (1 - 1 / DUP_EVERY))
      )
      // BENCH_PG_PROF=<file>: a CPU profile of the instance over the measured run only.
      const prof = process.env.BENCH_PG_PROF
      if (prof) await ours.call('profStart')
      await ours.call('traceReset')
      const a = await load({
        url: at(ours.port),
        next: (i) => measured.next(i),
        connections: 20,
        amount,
        capMs: 90_000,
      })
      if (prof) await ours.call('profStop', { file: prof })
      const traced = await ours.call<Trace>('traceReport')
      const b = await load({
        url: at(bare.port),
        next: bareNext,
        connections: 20,
        amount,
        capMs: 90_000,
      })
      const paid = await ours.call<number>('countPaid', { from: 0, to: measured.used })
      ctx.log(
        `   ours ${round(a.rps)} req/s p99 ${a.p99} ms; bare ${round(b.rps)} req/s p99 ${b.p99} ms; paid ${paid}/${measured.used}`
      )
      await ours.kill()
      await bare.kill()
      return [
        {
          bench: title,
          metric: `notify throughput on PostgreSQL (${amount} notifies, 20 conns)`,
          goal: '>= 0.5x baseline',
          measured: round(a.rps),
          unit: 'req/s',
          baseline: round(b.rps),
          baselineLabel: 'bare Hono + same PostgreSQL commit',
          ratio: ratio(a.rps, b.rps),
          met: a.rps >= 0.5 * b.rps && failures(a) === 0 && paid === measured.used,
          note: `p50 ${round(a.p50)} / p99 ${round(a.p99)} ms vs ${round(b.p50)} / ${round(b.p99)} ms; errors ${failures(a)}; checkouts paid ${paid}/${measured.used}; ${describeTrace(traced)}`,
        },
      ]
    }

    // --- b) burst across two instances --------------------------------------------------------
    async function burst(title: string): Promise<Row[]> {
      const sandbox = await startServer('sandbox-server', {})
      ctx.defer(() => sandbox.kill())
      const gateway = at(sandbox.port)
      const instance = { url, schema: 'bench_burst', gateway }
      const A = await startServer('pg-server', instance)
      ctx.defer(() => A.kill())
      const B = await startServer('pg-server', instance)
      ctx.defer(() => B.kill())
      await sandbox.call('notifyTo', { url: `${at(A.port)}/qfpay/notify` })
      const made = await A.call<{ id: string; syssn: string }[]>(
        'create',
        { prefix: 'U', count: BURST },
        120_000
      )
      const streams = new AbortController()
      ctx.defer(() => streams.abort())
      let open = 0
      const paidAt = made.map((m) => follow(at(B.port), m.id, () => open++, streams.signal))
      for (let i = 0; i < 300 && open < made.length; i++) await sleep(100)
      if (open < made.length) throw new Error(`only ${open}/${made.length} streams opened on B`)
      ctx.log(`b) ${made.length} streams open on B; paying all at once`)
      await A.call('traceReset')
      const t0 = await sandbox.call<number>('pay', { syssns: made.map((m) => m.syssn) })
      const timeout = sleep(30_000).then(() => Number.NaN)
      const t1 = await Promise.all(paidAt.map((p) => Promise.race([p, timeout])))
      streams.abort()
      const latencies = t1.filter((t) => !Number.isNaN(t)).map((t) => t - t0)
      const s = summarize(latencies)
      const sent = await sandbox.call<(number | null)[]>('sentAt', {
        syssns: made.map((m) => m.syssn),
      })
      const traced = await A.call<Trace>('traceReport')
      ctx.log(`   A: ${describeTrace(traced)}`)
      // When the notifies reached A's route and when A answered, after the pay tick.
      const moments = await A.call<[number, number][]>('traceMoments')
      const reached = summarize(moments.map(([a]) => a - t0))
      const answered = summarize(moments.map(([, b]) => b - t0))
      const accepted = summarize((await A.call<number[]>('traceConnections')).map((at) => at - t0))
      const reachedAt = `A accepted ${accepted.n} connections p50 ${round(accepted.p50)} / p99 ${round(accepted.p99)} ms after pay; notifies reached A's route p50 ${round(reached.p50)} / p99 ${round(reached.p99)} ms after pay, A answered p50 ${round(answered.p50)} / p99 ${round(answered.p99)} ms`
      ctx.log(`   ${reachedAt}`)
      const lastSent = Math.max(...sent.map((x) => (x ?? Number.NaN) - t0))
      const acked = await sandbox.call<(number | null)[]>('ackedAt', {
        syssns: made.map((m) => m.syssn),
      })
      const ack = summarize(acked.filter((x) => x !== null).map((x) => x! - t0))
      ctx.log(
        `   n=${s.n} p50 ${round(s.p50)} p99 ${round(s.p99)} max ${round(s.max)} ms; last notify handed to fetch +${round(lastSent)} ms`
      )
      return [
        {
          bench: title,
          metric: `burst: ${made.length} payments at once, pay → paid on the other instance: p99`,
          goal: '< 1 s',
          measured: round(s.p99),
          unit: 'ms',
          baseline: null,
          ratio: null,
          met: s.n === made.length && s.p99 < 1000,
          note: `p50 ${round(s.p50)} / p99 ${round(s.p99)} / max ${round(s.max)} ms; ${s.n}/${made.length} streams saw paid; the sandbox handed its last notify to fetch at +${round(lastSent)} ms; A acknowledged (SUCCESS, committed) p50 ${round(ack.p50)} / p99 ${round(ack.p99)} ms after pay (n=${ack.n}); ${reachedAt}; on A: ${describeTrace(traced)}`,
        },
      ]
    }
  },
}
