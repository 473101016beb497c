/**
 * The server README's "Your own store" recipe, taken from the README inside the installed package
 * and run with plain `node --test`: the exported store contract suite proves a merchant's store
 * from outside the workspace. The merchant's store here is the published SQLite store behind a
 * Proxy (what a wrapper of one's own looks like); a second run breaks one method and the suite
 * must catch it, so a suite that registered nothing or asserted nothing would fail this test.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { codeBlockAfter, run, scenarioDir, state } from '../src/kit.ts'

const { app } = state()
const installedReadme = readFileSync(
  join(app, 'node_modules/@qfpay-checkout/server/README.md'),
  'utf8'
)
const recipe = codeBlockAfter(installedReadme, '### Your own store')

/** A merchant's `openMyStore`: the SQLite store in a fresh file, with `listRefunds` optionally broken. */
function openMyStore(broken: boolean): string {
  return `import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
const openMyStore = async ({ clock, onListenerError }) => {
  const store = createSqliteStore({ filename: join(mkdtempSync(join(tmpdir(), 'own-store-')), 'shop.db'), clock, onListenerError })
  return new Proxy(store, {
    get(target, key) {
      ${broken ? "if (key === 'listRefunds') return async () => []" : ''}
      const value = target[key]
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
`
}

/** Runs the recipe under `node --test`; returns the pass/fail counts node's reporter prints. */
function runRecipe(name: string, broken: boolean): { pass: number; fail: number; out: string } {
  const dir = scenarioDir(app, name, { 'store.test.mjs': `${openMyStore(broken)}\n${recipe}` })
  const r = run(process.execPath, ['--test', '--test-reporter=tap', 'store.test.mjs'], dir)
  const count = (label: string) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(r.out)?.[1])
  return { pass: count('pass'), fail: count('fail'), out: r.out }
}

test('the README recipe proves a merchant store with the exported contract suite', () => {
  const { pass, fail, out } = runRecipe('own-store', false)
  assert.equal(fail, 0, out.slice(-4000))
  assert.ok(pass >= 50, `the suite ran ${pass} tests:\n${out.slice(-2000)}`)
})

test('the same recipe fails a store whose listRefunds forgets refunds', () => {
  const { fail, out } = runRecipe('own-store-broken', true)
  assert.ok(fail > 0, `a broken store passed:\n${out.slice(-2000)}`)
})
