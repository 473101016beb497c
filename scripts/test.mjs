#!/usr/bin/env node
// Runs every test suite of the project, one after another, streaming their output, and ends
// with one plain line `N passed, N failed` that counts them all (CI reads that line).
//
// Each suite's own runner prints its counts in its own format; they are read from its output.
// A suite that exits non-zero, or whose counts cannot be read, fails the whole run: a suite
// that silently ran nothing must not look green.
//
// The gates run first (fast): formatting, types, lint and references. Each counts as one test,
// passed or failed, and a failed one says how to see and fix what it found.
//
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs lint widget     only the suites named (see `name` below)
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findPgBindir, startCluster } from './pg-cluster.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** node:test's spec reporter ends with `ℹ pass N` / `ℹ fail N`; tap with `# pass N`. */
const nodeTestCounts = (out) => {
  const pass = [...out.matchAll(/^(?:ℹ|#) pass (\d+)$/gm)].map((m) => Number(m[1]))
  const fail = [...out.matchAll(/^(?:ℹ|#) fail (\d+)$/gm)].map((m) => Number(m[1]))
  if (pass.length === 0) return undefined
  return { passed: pass.at(-1), failed: fail.at(-1) ?? 0 }
}

/** @web/test-runner's summary: `… | 47 passed, 0 failed`, possibly with `, N skipped`. */
const wtrCounts = (out) => {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '')
  const all = [...plain.matchAll(/(\d+) passed, (\d+) failed/g)]
  if (all.length === 0) return undefined
  const last = all.at(-1)
  return { passed: Number(last[1]), failed: Number(last[2]) }
}

/** A plain closing line `N passed, N failed`, as scripts of our own print. */
const plainCounts = (out) => {
  const last = [...out.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1)
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined
}

/** A gate is one check: it passes when its command exits 0. */
const gateCounts = (_out, code) =>
  code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }

/**
 * The suites, in the order they run. A `gate` is counted by {@link gateCounts}; `fix` says what
 * to do when it fails. `needs` names system programs the suite cannot run without;
 * `postgres: true` gives it DATABASE_URL of a throwaway cluster (scripts/pg-cluster.mjs), and
 * PG_CLUSTER_STATE, the cluster's state file (a test may restart the server with it).
 */
const suites = [
  {
    name: 'format',
    cwd: '.',
    cmd: ['pnpm', 'exec', 'prettier', '--check', '.'],
    counts: gateCounts,
    fix: 'files above do not match .prettierrc: run `pnpm format` (prettier --write .), then commit.',
  },
  {
    name: 'typecheck',
    cwd: '.',
    cmd: ['pnpm', '-r', '--no-bail', 'typecheck'],
    counts: gateCounts,
    fix: 'tsc --noEmit reported errors above (`pnpm typecheck` shows them again).',
  },
  {
    name: 'lint',
    cwd: '.',
    cmd: ['pnpm', 'exec', 'eslint', '--max-warnings', '0', '.'],
    counts: gateCounts,
    fix: 'ESLint (eslint.config.js: import cycles, import boundaries, recommended rules) reported the problems above; `pnpm lint` shows them again.',
  },
  {
    name: 'references',
    cwd: '.',
    cmd: ['node', 'scripts/check-references.mjs'],
    counts: gateCounts,
    fix: 'the lines above point outside the repository or name a work item (`pnpm check:refs`).',
  },
  {
    name: 'server',
    cwd: 'packages/server',
    cmd: ['pnpm', 'test'],
    counts: nodeTestCounts,
    needs: ['initdb'],
    postgres: true,
  },
  // The same server suite again with the sandbox playing today's QFPay gateway (the test bed
  // reads QFPAY_SANDBOX_PROFILE): month-window queries, the 2026 close/reversal rules,
  // sorted-fields response signatures, per-pay-type payment rules.
  {
    name: 'server (current gateway profile)',
    cwd: 'packages/server',
    cmd: ['pnpm', 'run', 'test:current'],
    counts: nodeTestCounts,
    needs: ['initdb'],
    postgres: true,
  },
  // The widget suite once per engine: Chromium, Firefox ESR (headless, over WebDriver BiDi)
  // and WebKitGTK (MiniBrowser under Xvfb): most shoppers pay on an iPhone, where every
  // browser is WebKit. Each engine's counts are their own row of the summary.
  {
    name: 'widget (chromium)',
    cwd: 'packages/widget',
    cmd: ['pnpm', 'test'],
    counts: wtrCounts,
    needs: ['chromium'],
  },
  {
    name: 'widget (firefox)',
    cwd: 'packages/widget',
    cmd: ['pnpm', 'run', 'test:firefox'],
    counts: wtrCounts,
    needs: ['firefox-esr'],
  },
  {
    name: 'widget (webkit)',
    cwd: 'packages/widget',
    cmd: ['pnpm', 'run', 'test:webkit'],
    counts: wtrCounts,
    needs: ['WebKitWebDriver', 'xvfb-run', 'xauth'],
  },
  // Deterministic, so a budget check rather than a benchmark: the widget's
  // production entry and its lazy chunks against their gzip budgets.
  {
    name: 'widget size budget',
    cwd: 'packages/widget',
    cmd: ['pnpm', 'run', 'size'],
    counts: plainCounts,
  },
  // Both packages packed with npm and installed into projects outside the workspace, used as
  // their READMEs say (consumer/README.md). Needs the npm registry for the first install.
  {
    name: 'consumer',
    cwd: 'consumer',
    cmd: ['pnpm', 'test'],
    counts: nodeTestCounts,
    needs: ['chromium', 'initdb'],
    postgres: true,
  },
  // The oldest Safari the widget supports (scripts/syntax.mjs): the built files use no syntax
  // newer than it.
  {
    name: 'widget dist syntax',
    cwd: 'packages/widget',
    cmd: ['pnpm', 'run', 'syntax'],
    counts: plainCounts,
  },
  {
    name: 'e2e (chromium)',
    cwd: 'e2e',
    cmd: ['pnpm', 'test'],
    counts: nodeTestCounts,
    needs: ['chromium'],
    postgres: true,
    optional: 'e2e/package.json',
  },
  // The four shopper flows (WeChat QR, Alipay redirect and return, expiry, cashier) in the two
  // other engines, through e2e/test/engines/.
  {
    name: 'e2e (firefox)',
    cwd: 'e2e',
    cmd: ['pnpm', 'run', 'test:firefox'],
    counts: nodeTestCounts,
    needs: ['firefox-esr'],
    optional: 'e2e/package.json',
  },
  {
    name: 'e2e (webkit)',
    cwd: 'e2e',
    cmd: ['pnpm', 'run', 'test:webkit'],
    counts: nodeTestCounts,
    needs: ['WebKitWebDriver', 'xvfb-run', 'xauth'],
    optional: 'e2e/package.json',
  },
]

/** The Debian package that provides a program in `needs`, where the names differ. */
const DEBIAN_PACKAGE = {
  initdb: 'postgresql',
  WebKitWebDriver: 'webkit2gtk-driver',
  'xvfb-run': 'xvfb',
}

function has(program) {
  // Debian keeps initdb in /usr/lib/postgresql/<major>/bin, outside PATH.
  if (program === 'initdb') return findPgBindir() !== undefined
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0
}

/** Installs missing Debian packages when we may (root with apt-get); otherwise says what is missing. */
function ensurePrograms(programs) {
  const missing = [...new Set(programs.filter((p) => !has(p)).map((p) => DEBIAN_PACKAGE[p] ?? p))]
  if (missing.length === 0) return
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot || !has('apt-get')) {
    throw new Error(
      `Missing programs: ${missing.join(', ')}. Install them (Debian: apt-get install -y ${missing.join(' ')}) and run again.`
    )
  }
  console.log(`[test] installing Debian packages: ${missing.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (result.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${result.status}).`)
  }
}

function run(suite, extraEnv) {
  return new Promise((resolve) => {
    const child = spawn(suite.cmd[0], suite.cmd.slice(1), {
      cwd: join(root, suite.cwd),
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const take = (stream, sink) =>
      stream.on('data', (chunk) => {
        out += chunk
        sink.write(chunk)
      })
    take(child.stdout, process.stdout)
    take(child.stderr, process.stderr)
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, out }))
  })
}

// `node scripts/test.mjs widget` runs the widget suite in every engine; `'widget (webkit)'` one.
const only = process.argv.slice(2)
const picked = (name) => only.some((o) => name === o || name.startsWith(`${o} (`))
const selected = suites.filter(
  (s) =>
    (only.length === 0 || picked(s.name)) && (!s.optional || existsSync(join(root, s.optional)))
)
ensurePrograms([...new Set(selected.flatMap((s) => s.needs ?? []))])

// One throwaway PostgreSQL cluster for the whole run, stopped however the run ends.
const cluster = selected.some((s) => s.postgres)
  ? await startCluster({ log: (m) => console.log(`[test] ${m}`) })
  : undefined
const stopCluster = () => cluster?.stop()
process.on('exit', stopCluster)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130))

let passed = 0
let failed = 0
const rows = []
for (const suite of selected) {
  console.log(`\n=== ${suite.name} ===`)
  const startedAt = performance.now()
  const { code, signal, out } = await run(
    suite,
    suite.postgres ? { DATABASE_URL: cluster.url, PG_CLUSTER_STATE: cluster.stateFile } : {}
  )
  const counts = suite.counts(out, code)
  let note = ''
  if (!counts) {
    failed += 1
    note = 'no test counts found in its output'
  } else {
    passed += counts.passed
    failed += counts.failed
    if (code !== 0 && counts.failed === 0) {
      failed += 1
      note = `exited ${signal ?? code} with no failing test reported`
    }
  }
  const took = `${((performance.now() - startedAt) / 1000).toFixed(1)} s`
  if (suite.counts === gateCounts) {
    const ok = counts.failed === 0
    if (!ok) console.log(`\n[test] gate ${suite.name} FAILED: ${suite.fix}`)
    rows.push(`gate ${suite.name}: ${ok ? `passed (${took})` : `FAILED (${took}): ${suite.fix}`}`)
    continue
  }
  rows.push(
    `${suite.name}: ${counts ? `${counts.passed} passed, ${counts.failed} failed` : 'unreadable'}${note ? ` (${note})` : ''} (${took})`
  )
}

console.log('\n=== summary ===')
for (const row of rows) console.log(row)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
