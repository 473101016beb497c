// Makes the published types self-contained. The widget's sources import the wire types
// (Checkout, CheckoutConfig, PayMethod, ...) from `@qfpay-checkout/server/contract`, which a
// page that installs only the widget does not have. After `tsc` emits dist/types, this copies
// the contract (types only, no runtime code) to dist/types/wire.d.ts and points every
// `@qfpay-checkout/server/contract` import in dist/types at it, relative to each file.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const types = join(here, '..', 'dist', 'types')
const contract = join(here, '..', '..', 'server', 'src', 'contract.ts')
const SPECIFIER = /(['"])@qfpay-checkout\/server\/contract\1/g

const source = readFileSync(contract, 'utf8')
// A .d.ts may only declare: the contract must stay free of runtime code.
if (/^\s*export\s+(const|let|var|function|class|enum|default)\b/m.test(source))
  throw new Error(`${contract} holds runtime code: it can no longer be copied as a .d.ts`)
if (/^\s*import\s/m.test(source)) throw new Error(`${contract} imports: copy what it imports too`)
writeFileSync(
  join(types, 'wire.d.ts'),
  `// Copied from @qfpay-checkout/server/contract at build time: the wire types the widget uses.\n${source}`
)

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path)
    else if (path.endsWith('.d.ts') && entry.name !== 'wire.d.ts') {
      const text = readFileSync(path, 'utf8')
      let target = relative(dirname(path), join(types, 'wire.js'))
      if (!target.startsWith('.')) target = `./${target}`
      if (SPECIFIER.test(text)) writeFileSync(path, text.replace(SPECIFIER, `$1${target}$1`))
      SPECIFIER.lastIndex = 0
    }
  }
}
walk(types)
