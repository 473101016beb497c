// Size budget of the built widget, gzip -9 (Node's zlib, level 9), 1 KB = 1024 B.
//
//   node scripts/size.mjs          print the table
//   node scripts/size.mjs --check  also fail (exit 1) when a budget row is over
//
// Run after both vite builds (`pnpm size` does). The rows:
//  - entry: dist/index.js plus every chunk it imports statically (relative imports, followed
//    transitively). Lit, @lit/* and lean-qr are external there: the app's bundler adds them.
//  - define.js: the self-contained build (Lit inside), what a page without a bundler loads, with
//    its static chunks: its first paint. Budgeted.
//  - define.js + its lazy pay chunk + the QR encoder: the one-tag page up to a drawn QR code.
//    Budgeted.
//  - lazy pay chunk(s) of dist/index.js: what the widget loads (while the shopper chooses) for
//    the states with a checkout: live status, QR tracing, their views.
//  - QR encoder: for dist/index.js, lean-qr/nano as published (an external import there, which
//    the app's bundler adds whole); define.js bundles its own copy, `chunks/qr-*.js`, with the
//    canvas output it never calls trimmed off (vite.config.ts), listed with its lazy chunks.
//  - the lazy locales and define.js's own lazy chunks are listed, not budgeted.
// Budgets: entry <= 7 KB; entry + everything loaded lazily up to a QR code on screen (pay + QR
// encoder) <= 16 KB; define.js first paint <= 12 KB; define.js up to a drawn QR <= 16 KB. With
// --check the last line is `N passed, N failed`.
import { readFileSync, existsSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { parseAst } from 'vite'

const KB = 1024
const BUDGET = { entry: 7 * KB, entryPlusQr: 16 * KB, define: 12 * KB, defineToQr: 16 * KB }
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const check = process.argv.includes('--check')

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length

/** Relative `import`/`export … from` (static) and `import()` (dynamic) specifiers of a chunk. */
function importsOf(file) {
  const ast = parseAst(readFileSync(file, 'utf8'))
  const found = { static: [], dynamic: [] }
  const relativeTo = (node) => {
    const source =
      node?.type === 'Literal' && typeof node.value === 'string'
        ? node.value
        : node?.type === 'TemplateLiteral' && node.expressions.length === 0
          ? node.quasis[0].value.cooked
          : undefined
    return source?.startsWith('.') ? resolve(dirname(file), source) : undefined
  }
  const walk = (node) => {
    if (!node || typeof node !== 'object') return
    if (Array.isArray(node)) return node.forEach(walk)
    if (/^(ImportDeclaration|ExportNamedDeclaration|ExportAllDeclaration)$/.test(node.type)) {
      const target = relativeTo(node.source)
      if (target) found.static.push(target)
    } else if (node.type === 'ImportExpression') {
      const target = relativeTo(node.source)
      if (target) found.dynamic.push(target)
    }
    for (const key of Object.keys(node)) if (key !== 'type') walk(node[key])
  }
  walk(ast)
  return found
}

/** `file` and every chunk it reaches through static imports, minus `exclude`. */
function staticClosure(file, exclude = new Set()) {
  const seen = new Set()
  const visit = (f) => {
    if (seen.has(f) || exclude.has(f)) return
    if (!existsSync(f)) throw new Error(`${relative(dist, f)} is imported but missing: build first`)
    seen.add(f)
    importsOf(f).static.forEach(visit)
  }
  visit(file)
  return seen
}

/** Dynamic imports made anywhere in a set of chunks. */
const dynamicOf = (files) => [...new Set([...files].flatMap((f) => importsOf(f).dynamic))]

const sum = (files) => [...files].reduce((total, f) => total + gz(f), 0)
const names = (files) => [...files].map((f) => relative(dist, f)).join(' + ')
const kb = (bytes) => `${(bytes / KB).toFixed(2)} KB`

for (const f of ['index.js', 'define.js']) {
  if (!existsSync(join(dist, f))) {
    console.error(`dist/${f} is missing: run the vite builds first (pnpm size).`)
    process.exit(2)
  }
}

/** Every chunk loaded lazily from `files` (dynamic imports, followed through lazy chunks too). */
function lazyOf(files) {
  const loaded = new Set(files)
  const found = []
  let queue = dynamicOf(files)
  while (queue.length) {
    const next = []
    for (const file of queue) {
      if (loaded.has(file)) continue
      const closure = staticClosure(file, loaded)
      closure.forEach((f) => loaded.add(f))
      found.push({ file, closure })
      next.push(...dynamicOf(closure))
    }
    queue = next
  }
  return found
}

// Lazy chunks are named after their first module (vite.config.ts): `zh-*` / `locales/` are
// locales, `qr-*` is the QR encoder (lean-qr), the rest (`pay`) is what paying needs.
const isLocale = ({ file }) =>
  /^(index-)?zh-/.test(basename(file)) || /[\\/]locales[\\/]/.test(file)
const isQr = ({ file }) => /^(index-)?qr-/.test(basename(file))

const entry = staticClosure(join(dist, 'index.js'))
const entryLazy = lazyOf(entry)
const pay = new Set(
  entryLazy.filter((l) => !isLocale(l) && !isQr(l)).flatMap(({ closure }) => [...closure])
)
const define = staticClosure(join(dist, 'define.js'))
const defineLazy = lazyOf(define)
// lean-qr is external in dist/index.js (the app's bundler adds the published file);
// define.js's build has its own, trimmed copy.
const qrPublished = fileURLToPath(import.meta.resolve('lean-qr/nano'))
const qr = new Set(defineLazy.filter(isQr).flatMap(({ closure }) => [...closure]))
if (!qr.size) {
  console.error('No QR chunk (chunks/qr-*.js) among the lazy chunks of dist/define.js.')
  process.exit(2)
}

// define.js's own pay chunk: its lazy chunks that are neither a locale nor the QR encoder.
const definePay = new Set(
  defineLazy.filter((l) => !isLocale(l) && !isQr(l)).flatMap(({ closure }) => [...closure])
)
const defineBytes = sum(define)
const entryBytes = sum(entry)
const payBytes = sum(pay)
const qrBytes = sum(qr)
const qrPublishedBytes = gz(qrPublished)
const rows = [
  {
    what: 'entry (`index.js` + static chunks)',
    files: names(entry),
    bytes: entryBytes,
    budget: BUDGET.entry,
  },
  {
    what: 'lazy: pay (live status, QR tracing, checkout views)',
    files: names(pay),
    bytes: payBytes,
  },
  {
    what: "lazy: QR encoder (added by the app's bundler)",
    files: 'lean-qr/nano.mjs as published',
    bytes: qrPublishedBytes,
  },
  {
    what: 'entry + lazy chunks up to the QR code',
    files: '',
    bytes: entryBytes + payBytes + qrPublishedBytes,
    budget: BUDGET.entryPlusQr,
  },
  {
    what: '`define.js` first paint (Lit inside) + static chunks',
    files: names(define),
    bytes: defineBytes,
    budget: BUDGET.define,
  },
  ...defineLazy.map(({ closure }) => ({
    what: '`define.js` lazy chunk',
    files: names(closure),
    bytes: sum(closure),
  })),
  {
    what: '`define.js` + lazy chunks up to the QR code',
    files: '',
    bytes: defineBytes + sum(definePay) + qrBytes,
    budget: BUDGET.defineToQr,
  },
  ...entryLazy
    .filter(isLocale)
    .map(({ closure }) => ({ what: 'lazy: locale', files: names(closure), bytes: sum(closure) })),
]

console.log('| bundle | files | gzip -9 | budget | |')
console.log('|---|---|---:|---:|---|')
let passed = 0
let failed = 0
for (const row of rows) {
  let verdict = ''
  if (row.budget !== undefined) {
    const ok = row.bytes <= row.budget
    verdict = ok ? 'ok' : `**over by ${row.bytes - row.budget} B**`
    if (ok) passed++
    else failed++
  }
  const limit = row.budget ? kb(row.budget) : ''
  console.log(
    `| ${row.what} | ${row.files} | ${kb(row.bytes)} (${row.bytes} B) | ${limit} | ${verdict} |`
  )
}
if (check) {
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed ? 1 : 0)
}
