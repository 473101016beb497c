/**
 * The server README's msw recipe, taken from the installed README and run as a merchant's own
 * test file with plain node: the gateway answered by the sandbox's msw handlers, the shopper's
 * payment, the notify delivered into the app, and the checkout paid with onPaid run.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { codeBlockAfter, merchantEnv, run, scenarioDir, state } from '../src/kit.ts'

const { app } = state()

test('the README msw recipe pays a checkout through the notify', () => {
  const readme = readFileSync(join(app, 'node_modules/@qfpay-checkout/server/README.md'), 'utf8')
  const recipe = codeBlockAfter(readme, 'In your own tests, with msw')
  const dir = scenarioDir(app, 'msw-recipe', { 'checkout.test.mjs': recipe })
  const r = run(process.execPath, ['checkout.test.mjs'], dir, merchantEnv())
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /^paid$/m, r.out)
  assert.match(r.out, /^A-1001$/m, r.out)
})
