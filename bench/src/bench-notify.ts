/**
 * Bench 3: notify ingest. `POST /qfpay/notify` on createCheckout() (signature check over the raw
 * bytes, dedupe, confirm by /trade/v1/query against the in-process sandbox, durable SQLite
 * commits at synchronous=FULL, publish), against a bare Hono route that commits the same body as
 * one row in the same kind of SQLite file and does nothing else. autocannon, loopback.
 *
 *  a) throughput: a fixed number of notifies as fast as 20 connections go, each side;
 *  b) p99 at a fixed 500 notifies/s for 60 s, 20 % duplicates; errors must be 0. The baseline's
 *     p99 at the same rate (shorter run) sits beside it.
 * One notify in five replays an earlier one (a random one of the last 1,000 sent).
 */
import type { Benchmark, Row } from './lib/bench.ts'
import { ratio } from './lib/bench.ts'
import { startServer } from './lib/child.ts'
import { HOST } from './lib/constants.ts'
import { load, type LoadResult } from './lib/load.ts'
import { round } from './lib/stats.ts'

const MAX_AMOUNT = Number(process.env.BENCH_NOTIFY_MAX ?? 3000)
const FIXED_RATE = 500
const FIXED_S = Number(process.env.BENCH_NOTIFY_FIXED_S ?? 60)
const BASE_FIXED_S = Math.min(FIXED_S, 15)
const DUP_SHARE = 0.2

/** A deterministic stream of notifies: every 5th a replay of a recent one. */
function sequence(bodies: { body: string; signature: string }[], start: number) {
  let unique = start
  const sent: number[] = []
  let seed = 42
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000
  return {
    next(i: number) {
      let k: number
      // Past the prepared notifies (autocannon may overshoot a little) every request is a replay.
      if (
        (i % Math.round(1 / DUP_SHARE) === Math.round(1 / DUP_SHARE) - 1 ||
          unique >= bodies.length) &&
        sent.length > 0
      ) {
        k = sent[Math.max(0, sent.length - 1 - Math.floor(rand() * Math.min(1000, sent.length)))]!
      } else {
        k = unique++
        sent.push(k)
      }
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

export const notifyBench: Benchmark = {
  id: 'notify',
  title: '3. Notify ingest',
  capMs: 240_000,
  async run(ctx) {
    const uniques = Math.ceil((MAX_AMOUNT + FIXED_RATE * FIXED_S) * (1 - DUP_SHARE)) + 600
    ctx.log(`preparing ${uniques} paid sandbox orders and their signed notifies (off the clock)`)
    const server = await startServer(
      'checkout-server',
      { dir: ctx.dir, notifies: uniques, setupBudgetMs: 75_000 },
      150_000
    )
    ctx.defer(() => server.kill())
    const { bodies, setupMs } = await server.call<{
      bodies: { body: string; signature: string }[]
      setupMs: number
    }>('notifies')
    ctx.log(`set-up took ${Math.round(setupMs)} ms for ${bodies.length} notifies`)
    // Sized to what set-up prepared: max run first, the rest for the fixed-rate run.
    const maxAmount = Math.min(MAX_AMOUNT, Math.floor((bodies.length * 0.3) / (1 - DUP_SHARE)))
    const fixedS = Math.min(
      FIXED_S,
      Math.floor(
        (bodies.length - 250 - maxAmount * (1 - DUP_SHARE)) / (FIXED_RATE * (1 - DUP_SHARE))
      )
    )
    const baseFixedS = Math.min(fixedS, BASE_FIXED_S)
    const bare = await startServer('bare-server', { dir: ctx.dir })
    ctx.defer(() => bare.kill())
    const url = (port: number) => `http://${HOST}:${port}`

    // Warm-up (JIT, connection pools): 200 requests each, not counted.
    const warm = sequence(bodies, 0)
    await load({
      url: url(server.port),
      next: warm.next,
      connections: 10,
      amount: 200,
      capMs: 20_000,
    })
    const bareNext = (body: { body: string; signature: string }[]) => (i: number) => ({
      method: 'POST' as const,
      path: '/notify',
      headers: { 'content-type': 'application/json' },
      body: body[i % body.length]!.body,
    })
    await load({
      url: url(bare.port),
      next: bareNext(bodies),
      connections: 10,
      amount: 200,
      capMs: 20_000,
    })

    ctx.log(`a) max throughput: ${maxAmount} notifies, 20 connections, each side`)
    const maxSeq = sequence(bodies, warm.used)
    const ours = await load({
      url: url(server.port),
      next: maxSeq.next,
      connections: 20,
      amount: maxAmount,
      capMs: 60_000,
    })
    const base = await load({
      url: url(bare.port),
      next: bareNext(bodies),
      connections: 20,
      amount: maxAmount,
      capMs: 60_000,
    })
    ctx.log(
      `   ours ${round(ours.rps)} req/s p99 ${ours.p99} ms; bare ${round(base.rps)} req/s p99 ${base.p99} ms`
    )

    ctx.log(`b) fixed ${FIXED_RATE}/s for ${fixedS} s (baseline ${baseFixedS} s)`)
    const fixedSeq = sequence(bodies, maxSeq.used)
    // BENCH_NOTIFY_PROF=<file>: a CPU profile of the server over the fixed-rate run only.
    const prof = process.env.BENCH_NOTIFY_PROF
    if (prof) await server.call('profStart')
    const fixed = await load({
      url: url(server.port),
      next: fixedSeq.next,
      connections: 50,
      overallRate: FIXED_RATE,
      durationS: fixedS,
      capMs: (fixedS + 30) * 1000,
    })
    if (prof) await server.call('profStop', { file: prof })
    const baseFixed = await load({
      url: url(bare.port),
      next: bareNext(bodies),
      connections: 50,
      overallRate: FIXED_RATE,
      durationS: baseFixedS,
      capMs: (baseFixedS + 30) * 1000,
    })
    ctx.log(
      `   ours ${round(fixed.rps)} req/s p99 ${fixed.p99} ms errors ${fixed.errors} non2xx ${fixed.non2xx}; bare p99 ${baseFixed.p99} ms`
    )

    // Every unique notify must have moved its checkout to paid (0 lost), duplicates included.
    const paid = await server.call<number>('countPaid', { from: 0, to: fixedSeq.used })
    const failures = (r: LoadResult) => r.errors + r.timeouts + r.non2xx
    const fixedFailures = failures(fixed)
    const rows: Row[] = [
      {
        bench: this.title,
        metric: `throughput, POST /notify (${maxAmount} notifies, 20 conns)`,
        goal: '>= 0.5x baseline',
        measured: round(ours.rps),
        unit: 'req/s',
        baseline: round(base.rps),
        baselineLabel: 'bare Hono + same SQLite commit',
        ratio: ratio(ours.rps, base.rps),
        met: ours.rps >= 0.5 * base.rps && failures(ours) === 0,
        note: `p99 ${round(ours.p99)} ms vs ${round(base.p99)} ms; errors ${failures(ours)}`,
      },
      {
        bench: this.title,
        metric: `p99 at ${FIXED_RATE}/s for ${fixedS} s${fixedS < 60 ? ' (set-up ran out of time: < 60 s)' : ''}, 20 % dup`,
        goal: '< 100 ms, 0 errors',
        measured: round(fixed.p99),
        unit: 'ms',
        baseline: round(baseFixed.p99),
        baselineLabel: `bare route, ${FIXED_RATE}/s for ${baseFixedS} s`,
        ratio: ratio(fixed.p99, baseFixed.p99),
        met: fixedS >= 60 && fixed.p99 < 100 && fixedFailures === 0 && paid === fixedSeq.used,
        note: `${fixed.requests} sent (${round(fixed.rps)}/s), errors ${fixedFailures}, checkouts paid ${paid}/${fixedSeq.used}`,
      },
    ]
    return rows
  },
}
