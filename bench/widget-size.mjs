// Widget size, measured by the widget's own `packages/widget/scripts/size.mjs` (one measurer in
// the project): this file only builds the widget (its two vite builds, as its test script does)
// and reads the figures off size.mjs's table. Used by `pnpm bench` (bench 1); CI checks the same
// budgets through the widget's own `pnpm run size` (scripts/test.mjs, "widget size budget").
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const widgetDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'widget')
/** The widget's size budgets, gzip bytes (1 KB = 1024 B, as size.mjs counts). */
export const BUDGETS = { entry: 7 * 1024, total: 16 * 1024 }

/** The widget's production builds: dist/index.js and dist/define.js with its chunks. */
export function buildWidget() {
  for (const extra of [[], ['--mode', 'define']]) {
    const r = spawnSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn', ...extra], {
      cwd: widgetDir,
      encoding: 'utf8',
    })
    if (r.status !== 0)
      throw new Error(
        `widget build failed (vite build ${extra.join(' ')}):\n${r.stdout}\n${r.stderr}`
      )
  }
}

/** Runs size.mjs --check and parses its two budgeted rows: gzip bytes of the entry and of entry + the lazy chunks up to the QR. */
export function measureWidget() {
  const r = spawnSync(process.execPath, [join(widgetDir, 'scripts', 'size.mjs'), '--check'], {
    cwd: widgetDir,
    encoding: 'utf8',
  })
  const out = r.stdout ?? ''
  const bytes = {}
  for (const line of out.split('\n')) {
    const m = /^\|\s*([^|]+?)\s*\|[^|]*\|[^|]*?\((\d+) B\)/.exec(line)
    if (!m) continue
    const label = m[1].toLowerCase()
    if (label.startsWith('entry +')) bytes.total = Number(m[2])
    else if (label.startsWith('entry')) bytes.entry = Number(m[2])
  }
  // Everything loaded lazily on the way to the first QR code (size.mjs's rows change as the
  // widget is split; the two budgeted rows are what stays).
  if (bytes.entry !== undefined && bytes.total !== undefined) bytes.lazy = bytes.total - bytes.entry
  if (bytes.entry === undefined || bytes.total === undefined) {
    throw new Error(`could not read size.mjs's table (exit ${r.status}):\n${out}\n${r.stderr}`)
  }
  const verdict = /(\d+) passed, (\d+) failed\s*$/.exec(out.trim())
  return {
    ...bytes,
    table: out.trim(),
    exitCode: r.status,
    passed: Number(verdict?.[1] ?? NaN),
    failed: Number(verdict?.[2] ?? NaN),
  }
}
