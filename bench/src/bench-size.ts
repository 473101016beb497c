/**
 * Bench 1: widget size, gzip bytes. Deterministic: builds the widget and reads the figures of
 * `packages/widget/scripts/size.mjs` (the one measurer; see widget-size.mjs). Ratio = measured /
 * budget. The same budgets fail CI through the widget's `pnpm run size`.
 */
import type { Benchmark } from './lib/bench.ts'
// @ts-expect-error plain ESM helper shared with the node:test budget check
import { BUDGETS, buildWidget, measureWidget } from '../widget-size.mjs'

export const sizeBench: Benchmark = {
  id: 'size',
  title: '1. Widget size',
  capMs: 60_000,
  async run(ctx) {
    buildWidget()
    const s = measureWidget() as {
      entry: number
      lazy: number
      total: number
      define?: number
      defineToQr?: number
      table: string
    }
    ctx.log(`\n${s.table}`)
    const kb = (b: number) => b / 1024
    return [
      {
        bench: this.title,
        metric: 'entry, gzip',
        goal: goalOf(BUDGETS.entry),
        measured: kb(s.entry),
        unit: 'KB',
        baseline: null,
        ratio: s.entry / BUDGETS.entry,
        met: s.entry <= BUDGETS.entry,
        note: `${s.entry} B; ratio = measured / budget`,
      },
      {
        bench: this.title,
        metric: 'entry + lazy QR chunk(s), gzip',
        goal: goalOf(BUDGETS.total),
        measured: kb(s.total),
        unit: 'KB',
        baseline: null,
        ratio: s.total / BUDGETS.total,
        met: s.total <= BUDGETS.total,
        note: `${s.total} B (lazy chunks up to the QR ${s.lazy} B); ratio = measured / budget`,
      },
      ...[
        ['define', 'define.js (Lit inside) first paint, gzip'],
        ['defineToQr', 'define.js up to a drawn QR, gzip'],
      ].flatMap(([key, metric]) => {
        const bytes = s[key as 'define' | 'defineToQr']
        const budget = BUDGETS[key as 'define' | 'defineToQr'] as number
        if (bytes === undefined) return []
        return [
          {
            bench: this.title,
            metric: metric!,
            goal: goalOf(budget),
            measured: kb(bytes),
            unit: 'KB',
            baseline: null,
            ratio: bytes / budget,
            met: bytes <= budget,
            note: `${bytes} B; ratio = measured / goal`,
          },
        ]
      }),
    ]
  },
}

/** A budget in bytes as the table's goal (1 KB = 1024 B, as the widget's size check counts). */
function goalOf(bytes: number): string {
  return `<= ${bytes / 1024} KB`
}
