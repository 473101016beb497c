/**
 * `createSandbox()`: the local QFPay gateway as one object: a Hono app (`fetch`, `request`)
 * plus a programmatic control surface for tests.
 *
 * @see docs/qfpay-protocol.md#sandbox
 */
import type { Hono } from 'hono'
import { createSandboxApp } from './app.ts'
import { createCore, type SandboxOptions } from './core.ts'
import type { SandboxKnobs } from './knobs.ts'
import { merchantView, type SandboxMerchantView } from './merchants.ts'
import type { NotifyRecord } from './notifier.ts'
import { orderView, type SandboxOrderView } from './order-rows.ts'

/** A running sandbox. */
export interface Sandbox {
  /** The Hono app: mount it (`app.route('/', sandbox.app)`) or serve it. */
  app: Hono
  /** Answers one request (what `serve()`, msw and `app.route` need). */
  fetch(request: Request): Promise<Response>
  /** `app.request()`: a path or URL plus init, in process. */
  request(input: string | Request | URL, init?: RequestInit): Promise<Response>
  /** The merchants (no keys). */
  merchants(): SandboxMerchantView[]
  /**
   * The credentials the sandbox generated itself, for the first merchant: `key` only when it
   * was not given (a given key is never handed back).
   */
  generated: { appcode?: string; key?: string }
  /** The token control POST/PUT requests must carry (`Authorization: Bearer …`). */
  controlToken: string
  orders(): SandboxOrderView[]
  order(syssn: string): SandboxOrderView | undefined
  /** The shopper pays (created → paid, notify sent). */
  pay(syssn: string): SandboxOrderView
  /** The wallet refuses (created/pending → failed), `respcd` default 1201. */
  decline(syssn: string, respcd?: string): SandboxOrderView
  /** The pre-order's `expired_time` runs out now. */
  expire(syssn: string): SandboxOrderView
  /** A wallet success after close/expiry/decline: the order becomes paid and is notified. */
  latePay(syssn: string): SandboxOrderView
  /** Sends the order's payment notify again. */
  resendNotify(syssn: string): NotifyRecord
  /** Merges knobs for the whole sandbox; returns them all. */
  setKnobs(
    knobs: Partial<SandboxKnobs> & { orders?: Record<string, Partial<SandboxKnobs>> }
  ): SandboxKnobs
  /** Merges knobs for one order, by out_trade_no (the order may not exist yet). */
  setOrderKnobs(outTradeNo: string, knobs: Partial<SandboxKnobs>): Partial<SandboxKnobs>
  knobs(): SandboxKnobs
  /** The notify delivery log. */
  notifies(): NotifyRecord[]
  /** Delivers every waiting notify now (one attempt each) and waits for deliveries in flight. */
  flushNotifies(): Promise<NotifyRecord[]>
  /** Same as `flushNotifies()`. */
  drain(): Promise<NotifyRecord[]>
  /** Stops every timer and aborts deliveries; the app still answers. */
  close(): void
}

/**
 * Creates a sandbox. With no options it generates one merchant (appcode and key) with every
 * 2017 pay type enabled, any currency, no notify or return URL.
 *
 * @example
 * const sandbox = createSandbox({ appcode: 'APP', key: 'KEY', notifyUrl: 'http://127.0.0.1:8787/qfpay/notify' })
 * const res = await sandbox.request('/trade/v1/payment', { method: 'POST', headers, body })
 * sandbox.pay(sandbox.orders()[0].syssn)
 * await sandbox.drain()
 * @see docs/qfpay-protocol.md#sandbox
 */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const core = createCore(options)
  const app = createSandboxApp(core)
  const first = [...core.merchants.values()][0]
  const flush = () => core.notifier.drain()
  return {
    app,
    fetch: async (request) => app.fetch(request),
    request: async (input, init) => app.request(input, init),
    merchants: () => [...core.merchants.values()].map(merchantView),
    generated: {
      ...(first?.appcodeGenerated ? { appcode: first.appcode } : {}),
      ...(first?.keyGenerated ? { key: first.key } : {}),
    },
    controlToken: core.controlToken,
    orders: () => core.book.list().map(orderView),
    order: (syssn) => {
      const order = core.book.get(syssn)
      return order && orderView(order)
    },
    pay: (syssn) => orderView(core.control.pay(syssn)),
    decline: (syssn, respcd) => orderView(core.control.decline(syssn, respcd)),
    expire: (syssn) => orderView(core.control.expire(syssn)),
    latePay: (syssn) => orderView(core.control.latePay(syssn)),
    resendNotify: (syssn) => core.control.notify(syssn),
    setKnobs: (knobs) => core.setKnobs(knobs),
    setOrderKnobs: (outTradeNo, knobs) => core.setOrderKnobs(outTradeNo, knobs),
    knobs: () => ({ ...core.knobs }),
    notifies: () => core.notifier.log(),
    flushNotifies: flush,
    drain: flush,
    close() {
      core.book.dispose()
      core.notifier.close()
    },
  }
}
