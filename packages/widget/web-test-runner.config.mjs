// Web Test Runner: msw in the browser, jsqr (CommonJS) bundled on the fly, and one of three
// engines, chosen by WTR_ENGINE (default chromium): Debian's Chromium (playwright), Firefox ESR
// (puppeteer-core over WebDriver BiDi) or WebKitGTK's MiniBrowser (WebKitWebDriver; run under
// xvfb-run, which `pnpm run test:webkit` does). Every test runs in every engine.
// Why each setting: Chromium as root needs scripts/chromium.mjs's flags (--no-sandbox); msw needs
// `nodeResolve: { browser: true }` (else its Node interceptors load) and its service worker served
// at the site root; jsqr is CommonJS, which the runner cannot import, so esbuild bundles it on the
// fly; esbuild targets es2022 so the browser gets syntax it runs.
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/chromium.mjs'
import { FIREFOX_PREFS, firefoxPath } from '../../scripts/firefox.mjs'
import { miniBrowserCapabilities, startWebKitDriver } from '../../scripts/webkit.mjs'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { build } from 'esbuild'
import { esbuildPlugin } from '@web/dev-server-esbuild'
import { playwrightLauncher } from '@web/test-runner-playwright'
import { chromeLauncher } from '@web/test-runner-chrome'
import { webdriverLauncher } from '@web/test-runner-webdriver'
import * as puppeteer from 'puppeteer-core'
import { cspMerchant } from './test/csp-merchant.mjs'
import { brokenStreams } from './test/broken-streams.mjs'

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

const ENGINES = ['chromium', 'firefox', 'webkit']
const engine = process.env.WTR_ENGINE || 'chromium'
if (!ENGINES.includes(engine))
  throw new Error(`WTR_ENGINE must be one of ${ENGINES.join(', ')}, got ${engine}.`)

/** The launcher of one engine. */
async function launcher() {
  if (engine === 'firefox')
    return chromeLauncher({
      puppeteer,
      // Firefox hides background tabs (visibilityState 'hidden', timers clamped to 1 s): each
      // test page gets a window of its own.
      createPage: ({ context }) => context.newPage({ type: 'window' }),
      launchOptions: {
        browser: 'firefox',
        executablePath: firefoxPath(),
        headless: true,
        extraPrefsFirefox: FIREFOX_PREFS,
      },
    })
  if (engine === 'webkit') {
    const driver = await startWebKitDriver()
    return webdriverLauncher({
      hostname: '127.0.0.1',
      port: driver.port,
      logLevel: 'warn',
      capabilities: miniBrowserCapabilities(),
    })
  }
  return playwrightLauncher({
    product: 'chromium',
    launchOptions: { executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] },
  })
}

export default {
  files: ['src/**/*.test.ts'],
  nodeResolve: { browser: true },
  // Firefox: one window at a time stays the visible one. WebKit: at 2 the webdriver launcher
  // runs tests in iframes, which WebKitWebDriver cannot switch into ("Invalid frame ID").
  concurrency: engine === 'chromium' ? 2 : 1,
  watch: false,
  testsFinishTimeout: 180_000,
  browserStartTimeout: 60_000,
  testFramework: { config: { ui: 'bdd', timeout: 10_000 } },
  middleware: [cspMerchant, brokenStreams],
  plugins: [
    commonjs,
    mswWorker,
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: new URL('./tsconfig.json', import.meta.url).pathname,
    }),
  ],
  browsers: [await launcher()],
}
