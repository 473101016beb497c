/**
 * Shared fixtures of the store contract suite: the per-test context (a fresh store on an
 * injected clock) and helpers that build or drive checkouts.
 */
import assert from 'node:assert/strict'
import type { CheckoutStatus } from '../../contract.ts'
import type {
  CheckoutChange,
  CheckoutRecord,
  CreateCheckoutInput,
  Store,
  StoreOptions,
} from '../../store/store.ts'

/** The clock every contract test starts at. */
export const T0 = '2024-05-01T02:30:00.000Z'

/** Makes a fresh, empty store that reads time from `options.clock`. */
export type MakeStore = (
  options: Required<Pick<StoreOptions, 'clock' | 'onListenerError'>>
) => Promise<Store>

/**
 * The test framework's registration functions (node:test, Vitest, Jest and Mocha all fit).
 * Test bodies are async functions that throw on failure.
 */
export interface TestRunner {
  describe(name: string, fn: () => void): unknown
  it(name: string, fn: () => Promise<void>): unknown
  beforeEach(fn: () => Promise<void>): unknown
  afterEach(fn: () => Promise<void>): unknown
}

/** What each contract test sees: filled in by the suite's `beforeEach`. */
export interface ContractContext {
  /** Where the suite registers its tests. */
  runner: TestRunner
  store: Store
  /** The injected clock's current time (ISO). */
  now: string
  /** What the store reported through `onListenerError` in this test. */
  listenerErrors: unknown[]
}

/** Move the injected clock forward by `ms`. */
export function advance(ctx: ContractContext, ms: number): string {
  ctx.now = new Date(Date.parse(ctx.now) + ms).toISOString()
  return ctx.now
}

/** ISO time `ms` after `iso`. */
export function plus(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString()
}

let counter = 0

/** A valid create input with unique order and outTradeNo unless overridden. */
export function checkoutInput(overrides: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput {
  counter += 1
  return {
    order: `ORDER-${counter}`,
    payType: '800201',
    flow: 'qr',
    amount: 100,
    currency: 'HKD',
    outTradeNo: `P-TEST-${counter}-${Math.random().toString(36).slice(2)}`,
    expiresAt: plus(T0, 30 * 60_000),
    ...overrides,
  }
}

/** Create a checkout that must be new, and return it. */
export async function created(
  store: Store,
  overrides: Partial<CreateCheckoutInput> = {}
): Promise<CheckoutRecord> {
  const result = await store.create(checkoutInput(overrides))
  assert.equal(result.kind, 'created')
  return result.checkout
}

/** Move a checkout to `status`, asserting the store accepted it. */
export async function moveTo(
  store: Store,
  checkout: CheckoutRecord,
  status: CheckoutStatus,
  patch = {}
): Promise<CheckoutRecord> {
  const result = await store.transition(checkout.id, {
    expectedVersion: checkout.version,
    status,
    ...patch,
  })
  assert.ok(
    result.ok,
    `expected ${checkout.status} -> ${status} to succeed, got ${JSON.stringify(result)}`
  )
  return result.checkout
}

/** Legal paths (docs/architecture.md#the-checkout-state-machine) that reach each status from a fresh pending checkout. */
export const PATH_TO: Record<CheckoutStatus, readonly CheckoutStatus[]> = {
  pending: [],
  paid: ['paid'],
  partially_refunded: ['paid', 'partially_refunded'],
  refunded: ['paid', 'refunded'],
  cancelled: ['cancelled'],
  expired: ['expired'],
  failed: ['failed'],
}

/** A new checkout driven along `PATH_TO[status]`. */
export async function checkoutIn(store: Store, status: CheckoutStatus): Promise<CheckoutRecord> {
  let checkout = await created(store)
  for (const step of PATH_TO[status]) {
    const patch =
      step === 'partially_refunded'
        ? { refundedAmount: 10 }
        : step === 'refunded'
          ? { refundedAmount: 100 }
          : {}
    checkout = await moveTo(store, checkout, step, patch)
  }
  return checkout
}

/**
 * Record change-feed events. `settle()` makes a fence write and waits for its event, so every
 * change committed before it has been delivered (a PostgreSQL feed delivers asynchronously, in
 * commit order); it returns the changes seen so far, fences left out. No timers involved.
 */
export function recordChanges(store: Store): {
  changes: CheckoutChange[]
  settle: () => Promise<CheckoutChange[]>
  stop: () => void
} {
  const changes: CheckoutChange[] = []
  const fences = new Set<string>()
  let wake: (() => void) | undefined
  const stop = store.subscribe((change) => {
    changes.push(change)
    wake?.()
  })
  async function settle(): Promise<CheckoutChange[]> {
    const fence = (await store.create(checkoutInput())).checkout.id
    fences.add(fence)
    await new Promise<void>((resolve) => {
      const check = () => changes.some((c) => c.id === fence) && resolve()
      wake = check
      check()
    })
    return changes.filter((c) => !fences.has(c.id))
  }
  return { changes, settle, stop }
}
