/**
 * A `CheckoutError` renders as the documented JSON error body wherever it is thrown: inside the
 * sub-app, in a merchant's own Hono route (Hono's default handler), and in a merchant's own
 * `onError` that hands `HTTPException`s their own response. Also: every family's guard
 * narrows, which `pnpm typecheck` checks on this file.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ErrorBody } from '../contract.ts'
import { isQfpayError, QfpayApiError, QfpayConnectionError, QfpayError } from '../qfpay/errors.ts'
import { createMemoryStore } from '../store/memory.ts'
import { isStoreError, StoreError } from '../store/store-error.ts'
import { isSandboxError, SandboxControlError } from '../sandbox/index.ts'
import { createCheckout } from './create-checkout.ts'
import { CheckoutError, isCheckoutError } from './errors.ts'
import { GatewayBudgetExceeded, isGatewayBudgetExceeded } from './gateway-budget.ts'

const conflict = () =>
  new CheckoutError('conflict', 409, 'Failed to refund: a refund is in progress.', {
    field: 'amount',
  })

async function expectBody(res: Response, status: number, body: ErrorBody): Promise<void> {
  assert.equal(res.status, status)
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
  assert.deepEqual(await res.json(), body)
}

describe('a CheckoutError outside the sub-app', () => {
  const expected: ErrorBody = {
    error: {
      code: 'conflict',
      message: 'Failed to refund: a refund is in progress.',
      field: 'amount',
    },
  }

  it("renders as the JSON error body with its status in a merchant's plain Hono route", async () => {
    const app = new Hono()
    app.post('/admin/refund', () => {
      throw conflict()
    })
    await expectBody(await app.request('/admin/refund', { method: 'POST' }), 409, expected)
  })

  it("renders the same through a merchant's onError that returns HTTPException responses", async () => {
    const app = new Hono()
    app.onError((err, c) =>
      err instanceof HTTPException ? err.getResponse() : c.text('oops', 500)
    )
    app.get('/x', () => {
      throw conflict()
    })
    await expectBody(await app.request('/x'), 409, expected)
  })

  it('renders a merchant API refusal (no such checkout) as a 404, not a 500', async (t: TestContext) => {
    const checkout = createCheckout({
      resolveOrder: () => ({ amount: 100 }),
      environment: 'local',
      store: createMemoryStore(),
      reconciler: { enabled: false },
      createRateLimit: false,
      logger: { info() {}, warn() {}, error() {} },
    })
    t.after(() => checkout.close())
    const app = new Hono()
    app.post('/admin/checkouts/:id/cancel', async (c) =>
      c.json(await checkout.merchant.cancel(c.req.param('id')))
    )
    const res = await app.request('/admin/checkouts/no-such-id/cancel', { method: 'POST' })
    assert.equal(res.status, 404)
    assert.equal(((await res.json()) as ErrorBody).error.code, 'checkout_not_found')
  })
})

describe('error guards', () => {
  it('tell the families apart, each by its own brand', () => {
    const errors = [
      conflict(),
      new QfpayApiError('m', { respcd: '1104' }),
      new StoreError('closed', 'Failed to use store: it is closed.'),
      new SandboxControlError(404, 'not_found', 'no such order'),
      Object.assign(new Error('lookalike'), {
        name: 'CheckoutError',
        status: 409,
        code: 'conflict',
      }),
    ]
    assert.deepEqual(
      errors.map((e) => [isCheckoutError(e), isQfpayError(e), isStoreError(e), isSandboxError(e)]),
      [
        [true, false, false, false],
        [false, true, false, false],
        [false, false, true, false],
        [false, false, false, true],
        [false, false, false, false],
      ]
    )
  })

  it('check the code when given one', () => {
    assert.equal(isCheckoutError(conflict(), 'conflict'), true)
    assert.equal(isCheckoutError(conflict(), 'checkout_not_found'), false)
    assert.equal(isStoreError(new StoreError('closed', 'x'), 'unique_violation'), false)
    assert.equal(isQfpayError(new QfpayApiError('m', { respcd: '1104' }), 'qfpay_timeout'), false)
  })

  it('narrow to the class behind the code (checked by tsc)', () => {
    const caught: unknown = new QfpayApiError('m', { respcd: '1104' })
    if (isQfpayError(caught, 'qfpay_api_error')) {
      const respcd: string = caught.respcd
      assert.equal(respcd, '1104')
    } else assert.fail('not narrowed at run time')
    const timeout: unknown = new QfpayConnectionError('m', {
      timeout: true,
      mayHaveReachedGateway: true,
    })
    if (isQfpayError(timeout, 'qfpay_timeout')) {
      const reached: boolean = timeout.mayHaveReachedGateway
      assert.equal(reached, true)
      // @ts-expect-error a timeout carries no respcd: the guard narrowed to QfpayConnectionError
      assert.equal(timeout.respcd, undefined)
    } else assert.fail('not narrowed at run time')
    const fault: unknown = conflict()
    if (isCheckoutError(fault, 'conflict')) {
      const code: 'conflict' = fault.code
      const status: number = fault.status
      assert.deepEqual([code, status], ['conflict', 409])
    }
    const store: unknown = new StoreError('schema_too_new', 'x')
    if (isStoreError(store, 'schema_too_new')) {
      const code: 'schema_too_new' = store.code
      assert.equal(code, 'schema_too_new')
    }
  })

  it('a refused budget is a connection error that never reached the gateway', () => {
    const refused: unknown = new GatewayBudgetExceeded('shopper', 500)
    assert.ok(isGatewayBudgetExceeded(refused))
    assert.ok(refused instanceof QfpayError)
    if (!isQfpayError(refused, 'qfpay_connection_error'))
      return assert.fail('not a connection error')
    assert.equal(refused.mayHaveReachedGateway, false)
  })
})
