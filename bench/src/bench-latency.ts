/**
 * Bench 2: live-status latency, notify sent → `qfpay-paid` fired in real Chromium.
 *
 * The shop (web-server.ts) runs in its own process with the sandbox on its own loopback port.
 * 20 payments are in flight at a time: 5 pages (each its own browser context and
 * its own port, so Chromium's six-connections-per-host limit never queues a stream), 4 widgets
 * each. One payment: add a widget, choose WeChat Pay, click Pay, wait for the QR, wait a random
 * 0–4 s (the shopper scanning; the same draw for every mode), then the sandbox pays: the moment
 * its notify is handed to fetch is t0 (server clock). The page stamps `qfpay-paid` (page clock);
 * the page-to-server clock offset comes from the min-round-trip of 25 `GET /__clock` samples per
 * page, so t1 - t0 is exact to within half a loopback round trip (reported as `clock ±`).
 *
 * Modes: (a) SSE (the widget's default); (b) the widget's polling fallback, forced by deleting
 * `window.EventSource` before any script runs (it polls at 2 s, then backs off ×1.5 to 10 s);
 * (c) baseline: a page script that polls `GET /checkouts/:id` at a fixed 2 s, no widget.
 */
import type { BrowserContext, Page } from 'playwright-core'
import type { Benchmark, Row } from './lib/bench.ts'
import { ratio } from './lib/bench.ts'
import { launch } from './lib/browser.ts'
import { startServer, type ServerChild } from './lib/child.ts'
import { HOST } from './lib/constants.ts'
import { round, sleep, summarize, type Summary } from './lib/stats.ts'

const PAYMENTS = Number(process.env.BENCH_LATENCY_PAYMENTS ?? 200)
const PAGES = 5
const PER_PAGE = 4
const MAX_SCAN_MS = 4000

type Mode = 'sse' | 'polling' | 'baseline'

async function runMode(
  mode: Mode,
  server: ServerChild,
  ports: number[],
  contexts: BrowserContext[],
  log: (m: string) => void,
  signal: AbortSignal
) {
  const pages: { page: Page; offset: number; rtt: number }[] = []
  for (let i = 0; i < PAGES; i++) {
    const context = contexts[i]!
    const page = await context.newPage()
    if (mode === 'polling')
      await page.addInitScript(() => delete (window as { EventSource?: unknown }).EventSource)
    page.on('console', (m) => m.type() === 'error' && log(`page ${i}: ${m.text()}`))
    await page.goto(`http://${HOST}:${ports[i]}/`)
    await page.evaluate(() => (window as any).bench.ready())
    const { offset, rtt } = await page.evaluate(() => (window as any).bench.clockOffset())
    pages.push({ page, offset, rtt })
  }
  const latencies: number[] = []
  let started = 0
  let seed = 7
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000
  const slot = async (p: { page: Page; offset: number }) => {
    while (started < PAYMENTS && !signal.aborted) {
      const k = started++
      const order = `L-${mode}-${k}`
      const scanMs = rand() * MAX_SCAN_MS
      const { id, el } =
        mode === 'baseline'
          ? await p.page.evaluate(([o]) => (window as any).bench.pollerStart(o, '800201'), [order])
          : await p.page.evaluate(([o]) => (window as any).bench.start(o, '800201'), [order])
      const syssn = await server.call<string>('syssnOf', { id })
      await sleep(scanMs)
      await server.call('pay', { syssn })
      const paidAtPage = await p.page.evaluate(([i]) => (window as any).bench.whenPaid(i), [id])
      const sentAt = await server.call<number | undefined>('sentAt', { syssn })
      if (sentAt === undefined) throw new Error(`no notify send time for ${syssn}`)
      latencies.push(paidAtPage + p.offset - sentAt)
      if (el) await p.page.evaluate(([e]) => (window as any).bench.remove(e), [el])
    }
  }
  await Promise.all(pages.flatMap((p) => Array.from({ length: PER_PAGE }, () => slot(p))))
  const clock = Math.max(...pages.map((p) => p.rtt / 2))
  for (const p of pages) await p.page.close()
  return { summary: summarize(latencies), clock }
}

export const latencyBench: Benchmark = {
  id: 'latency',
  title: '2. Live-status latency',
  capMs: 240_000,
  async run(ctx) {
    const server = await startServer('web-server', {
      dir: ctx.dir,
      gateway: 'loopback',
      ports: PAGES,
    })
    ctx.defer(() => server.kill())
    const ports = await server.call<number[]>('ports')
    const browser = await launch()
    ctx.defer(() => browser.close())
    const results = {} as Record<Mode, { summary: Summary; clock: number }>
    for (const mode of ['sse', 'polling', 'baseline'] as const) {
      const contexts = await Promise.all(Array.from({ length: PAGES }, () => browser.newContext()))
      const t0 = Date.now()
      results[mode] = await runMode(mode, server, ports, contexts, ctx.log, ctx.signal)
      await Promise.all(contexts.map((c) => c.close()))
      const s = results[mode].summary
      ctx.log(
        `${mode}: n=${s.n} p50 ${round(s.p50)} p95 ${round(s.p95)} p99 ${round(s.p99)} max ${round(s.max)} ms (clock ±${round(results[mode].clock)} ms) in ${Date.now() - t0} ms`
      )
    }
    const base = results.baseline.summary
    const label = 'fixed 2 s poller'
    const row = (mode: 'sse' | 'polling', name: string, goal: string, met: boolean | null): Row => {
      const s = results[mode].summary
      return {
        bench: this.title,
        metric: `${name}: p95 (n=${s.n})`,
        goal,
        measured: round(s.p95),
        unit: 'ms',
        baseline: round(base.p95),
        baselineLabel: label,
        ratio: ratio(s.p95, base.p95),
        met,
        note: `p50 ${round(s.p50)} / p95 ${round(s.p95)} / p99 ${round(s.p99)} ms (baseline ${round(base.p50)} / ${round(base.p95)} / ${round(base.p99)}); clock ±${round(Math.max(results[mode].clock, results.baseline.clock))} ms`,
      }
    }
    return [
      row(
        'sse',
        '(a) SSE',
        '<= 50 ms',
        results.sse.summary.p95 <= 50 && results.sse.summary.n >= 200
      ),
      row('polling', '(b) polling fallback', '', null),
      {
        bench: this.title,
        metric: `(c) baseline 2 s poller: p95 (n=${base.n})`,
        goal: '',
        measured: round(base.p95),
        unit: 'ms',
        baseline: null,
        ratio: null,
        met: null,
        note: `p50 ${round(base.p50)} / p95 ${round(base.p95)} / p99 ${round(base.p99)} ms`,
      },
    ]
  },
}
