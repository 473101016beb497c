/**
 * Test support (not shipped API): the sandbox and a host app with the checkout mounted at
 * `/qfpay` (public) and `/qfpay-pos` (cashier, swipe-card types), each on its own 127.0.0.1
 * socket, so the QFPay client and the sandbox's notifies cross real loopback HTTP. One manual
 * clock drives the sandbox's expiry and the checkout's notion of now; nothing sleeps.
 */
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import type { Checkout } from '../../src/contract.ts'
import {
  createManualClock,
  createSandbox,
  type ManualClock,
  type Sandbox,
  type SandboxKnobs,
  type SandboxProfile,
} from '../../src/sandbox/index.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { CheckoutRecord, Store } from '../../src/store/store.ts'
import { type CheckoutApp, createCheckout } from '../../src/checkout/app/create-checkout.ts'
import type { Logger } from '../../src/checkout/app/logger.ts'
import type { CheckoutOptions } from '../../src/checkout/app/options.ts'
import { mergeCheckoutOptions } from './merge-options.ts'

/** A throwaway appcode and key (32 hex, the shape QFPay issues). Not a secret anywhere. */
export const TEST_APPCODE = 'A1B2C3D4E5F60718293A4B5C6D7E8F90'
export const TEST_KEY = '5EC2E7D00D1E4F0BA5E1F00DFACE0FF1'

/** One hook call as the test saw it. */
export interface HookCall {
  topic: 'onPaid' | 'onStatus'
  checkout: Checkout
  idempotencyKey: string
}

/** Everything a test drives. */
export interface Bed {
  sandbox: Sandbox
  clock: ManualClock
  store: Store
  checkout: CheckoutApp
  pos: CheckoutApp
  /** `http://127.0.0.1:<port>` of the host app. */
  appUrl: string
  sandboxUrl: string
  hooks: HookCall[]
  logs: string[]
  /** `POST /qfpay/checkouts` (or `/qfpay-pos/…` when `authCode` is given). */
  create(
    order: string,
    payType: string,
    authCode?: string
  ): Promise<{ status: number; body: Checkout & { error?: { code: string } } }>
  get(id: string): Promise<CheckoutRecord>
  /** `POST {mount}/checkouts/:id/cancel` as the widget sends it (`{}` as JSON). */
  cancel(id: string, mount?: string): Promise<Response>
  /** The shopper pays the checkout's order at the sandbox; its notify is delivered. */
  pay(id: string): Promise<void>
  /** Waits for the hooks of every transition so far. */
  settleHooks(): Promise<void>
  close(): Promise<void>
}

/** Options: overrides for both mounts, sandbox knobs, the order book. */
export interface BedOptions {
  checkout?: Partial<CheckoutOptions>
  knobs?: Partial<SandboxKnobs>
  store?: Store
  /** Wraps the store the bed made (or was given) before the checkout uses it. */
  wrapStore?: (store: Store) => Store
  /** Order → amount in minor units; default 1000 for any order. */
  amounts?: Record<string, number>
  /**
   * How the sandbox plays the gateway: `seed`, or `current` (today's QFPay). Default: the
   * `QFPAY_SANDBOX_PROFILE` environment variable, else `seed`, so the whole suite can be run
   * against either (scripts/test.mjs runs it under `current` too).
   */
  profile?: SandboxProfile
  /** Where the manual clock starts (epoch ms); default the manual clock's own start. */
  clockStart?: number
  /**
   * `true`: the checkout knows its public URL (`<app>/qfpay`), so it sends notify and return URLs
   * with each payment, and the sandbox has none configured for the merchant (they would win).
   */
  publicUrl?: boolean
}

/** The profile named by `QFPAY_SANDBOX_PROFILE` (`seed` when unset). */
export function sandboxProfileFromEnv(): SandboxProfile {
  const value = process.env['QFPAY_SANDBOX_PROFILE']
  if (value === undefined || value === '' || value === 'seed') return 'seed'
  if (value === 'current') return 'current'
  throw new Error(`QFPAY_SANDBOX_PROFILE must be seed or current, not "${value}".`)
}

/** Listens on 127.0.0.1 (ephemeral port) with a handler that may be set later. */
async function listen(
  handler: () => (request: Request, env?: unknown) => Response | Promise<Response>
): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serve(
      {
        // The node server's env (its `incoming` socket) goes on, so the app sees the client's IP.
        fetch: (request: Request, env?: unknown) => handler()(request, env),
        hostname: '127.0.0.1',
        port: 0,
      },
      (info: AddressInfo) => {
        resolve({ url: `http://127.0.0.1:${info.port}`, server })
      }
    )
  })
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
    server.close(() => resolve())
  })
}

/** Starts the bed. Always `await bed.close()` (in `t.after`). */
export async function startBed(options: BedOptions = {}): Promise<Bed> {
  const clock = createManualClock(options.clockStart)
  const now = () => new Date(clock.now())
  const made = options.store ?? createMemoryStore({ clock: now })
  const store = options.wrapStore ? options.wrapStore(made) : made
  let sandbox: Sandbox | undefined
  const host = new Hono()
  const sandboxServer = await listen(() => (request) => (sandbox as Sandbox).fetch(request))
  const appServer = await listen(() => (request, env) => host.fetch(request, env as never))
  sandbox = createSandbox({
    appcode: TEST_APPCODE,
    key: TEST_KEY,
    ...(options.publicUrl
      ? {}
      : {
          notifyUrl: `${appServer.url}/qfpay/notify`,
          returnUrl: `${appServer.url}/qfpay/return`,
        }),
    clock,
    profile: options.profile ?? sandboxProfileFromEnv(),
    ...(options.knobs ? { knobs: options.knobs } : {}),
  })
  const hooks: HookCall[] = []
  const logs: string[] = []
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void logs.push(JSON.stringify({ level, message, ...fields }))
  const logger: Logger = { info: line('info'), warn: line('warn'), error: line('error') }
  const common: CheckoutOptions = mergeCheckoutOptions(
    {
      resolveOrder: (order) =>
        order.startsWith('missing')
          ? undefined
          : { amount: options.amounts?.[order] ?? 1000, goodsName: 'Tea' },
      hooks: {
        onPaid: (checkout, context) =>
          void hooks.push({ topic: 'onPaid', checkout, idempotencyKey: context.idempotencyKey }),
        onStatus: (checkout, context) =>
          void hooks.push({ topic: 'onStatus', checkout, idempotencyKey: context.idempotencyKey }),
      },
      gateway: {
        environment: 'local',
        appcode: TEST_APPCODE,
        key: TEST_KEY,
        baseUrl: sandboxServer.url,
      },
      http: { perClient: { checkoutsPerMinute: false } },
      store,
      clock: now,
      logger,
      reconciler: { enabled: false },
      returnPage: `${appServer.url}/shop/thanks`,
      ...(options.publicUrl ? { publicUrl: `${appServer.url}/qfpay` } : {}),
    },
    options.checkout
  )
  const checkout = createCheckout(common)
  const pos = createCheckout({
    ...common,
    cashier: { authorize: () => true },
    payTypes: ['800108', '800208'],
  })
  host.route('/qfpay', checkout)
  host.route('/qfpay-pos', pos)

  const cookies = new Map<string, string>()
  const bed: Bed = {
    sandbox,
    clock,
    store,
    checkout,
    pos,
    appUrl: appServer.url,
    sandboxUrl: sandboxServer.url,
    hooks,
    logs,
    async create(order, payType, authCode) {
      const mount = authCode === undefined ? '/qfpay' : '/qfpay-pos'
      // One shopper's browser: the claim cookie of the last answer goes back with the next.
      const cookie = cookies.get(mount)
      const response = await fetch(`${appServer.url}${mount}/checkouts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ payType, order, ...(authCode === undefined ? {} : { authCode }) }),
      })
      const set = response.headers.getSetCookie().map((line) => line.split(';')[0]!)
      if (set.length > 0) cookies.set(mount, set.join('; '))
      return {
        status: response.status,
        body: (await response.json()) as Checkout & { error?: { code: string } },
      }
    },
    async get(id) {
      const record = await store.get(id)
      if (!record) throw new Error(`no checkout ${id}`)
      return record
    },
    cancel: (id, mount = '/qfpay') =>
      fetch(`${appServer.url}${mount}/checkouts/${id}/cancel`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      }),
    async pay(id) {
      const record = await bed.get(id)
      ;(sandbox as Sandbox).pay(record.syssn as string)
      await (sandbox as Sandbox).drain()
    },
    async settleHooks() {
      await checkout.merchant.deliverHooks()
      await pos.merchant.deliverHooks()
      await checkout.merchant.deliverHooks()
    },
    async close() {
      await checkout.close()
      await pos.close()
      ;(sandbox as Sandbox).close()
      await Promise.all([close(appServer.server), close(sandboxServer.server)])
    },
  }
  return bed
}
