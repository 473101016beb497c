#!/usr/bin/env node
// Fails (exit 1) when a tracked file points somewhere a reader of the repository cannot follow:
//  - a relative path that leaves the repository (`../../../../other/x.md` from a file's folder),
//  - a planning document or source note kept outside the repository (the names are in RULES),
//  - a work-item number: a numbered issue, row or ticket, in prose, a TODO or a file name.
// Write the rule itself instead, or link to the project's own docs (`docs/…md#heading`).
//
//   node scripts/check-references.mjs            every tracked file but docs/ (public sources)
//   node scripts/check-references.mjs FILE…      only these files (any path, tracked or not)
//
// Prints `path:line: what — the line` for each line with a hit, then how many files it checked.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const self = relative(root, fileURLToPath(import.meta.url))

/** What is not checked: docs may cite anything public; the lockfile and patches are generated. */
const SKIP = [/^docs\//, /^pnpm-lock\.yaml$/, /^patches\//, /\.(png|jpe?g|gif|ico|woff2?)$/]

/** Each rule: what a hit means, and the pattern that finds it on one line. */
const RULES = [
  { what: 'planning notes outside the repository', re: /(?<![\w-])shared\/|(?<![\w-])seeds\// },
  {
    what: 'a document outside the repository',
    // The planning documents, and the numbered API notes the project started from (`seed 000`).
    re: /\b(?:design|qfpay-api|style|toolchain)\.md\b|\b[Ss]eeds? `?0\d\d/,
  },
  { what: 'a work-item number', re: /\b[Ii]ssues? #?\d+|\b[Rr]ows? \d{1,2}\b|\b[Rr]ow-\d+/ },
  {
    what: 'a work-item number',
    re: /\b(?:TODO|FIXME|XXX)\(#\d+\)|\((?:#\d+)\)|\b(?:[Ff]ix(?:es|ed)?|[Cc]loses?|[Ss]ee|[Rr]efs?) #\d+\b/,
  },
]

/** Relative paths on a line (`../x`, `../../y/z.md`), to resolve against the file's folder. */
const RELATIVE_PATH = /(?<![\w.@/-])((?:\.\.\/)+)[\w.@-]*/g

/** The hits on one line of `file` (a repository-relative path). */
function hitsOf(file, line) {
  const hits = RULES.filter((rule) => rule.re.test(line)).map((rule) => rule.what)
  for (const match of line.matchAll(RELATIVE_PATH)) {
    const target = relative(root, resolve(root, dirname(file), match[1]))
    if (target === '..' || target.startsWith(`..${sep}`) || isAbsolute(target)) {
      hits.push(`a path outside the repository (${match[0]})`)
    }
  }
  return [...new Set(hits)]
}

function filesToCheck(args) {
  if (args.length > 0) return args.map((f) => relative(root, resolve(f)))
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  return tracked.split('\0').filter((f) => f && f !== self && !SKIP.some((re) => re.test(f)))
}

const files = filesToCheck(process.argv.slice(2))
let failedFiles = 0
let hitCount = 0
for (const file of files) {
  let text
  try {
    text = readFileSync(join(root, file), 'utf8')
  } catch (error) {
    if (error.code === 'ENOENT') continue // deleted in the work tree, still in the index
    throw error
  }
  if (text.includes('\0')) continue // binary
  let failed = false
  text.split('\n').forEach((line, i) => {
    const hits = hitsOf(file, line)
    if (hits.length === 0) return
    console.log(`${file}:${i + 1}: ${hits.join('; ')} — ${line.trim().slice(0, 140)}`)
    hitCount += 1
    failed = true
  })
  if (failed) failedFiles += 1
}

if (hitCount > 0) {
  console.log(
    `\n${hitCount} line(s) with a reference that leaves the repository or names a work item, in ${failedFiles} file(s).` +
      ' Write the rule itself, or link to docs/ (docs/architecture.md, docs/qfpay-protocol.md,' +
      ' docs/decisions.md).'
  )
}
console.log(
  `check-references: ${files.length} files checked, ${failedFiles === 0 ? 'none' : failedFiles} with references to fix`
)
process.exit(failedFiles > 0 ? 1 : 0)
