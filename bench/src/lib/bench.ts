/** What every benchmark gets and gives back. */

export interface Row {
  /** "3. Notify ingest" */
  bench: string
  metric: string
  /** Human-readable goal, e.g. "<= 50 ms". */
  goal: string
  measured: number | null
  unit: string
  /** The side-by-side baseline measured in the same run (same unit), when there is one. */
  baseline: number | null
  baselineLabel?: string
  /** measured / baseline (or the row's own definition, see `ratioNote`). */
  ratio: number | null
  /** `true` goal met, `false` missed, `null` informational. */
  met: boolean | null
  note?: string
}

export interface BenchContext {
  /** A fresh temp directory on disk (not tmpfs) for this benchmark. */
  dir: string
  log(message: string): void
  /** Registers clean-up that runs when the benchmark ends, fails or times out (last first). */
  defer(fn: () => unknown): void
  /** Aborted when the benchmark's time cap passes. */
  signal: AbortSignal
}

export interface Benchmark {
  id: string
  title: string
  /** Hard time cap, ms. */
  capMs: number
  run(ctx: BenchContext): Promise<Row[]>
}

export const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || !b ? null : a / b
