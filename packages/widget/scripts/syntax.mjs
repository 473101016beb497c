// The oldest Safari the built widget runs in, checked on the files that ship: every `.js` of
// `dist/` must already be valid for SAFARI, i.e. esbuild, asked to make it run there, changes
// nothing. (Transpiling for a target only rewrites syntax that target lacks, so an unchanged
// output means no such syntax: e.g. class static blocks, which need Safari 16.4.) The vite
// build targets es2022; Lit and our code use all of it but static blocks.
//
// Syntax only: the runtime APIs and CSS the widget needs set the same floor and are listed in
// the README ("Browser support"). Prints one line per file and `N passed, N failed` last.
//
//   node scripts/syntax.mjs   (after the vite builds; `pnpm run syntax` builds first)
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

/** The oldest Safari (and so iOS, where every browser is WebKit) the widget supports. */
export const SAFARI = 'safari15.4'

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist')

/** Where `code` needs syntax newer than SAFARI: a short excerpt around it, or undefined. */
async function newerSyntax(code) {
  const options = { loader: 'js', format: 'esm', charset: 'utf8', legalComments: 'inline' }
  const [as, lowered] = await Promise.all([
    transform(code, { ...options, target: 'esnext' }),
    transform(code, { ...options, target: SAFARI }),
  ])
  if (as.code === lowered.code) return undefined
  let at = 0
  while (as.code[at] === lowered.code[at]) at++
  return as.code.slice(Math.max(0, at - 40), at + 60).replace(/\s+/g, ' ')
}

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? entry.name === 'types'
        ? []
        : jsFiles(join(dir, entry.name))
      : entry.name.endsWith('.js')
        ? [join(dir, entry.name)]
        : []
  )
}

// The check must be able to fail: a class static block is newer than SAFARI.
if (!(await newerSyntax('export class A { static { this.x = 1 } }')))
  throw new Error(`syntax check is blind: a class static block passed as ${SAFARI}`)

const files = jsFiles(dist)
if (files.length === 0) throw new Error(`no built files in ${dist}: run the vite builds first`)
let passed = 0
let failed = 0
for (const file of files) {
  const where = await newerSyntax(readFileSync(file, 'utf8'))
  if (where) {
    failed += 1
    console.log(`✗ ${relative(dist, file)}: needs syntax newer than ${SAFARI}, near: ${where}`)
  } else {
    passed += 1
    console.log(`✓ ${relative(dist, file)}: ${SAFARI} syntax`)
  }
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
