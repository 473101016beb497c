/**
 * `pnpm bench`: runs the eight benchmarks one after another (each with its own time cap and
 * clean-up), prints one Markdown table and writes the same figures to bench/results.json.
 *
 *   pnpm bench                  all eight
 *   pnpm bench -- notify poll   only those (ids: size latency notify fanout qr poll pg md5)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import type { BenchContext, Benchmark, Row } from './lib/bench.ts'
import { benchDir } from './lib/child.ts'
import { round } from './lib/stats.ts'
import { notifyBench } from './bench-notify.ts'
import { fanoutBench } from './bench-fanout.ts'
import { latencyBench } from './bench-latency.ts'
import { pollBench } from './bench-poll.ts'
import { qrBench } from './bench-qr.ts'
import { sizeBench } from './bench-size.ts'
import { pgBench } from './bench-pg.ts'
import { md5Bench } from './bench-md5.ts'

const all: Benchmark[] = [
  sizeBench,
  latencyBench,
  notifyBench,
  fanoutBench,
  qrBench,
  pollBench,
  pgBench,
  md5Bench,
]
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const selected = wanted.length ? all.filter((b) => wanted.includes(b.id)) : all
const started = Date.now()
const rows: Row[] = []
const runs: { id: string; title: string; ms: number; error?: string }[] = []

for (const bench of selected) {
  const t0 = Date.now()
  const dir = mkdtempSync(join(benchDir, '.tmp', `${bench.id}-`))
  const cleanups: (() => unknown)[] = []
  const abort = new AbortController()
  const ctx: BenchContext = {
    dir,
    log: (m) =>
      console.error(`[bench ${bench.id} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`),
    defer: (fn) => void cleanups.push(fn),
    signal: abort.signal,
  }
  console.error(`\n=== ${bench.title} (cap ${bench.capMs / 1000} s) ===`)
  let timer: NodeJS.Timeout | undefined
  try {
    const capped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort()
        reject(new Error(`timed out after ${bench.capMs / 1000} s`))
      }, bench.capMs)
    })
    rows.push(...(await Promise.race([bench.run(ctx), capped])))
    runs.push({ id: bench.id, title: bench.title, ms: Date.now() - t0 })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`[bench ${bench.id}] FAILED: ${error instanceof Error ? error.stack : message}`)
    rows.push({
      bench: bench.title,
      metric: 'did not finish',
      goal: '',
      measured: null,
      unit: '',
      baseline: null,
      ratio: null,
      met: false,
      note: message.split('\n')[0]!,
    })
    runs.push({ id: bench.id, title: bench.title, ms: Date.now() - t0, error: message })
  } finally {
    clearTimeout(timer)
    for (const fn of cleanups.reverse()) {
      try {
        await Promise.race([fn(), new Promise((r) => setTimeout(r, 10_000))])
      } catch (error) {
        console.error(`[bench ${bench.id}] clean-up failed: ${String(error)}`)
      }
    }
    rmSync(dir, { recursive: true, force: true })
  }
  console.error(`[bench ${bench.id}] done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}

const fmt = (v: number | null, unit = '') =>
  v === null || Number.isNaN(v)
    ? '—'
    : `${round(v).toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`
const lines = [
  '| benchmark | metric | goal | measured | baseline | ratio | met |',
  '|---|---|---|---:|---:|---:|:---:|',
  ...rows.map(
    (r) =>
      `| ${r.bench} | ${r.metric} | ${r.goal} | ${fmt(r.measured, r.unit)} | ${r.baseline === null ? '—' : `${fmt(r.baseline, r.unit)}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}`} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(r.ratio < 0.1 ? 3 : 2)}x`} | ${r.met === null ? '·' : r.met ? 'yes' : '**no**'} |`
  ),
]
const notes = rows.filter((r) => r.note).map((r) => `- ${r.bench}, ${r.metric}: ${r.note}`)
const totalS = (Date.now() - started) / 1000
console.log(
  `\n${lines.join('\n')}\n\nNotes:\n${notes.join('\n')}\n\nTotal ${totalS.toFixed(0)} s on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}.`
)
writeFileSync(
  join(benchDir, 'results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), totalSeconds: round(totalS), runs, rows }, null, 2)}\n`
)
process.exit(runs.some((r) => r.error) ? 1 : 0)
