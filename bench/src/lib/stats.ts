/** Small statistics helpers: nearest-rank percentiles over raw samples (no histogram binning). */

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]!
}

export interface Summary {
  n: number
  min: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length
  return {
    n,
    min: n ? Math.min(...samples) : Number.NaN,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: n ? Math.max(...samples) : Number.NaN,
    mean: n ? samples.reduce((a, b) => a + b, 0) / n : Number.NaN,
  }
}

/** Rounds for display and JSON: 1 decimal below 100, integers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
