// The custom elements manifest is analysed from src/, which the tarball does not ship. Point each
// module path at what is shipped: the built entry for the public entries, otherwise the module's
// declaration file in dist/types. A path that does not exist after the build fails it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const file = join(root, 'custom-elements.json')
const ENTRIES = {
  'src/index.ts': 'dist/index.js',
  'src/define.ts': 'dist/define.js',
  'src/locales/zh-cn.ts': 'dist/locales/zh-cn.js',
  'src/locales/zh-hk.ts': 'dist/locales/zh-hk.js',
}
const shipped = (raw, from) => {
  // The analyzer writes references as `src/x.ts`, `/src/x.ts`, or `./x.ts` / `../x.ts` as the
  // module `from` wrote them (a re-export), relative to that module's folder.
  const path = /^\.\.?\//.test(raw) ? posix.join(posix.dirname(from), raw) : raw.replace(/^\//, '')
  if (!path.startsWith('src/')) return raw
  const target = ENTRIES[path] ?? path.replace(/^src\//, 'dist/types/').replace(/\.ts$/, '.d.ts')
  if (!existsSync(join(root, target)))
    throw new Error(`custom-elements.json: ${path} maps to ${target}, which the build did not make`)
  return target
}

const manifest = JSON.parse(readFileSync(file, 'utf8'))
/** `from`: the source path of the module being visited (references inside it are relative to it). */
const visit = (node, from) => {
  if (Array.isArray(node)) return node.forEach((n) => visit(n, from))
  if (!node || typeof node !== 'object') return
  if (node.kind === 'javascript-module' && typeof node.path === 'string') from = node.path
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'path' || key === 'module') && typeof value === 'string')
      node[key] = shipped(value, from)
    else visit(value, from)
  }
}
visit(manifest, 'src/index.ts')
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
