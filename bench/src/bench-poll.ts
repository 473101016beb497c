/**
 * Bench 6: status polling. 500 req/s of `GET /qfpay/checkouts/:id` for 30 s (autocannon,
 * loopback) against createCheckout() on SQLite (checkout-server.ts), spread over 250 pending
 * checkouts (each poll of a pending one may start a /query, at most one per checkout per 5 s:
 * ~50 queries/s to the in-process sandbox) and 250 paid ones (a plain read). Baseline: a bare
 * Hono route doing one indexed SELECT of a row holding the same JSON, same rate, 15 s.
 */
import type { Benchmark } from './lib/bench.ts'
import { ratio } from './lib/bench.ts'
import { startServer } from './lib/child.ts'
import { HOST } from './lib/constants.ts'
import { load } from './lib/load.ts'
import { round } from './lib/stats.ts'

const RATE = 500
const SECONDS = Number(process.env.BENCH_POLL_S ?? 30)
const BASE_SECONDS = Math.min(15, SECONDS)

export const pollBench: Benchmark = {
  id: 'poll',
  title: '6. Status polling',
  capMs: 120_000,
  async run(ctx) {
    const server = await startServer('checkout-server', {
      dir: ctx.dir,
      polls: 250,
      paidPolls: 250,
    })
    ctx.defer(() => server.kill())
    const bare = await startServer('bare-server', { dir: ctx.dir, rows: 500 })
    ctx.defer(() => bare.kill())
    const { pending, paid } = await server.call<{ pending: string[]; paid: string[] }>('pollIds')
    const ids = pending.flatMap((p, i) => [p, paid[i]!])
    const bareIds = await bare.call<string[]>('ids')
    const get = (list: string[], prefix: string) => (i: number) => ({
      method: 'GET' as const,
      path: `${prefix}/checkouts/${list[i % list.length]}`,
    })
    // Warm-up, not counted.
    await load({
      url: `http://${HOST}:${server.port}`,
      next: get(ids, '/qfpay'),
      connections: 10,
      amount: 500,
      capMs: 20_000,
    })
    await load({
      url: `http://${HOST}:${bare.port}`,
      next: get(bareIds, ''),
      connections: 10,
      amount: 500,
      capMs: 20_000,
    })
    const ours = await load({
      url: `http://${HOST}:${server.port}`,
      next: get(ids, '/qfpay'),
      connections: 50,
      overallRate: RATE,
      durationS: SECONDS,
      capMs: (SECONDS + 30) * 1000,
    })
    const base = await load({
      url: `http://${HOST}:${bare.port}`,
      next: get(bareIds, ''),
      connections: 50,
      overallRate: RATE,
      durationS: BASE_SECONDS,
      capMs: (BASE_SECONDS + 30) * 1000,
    })
    ctx.log(
      `ours ${round(ours.rps)} req/s p50 ${ours.p50} p99 ${ours.p99} ms errors ${ours.errors + ours.non2xx}; bare p99 ${base.p99} ms`
    )
    const failures = ours.errors + ours.timeouts + ours.non2xx
    return [
      {
        bench: this.title,
        metric: `p99 at ${RATE}/s for ${SECONDS} s`,
        goal: '< 50 ms',
        measured: round(ours.p99),
        unit: 'ms',
        baseline: round(base.p99),
        baselineLabel: `bare Hono + SQLite SELECT, ${BASE_SECONDS} s`,
        ratio: ratio(ours.p99, base.p99),
        met: ours.p99 < 50 && failures === 0,
        note: `${ours.requests} requests (${round(ours.rps)}/s), p50 ${ours.p50} ms, errors ${failures}; baseline p50 ${base.p50} ms`,
      },
    ]
  },
}
