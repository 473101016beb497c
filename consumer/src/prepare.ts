/**
 * Packs both packages with npm (as publishing would: `prepack` builds them) and installs the
 * tarballs with npm into two projects under the system temp directory, outside the workspace:
 *
 * - `app`: both packages plus what the scenarios' merchants use (Express, msw, TypeScript, Vite,
 *   React, Vue, better-sqlite3);
 * - `bare`: the server package with only its required peers (no better-sqlite3, no msw).
 *
 * One npm cache serves every install. Installs run with `--ignore-scripts`: the one dependency
 * that needs a script, better-sqlite3, gets the addon the workspace already compiled for the
 * same version (a fresh compile takes over a minute), so the `bare` project also shows what a
 * merchant with install scripts off gets.
 */
import { copyFileSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { mustRun, NPM_CACHE, ROOT, type Tarball, WORK, writeState } from './kit.ts'

const started = performance.now()
const runDir = join(WORK, 'run')
rmSync(runDir, { recursive: true, force: true })
const tarballs = join(runDir, 'tarballs')
mkdirSync(tarballs, { recursive: true })

function pack(dir: string): Tarball {
  const out = mustRun('npm', ['pack', '--json', '--pack-destination', tarballs], join(ROOT, dir), {
    ...process.env,
    npm_config_cache: NPM_CACHE,
    npm_config_update_notifier: 'false',
  })
  // `prepack` (the build) prints too: the JSON report is the block from a line `[` to a line `]`.
  const json = /^\[\n[^]*?^\]$/m.exec(out)
  if (!json) throw new Error(`npm pack printed no JSON report:\n${out}`)
  const [info] = JSON.parse(json[0]) as {
    name: string
    filename: string
    size: number
    unpackedSize: number
    entryCount: number
    files: { path: string }[]
  }[]
  return {
    name: info!.name,
    path: join(tarballs, info!.filename),
    size: info!.size,
    unpackedSize: info!.unpackedSize,
    entryCount: info!.entryCount,
    files: info!.files.map((f) => f.path),
  }
}

const server = pack('packages/server')
const widget = pack('packages/widget')

/** The workspace's better-sqlite3: its version and its compiled addon. */
const sqliteDir = realpathSync(join(ROOT, 'packages/server/node_modules/better-sqlite3'))
const sqliteVersion = (
  JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as {
    version: string
  }
).version

function project(name: string, dependencies: Record<string, string>): string {
  const dir = join(runDir, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: `merchant-${name}`, private: true, type: 'module', dependencies },
      null,
      2
    )
  )
  mustRun(
    'npm',
    [
      'install',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
    ],
    dir,
    { ...process.env, npm_config_cache: NPM_CACHE, npm_config_update_notifier: 'false' }
  )
  return dir
}

const app = project('app', {
  '@qfpay-checkout/server': `file:${server.path}`,
  '@qfpay-checkout/widget': `file:${widget.path}`,
  hono: '^4.13.19',
  '@hono/node-server': '^2.1.9',
  'better-sqlite3': sqliteVersion,
  express: '^5.1.0',
  msw: '~2.15.0',
  // TypeScript 7 (native) for the merchant's own checks; 5.9 for vue-tsc, which needs its JS API.
  typescript: '5.9.3',
  typescript7: 'npm:typescript@7.0.2',
  '@types/node': '^20.19.0',
  '@types/express': '^5.0.0',
  vite: '~8.3.8',
  react: '^19.2.0',
  'react-dom': '^19.2.0',
  '@types/react': '^19.2.0',
  '@types/react-dom': '^19.2.0',
  vue: '^3.5.0',
  '@vitejs/plugin-vue': '^6.0.0',
  'vue-tsc': '^3.1.0',
})
const release = join(app, 'node_modules/better-sqlite3/build/Release')
mkdirSync(release, { recursive: true })
copyFileSync(
  join(sqliteDir, 'build/Release/better_sqlite3.node'),
  join(release, 'better_sqlite3.node')
)

const bare = project('bare', {
  '@qfpay-checkout/server': `file:${server.path}`,
  hono: '^4.13.19',
  '@hono/node-server': '^2.1.9',
})

writeState({ server, widget, app, bare })
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
for (const t of [server, widget])
  console.log(
    `[consumer] ${t.name}: ${kb(t.size)} packed, ${kb(t.unpackedSize)} unpacked, ${t.entryCount} files`
  )
console.log(
  `[consumer] packed and installed in ${((performance.now() - started) / 1000).toFixed(1)} s`
)
