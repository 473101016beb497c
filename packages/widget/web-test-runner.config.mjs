// Web Test Runner: headless Debian Chromium, msw in the browser, jsqr (CommonJS) bundled on the fly.
// Why each setting: Chromium as root needs scripts/chromium.mjs's flags (--no-sandbox); msw needs
// `nodeResolve: { browser: true }` (else its Node interceptors load) and its service worker served
// at the site root; jsqr is CommonJS, which the runner cannot import, so esbuild bundles it on the
// fly; esbuild targets es2022 so the browser gets syntax it runs.
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/chromium.mjs'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { build } from 'esbuild'
import { esbuildPlugin } from '@web/dev-server-esbuild'
import { playwrightLauncher } from '@web/test-runner-playwright'
import { cspMerchant } from './test/csp-merchant.mjs'

const require = createRequire(import.meta.url)
const CJS = /^jsqr(\/.*)?$/
const bundles = new Map()

/** Serve CommonJS packages as one ESM bundle each (the test runner cannot import CJS). */
const commonjs = {
  name: 'qfpay-commonjs',
  resolveImport({ source }) {
    if (CJS.test(source)) return `/__cjs/${source}`
  },
  async serve({ path }) {
    if (!path.startsWith('/__cjs/')) return
    const id = path.slice('/__cjs/'.length)
    if (!bundles.has(id)) {
      const out = await build({
        entryPoints: [require.resolve(id)],
        bundle: true,
        format: 'esm',
        write: false,
        platform: 'browser',
        logLevel: 'silent',
      })
      bundles.set(id, out.outputFiles[0].text)
    }
    return { body: bundles.get(id), type: 'js' }
  },
}

/** msw's worker at the site root, straight from node_modules (nothing generated is committed). */
const mswWorker = {
  name: 'msw-worker',
  serve({ path }) {
    if (path === '/mockServiceWorker.js') {
      return { body: readFileSync(require.resolve('msw/mockServiceWorker.js'), 'utf8'), type: 'js' }
    }
  },
}

export default {
  files: ['src/**/*.test.ts'],
  nodeResolve: { browser: true },
  concurrency: 2,
  watch: false,
  testsFinishTimeout: 180_000,
  browserStartTimeout: 60_000,
  testFramework: { config: { ui: 'bdd', timeout: 10_000 } },
  middleware: [cspMerchant],
  plugins: [
    commonjs,
    mswWorker,
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: new URL('./tsconfig.json', import.meta.url).pathname,
    }),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: chromiumPath(),
        headless: true,
        args: [...CHROMIUM_ARGS],
      },
    }),
  ],
}
