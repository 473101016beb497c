#!/usr/bin/env node
// `pnpm test:mutation [mutant-id …]`: puts each deliberate bug of scripts/mutants.mjs into the
// source, one at a time, runs the test files that should notice it, and puts the source back.
// A mutant is "killed" when those tests fail (or hang past the limit), "survived" when they
// pass: a survivor is a promise no test keeps. Ends with a table and the score
// killed / (killed + survived); exits 1 when anything survived or a mutant no longer applies.
//
// The source is always restored: after each mutant, on an error, and on Ctrl-C or SIGTERM
// (the originals are kept in memory and written back synchronously). Slow by design (a few
// minutes): not part of `pnpm test` or CI. `--list` prints the mutants; `--skip-baseline`
// skips the first run that checks the chosen tests pass on the unmutated code.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MUTANTS } from './mutants.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const SERVER = join(root, 'packages/server')
const WIDGET = join(root, 'packages/widget')
/** A test run longer than this counts as a hang: the mutant is killed ("timeout"). */
const LIMIT_MS = Number(process.env['MUTATION_LIMIT_MS'] ?? 300_000)
/** Fewer scheduler runs for the interleaving property: the forced cases do not depend on it. */
const ENV = { ...process.env, RACE_RUNS: process.env['RACE_RUNS'] ?? '30', FORCE_COLOR: '0' }

const args = process.argv.slice(2)
const chosen = args.filter((a) => !a.startsWith('--'))
const mutants = chosen.length ? MUTANTS.filter((m) => chosen.includes(m.id)) : MUTANTS
const unknown = chosen.filter((id) => !MUTANTS.some((m) => m.id === id))
if (unknown.length) {
  console.error(`Unknown mutant(s): ${unknown.join(', ')}. See --list.`)
  process.exit(2)
}
if (args.includes('--list')) {
  for (const m of MUTANTS) console.log(`${m.id.padEnd(28)} ${m.what}`)
  process.exit(0)
}

/** file → original text, while a mutant is applied. */
const originals = new Map()
let child
function restore() {
  for (const [file, text] of originals) writeFileSync(file, text)
  originals.clear()
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child) killGroup(child)
    restore()
    console.error(`\n${signal}: source restored.`)
    process.exit(130)
  })
}
process.on('exit', restore)

function killGroup(proc) {
  try {
    process.kill(-proc.pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/** Runs a command in its own process group; resolves with its exit and output. */
function run(cmd, cmdArgs, cwd) {
  return new Promise((resolve) => {
    let out = ''
    child = spawn(cmd, cmdArgs, {
      cwd,
      env: ENV,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const proc = child
    proc.stdout.on('data', (d) => (out += d))
    proc.stderr.on('data', (d) => (out += d))
    const timer = setTimeout(() => {
      killGroup(proc)
      resolve({ code: null, timedOut: true, out })
    }, LIMIT_MS)
    proc.on('close', (code) => {
      clearTimeout(timer)
      child = undefined
      resolve({ code, timedOut: false, out })
    })
  })
}

/** The first failing test's name in node:test (TAP or spec) or Web Test Runner output. */
function firstFailure(out) {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '')
  const m =
    plain.match(/^\s*not ok \d+ - (.+)$/m) ??
    plain.match(/^\s*✖ (.+?)(?: \(\d|$)/m) ??
    plain.match(/❌ (.+)$/m)
  return m ? m[1].replace(/\s+#.*$/, '').trim() : ''
}

const present = (dir, files) => (files ?? []).filter((f) => existsSync(join(dir, f)))

/** Runs a mutant's tests (server, then widget); `failed` when any of them failed. */
async function runTests(m) {
  const server = present(SERVER, m.server)
  const widget = present(WIDGET, m.widget)
  if (server.length === 0 && widget.length === 0) return { missing: true }
  if (server.length) {
    const r = await run('node', ['--import', 'tsx', '--test', ...server], SERVER)
    if (r.code !== 0)
      return { failed: true, timedOut: r.timedOut, by: firstFailure(r.out), out: r.out }
  }
  if (widget.length) {
    const files = widget.flatMap((f) => ['--files', f])
    const r = await run('pnpm', ['exec', 'wtr', ...files], WIDGET)
    if (r.code !== 0)
      return { failed: true, timedOut: r.timedOut, by: firstFailure(r.out), out: r.out }
  }
  return { failed: false }
}

/** Applies every edit of a mutant, or returns why it cannot. */
function apply(m) {
  const texts = new Map()
  for (const { file, from, to } of m.edits) {
    const path = join(root, file)
    const text = texts.get(path) ?? readFileSync(path, 'utf8')
    const count = text.split(from).length - 1
    if (count !== 1) return `${file}: the text to mutate occurs ${count} times, not once`
    texts.set(
      path,
      text.replace(from, () => to)
    )
  }
  for (const [path, text] of texts) {
    originals.set(path, readFileSync(path, 'utf8'))
    writeFileSync(path, text)
  }
  return undefined
}

if (!args.includes('--skip-baseline')) {
  const union = (key) => [...new Set(mutants.flatMap((m) => m[key] ?? []))]
  process.stdout.write('baseline: the chosen tests on the unmutated code … ')
  const base = await runTests({ server: union('server'), widget: union('widget') })
  if (base.failed || base.missing) {
    console.log('FAILED')
    console.log(base.out ?? 'no test files found')
    console.error('The tests fail without any mutant: fix them first (or pass --skip-baseline).')
    process.exit(2)
  }
  console.log('green')
}

const results = []
for (const [i, m] of mutants.entries()) {
  process.stdout.write(`[${i + 1}/${mutants.length}] ${m.id} … `)
  const started = Date.now()
  let result
  const why = apply(m)
  if (why) result = { status: 'stale', note: why }
  else {
    try {
      const r = await runTests(m)
      if (r.missing) result = { status: 'no tests', note: 'none of its test files exist' }
      else if (r.failed)
        result = { status: r.timedOut ? 'killed (timeout)' : 'killed', note: r.by ?? '' }
      else result = { status: 'SURVIVED', note: m.what }
    } finally {
      restore()
    }
  }
  const seconds = Math.round((Date.now() - started) / 1000)
  results.push({ id: m.id, ...result, seconds })
  console.log(`${result.status} (${seconds} s)`)
}

const pad = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n))
console.log(`\n${pad('mutant', 28)} ${pad('result', 17)} ${'s'.padStart(4)}  caught by / note`)
for (const r of results)
  console.log(
    `${pad(r.id, 28)} ${pad(r.status, 17)} ${String(r.seconds).padStart(4)}  ${pad(r.note, 70)}`
  )
const killed = results.filter((r) => r.status.startsWith('killed')).length
const survived = results.filter((r) => r.status === 'SURVIVED').length
const broken = results.length - killed - survived
const score = killed + survived ? ((100 * killed) / (killed + survived)).toFixed(1) : '0.0'
console.log(
  `\nmutation score: ${killed}/${killed + survived} killed (${score} %)` +
    (broken ? `; ${broken} mutant(s) did not apply or had no tests` : '')
)
process.exit(survived || broken ? 1 : 0)
