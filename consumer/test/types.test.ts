/**
 * A merchant's TypeScript over the published types, `strict` with `skipLibCheck: false` (so every
 * .d.ts the packages ship is checked too), under `nodenext` and `bundler` resolution: options,
 * the merchant object, both stores, the sandbox, and the widget's events. A file with a
 * deliberate mistake must fail with that mistake, so the types are not silently `any`.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { run, scenarioDir, state } from '../src/kit.ts'

const { app } = state()

const MERCHANT = `import { createCheckout, CheckoutError, type Checkout, type CheckoutOptions } from '@qfpay-checkout/server'
import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
import { createPostgresStore } from '@qfpay-checkout/server/stores/postgres'
import { createSandbox } from '@qfpay-checkout/server/sandbox'
import { gatewayHandlers } from '@qfpay-checkout/server/sandbox/msw'
import { createQfpayClient } from '@qfpay-checkout/server/qfpay'
import { signNotifyForTest } from '@qfpay-checkout/server/testing'
import type { CheckoutConfig } from '@qfpay-checkout/server/contract'
import type { QfpayCheckout, QfpayPaidEvent, QfpayErrorEvent } from '@qfpay-checkout/widget'

const options: CheckoutOptions = {
  resolveOrder: async (order) => (order === 'A-1' ? { amount: 2500, currency: 'HKD' } : undefined),
  hooks: {
    onPaid: async (checkout, { idempotencyKey }) => {
      const paidAt: string | undefined = checkout.paidAt
      void [paidAt, idempotencyKey]
    },
  },
  store: process.env.DATABASE_URL
    ? createPostgresStore({ url: process.env.DATABASE_URL, schema: 'shop' })
    : createSqliteStore({ filename: './qfpay.db' }),
  publicUrl: 'https://shop.example/qfpay',
  returnPage: (checkout: Checkout) => \`https://shop.example/thanks/\${checkout.order}\`,
  reconciler: { intervalMs: 30_000 },
}
const qfpay = createCheckout(options)
export async function refundAll(id: string): Promise<number> {
  const outcome = await qfpay.merchant.refunds.create(id)
  const checkout = await qfpay.merchant.checkouts.get(id)
  if (!checkout) throw new CheckoutError('not_found', 404, 'no such checkout')
  return checkout.refundedAmount + (outcome ? 0 : 1)
}
export const sandbox = createSandbox({ appcode: 'APPCODE1', key: '0123456789ABCDEF0123456789ABCDEF' })
export const handlers = gatewayHandlers(sandbox, 'https://qfpay-sandbox.test')
export const client = createQfpayClient
export const signed = signNotifyForTest
export const methods = (c: CheckoutConfig) => c.methods.map((m) => m.wallet)

// The widget's events, in a page script.
export function follow(el: QfpayCheckout): void {
  el.addEventListener('qfpay-paid', (e: QfpayPaidEvent) => {
    const amount: number = e.detail.amount
    void amount
  })
  el.addEventListener('qfpay-error', (e: QfpayErrorEvent) => void e.detail.retryable)
}
`

const MISTAKE = `import { createCheckout } from '@qfpay-checkout/server'
import type { QfpayPaidEvent } from '@qfpay-checkout/widget'

createCheckout({ resolveOrder: async () => ({ amount: '25.00' }) })
export const status = (e: QfpayPaidEvent): number => e.detail.status
createCheckout({ resolveOrder: async () => ({ amount: 100 }), expiresIn: 900 })
`

for (const resolution of ['nodenext', 'bundler'] as const) {
  const compilerOptions = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    module: resolution === 'nodenext' ? 'nodenext' : 'esnext',
    moduleResolution: resolution,
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: ['node'],
  }
  const dir = scenarioDir(app, `types-${resolution}`, {
    'merchant.ts': MERCHANT,
    'mistake.ts': MISTAKE,
    'tsconfig.json': JSON.stringify({ compilerOptions, files: ['merchant.ts', 'mistake.ts'] }),
  })
  const tsc = join(app, 'node_modules/typescript7/bin/tsc')

  // One program for both files (tsc over every shipped .d.ts takes a while): the merchant's
  // file has no error, the mistakes file exactly its three.
  test(`under ${resolution} (strict, skipLibCheck false) a merchant's file checks and mistakes are caught`, () => {
    const r = run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir)
    assert.notEqual(r.status, 0, 'the mistakes must fail the check')
    const errors = r.out.split('\n').filter((line) => /error TS\d+/.test(line))
    assert.deepEqual(
      errors.map((line) => line.replace(/\(\d+,\d+\).*/, (m) => m.slice(0, m.indexOf(')') + 1))),
      ['mistake.ts(4,44)', 'mistake.ts(5,54)', 'mistake.ts(6,63)'],
      r.out
    )
    // A string amount is refused, and e.detail is the Checkout (status a string union), not any.
    assert.match(r.out, /Types of property 'amount' are incompatible/)
    assert.match(
      r.out,
      /mistake\.ts\(5,54\): error TS2322: Type 'string' is not assignable to type 'number'/
    )
    // The old flat, unit-less option name is refused (it is `expiresInSeconds` now).
    assert.match(r.out, /mistake\.ts\(6,63\): error TS2353: .*'expiresIn' does not exist/)
  })
}
