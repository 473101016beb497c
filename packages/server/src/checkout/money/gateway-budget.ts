/**
 * The per-merchant gateway budget. QFPay allows one merchant 100 requests a second and 400 a
 * minute, answering HTTP 429 beyond (API limitation page of QFPay's developer docs,
 * https://github.com/QFPay/docs/blob/docusaurus-developer-center/docs/01-preparation/03-api-limitation.md),
 * shared by everything this app sends for that appcode. A shopper-triggered `/query` (a status
 * poll, a `/return` visit) must never spend the requests that `/payment`, `/refund` and
 * `/close` need, nor starve the reconciler, which settles payments whose notify was lost.
 *
 * So every call takes a slot from one sliding one-minute window, and each priority may only
 * fill the window up to its own ceiling:
 *
 * | priority     | who                                   | may fill the window to |
 * | ------------ | ------------------------------------- | ---------------------- |
 * | `payment`    | `/payment`, `/refund`, `/close`, `/reversal`, notify confirmations | 100 % |
 * | `reconciler` | the reconciler, merchant server code   | 75 %                   |
 * | `shopper`    | status-poll refreshes, `/return`       | 50 %                   |
 *
 * A refused call is never sent: it throws `GatewayBudgetExceeded` (a `QfpayError` with code
 * `qfpay_connection_error`, so every caller already treats it as "the gateway was not reached,
 * try again later"). The window is per process: several instances sharing one appcode should
 * each get `limitPerMinute / instances`.
 */
import type { QfpayClient } from '../../qfpay/client.ts'
import { isQfpayError, QfpayConnectionError } from '../../qfpay/errors.ts'

/** Who is asking, highest priority first. */
export type GatewayPriority = 'payment' | 'reconciler' | 'shopper'

/** QFPay's documented per-merchant limit, requests per minute. */
export const QFPAY_REQUESTS_PER_MINUTE = 400

const WINDOW_MS = 60_000

/** The share of the window each priority may fill (see the table above). */
const SHARES: Readonly<Record<GatewayPriority, number>> = {
  payment: 1,
  reconciler: 0.75,
  shopper: 0.5,
}

/** Options of `createGatewayBudget`. */
export interface GatewayBudgetOptions {
  /** Requests per minute this process may send for the merchant. Default 400; `false` = no limit. */
  limitPerMinute?: number | false
  /** Injected time, for tests. */
  clock?: () => Date
}

/** Counters for telemetry, since start. */
export interface GatewayBudgetStats {
  limitPerMinute: number | false
  /** Calls sent in the last minute. */
  usedLastMinute: number
  taken: Record<GatewayPriority, number>
  refused: Record<GatewayPriority, number>
}

/** A running budget. */
export interface GatewayBudget {
  /** Takes a slot for one gateway call at `priority`; `false` (nothing taken) when over its ceiling. */
  tryTake(priority: GatewayPriority): boolean
  /** Runs `call` after taking a slot, or throws `GatewayBudgetExceeded` without running it. */
  run<T>(priority: GatewayPriority, call: () => Promise<T>): Promise<T>
  /** Milliseconds until `priority` would get a slot again (0 = now). */
  retryAfterMs(priority: GatewayPriority): number
  stats(): GatewayBudgetStats
}

/**
 * Thrown instead of a call the budget refused. The call was not sent, so it is a connection
 * error that cannot have reached the gateway (`mayHaveReachedGateway: false`): callers that
 * handle `isQfpayError(e, 'qfpay_connection_error')` already do the right thing with it.
 */
export class GatewayBudgetExceeded extends QfpayConnectionError {
  readonly priority: GatewayPriority
  readonly retryAfterMs: number
  constructor(priority: GatewayPriority, retryAfterMs: number) {
    super(
      `Failed to call the gateway: this merchant's request budget for ${priority} calls is used up for now.`,
      { mayHaveReachedGateway: false, timeout: false }
    )
    // Spelled out: a minifier may rename the class, and the guard reads the name.
    this.name = 'GatewayBudgetExceeded'
    this.priority = priority
    this.retryAfterMs = retryAfterMs
  }
}

/** `true` for a call the budget refused (nothing reached the gateway), from any copy of the package. */
export function isGatewayBudgetExceeded(error: unknown): error is GatewayBudgetExceeded {
  return isQfpayError(error, 'qfpay_connection_error') && error.name === 'GatewayBudgetExceeded'
}

/**
 * Creates a budget.
 *
 * @example
 * const budget = createGatewayBudget()
 * const client = budgetedClient(createQfpayClient(...), budget, 'reconciler')
 * const shopperClient = budgetedClient(rawClient, budget, 'shopper') // queries at shopper priority
 */
export function createGatewayBudget(options: GatewayBudgetOptions = {}): GatewayBudget {
  const limit = options.limitPerMinute ?? QFPAY_REQUESTS_PER_MINUTE
  if (limit !== false && !(Number.isInteger(limit) && limit > 0)) {
    throw new Error(
      'Failed to create the gateway budget: limitPerMinute must be a positive integer.'
    )
  }
  const clock = options.clock ?? (() => new Date())
  const ceiling = (p: GatewayPriority) =>
    limit === false ? Infinity : Math.max(1, Math.floor(limit * SHARES[p]))
  // Start times of the calls in the window, oldest first; never longer than `limit`.
  const sent: number[] = []
  const taken = { payment: 0, reconciler: 0, shopper: 0 }
  const refused = { payment: 0, reconciler: 0, shopper: 0 }
  const prune = (now: number) => {
    let drop = 0
    while (drop < sent.length && (sent[drop]! <= now - WINDOW_MS || sent[drop]! > now)) drop++
    if (drop > 0) sent.splice(0, drop)
  }
  const budget: GatewayBudget = {
    tryTake(priority) {
      const now = clock().getTime()
      prune(now)
      if (sent.length >= ceiling(priority)) {
        refused[priority]++
        return false
      }
      if (limit !== false) sent.push(now)
      taken[priority]++
      return true
    },
    async run(priority, call) {
      if (!budget.tryTake(priority))
        throw new GatewayBudgetExceeded(priority, budget.retryAfterMs(priority))
      return call()
    },
    retryAfterMs(priority) {
      const now = clock().getTime()
      prune(now)
      const over = sent.length - ceiling(priority)
      if (over < 0) return 0
      return Math.max(0, sent[over]! + WINDOW_MS - now)
    },
    stats: () => {
      prune(clock().getTime())
      return {
        limitPerMinute: limit,
        usedLastMinute: sent.length,
        taken: { ...taken },
        refused: { ...refused },
      }
    },
  }
  return budget
}

/**
 * The client every QFPay call of the app goes through: writes (`payment`, `refund`, `close`,
 * `reversal`) always run at `payment` priority; `query` runs at `queryPriority`.
 * `verifyNotify` is local (no request) and is not counted.
 */
export function budgetedClient(
  client: QfpayClient,
  budget: GatewayBudget,
  queryPriority: GatewayPriority
): QfpayClient {
  return {
    payment: (params) => budget.run('payment', () => client.payment(params)),
    refund: (params) => budget.run('payment', () => client.refund(params)),
    close: (params) => budget.run('payment', () => client.close(params)),
    reversal: (params) => budget.run('payment', () => client.reversal(params)),
    query: (params) => budget.run(queryPriority, () => client.query(params)),
    verifyNotify: (raw, signature) => client.verifyNotify(raw, signature),
  }
}

/** The QFPay client behind the budget once per query priority (writes are always `payment`). */
export type GatewayClients = Record<GatewayPriority, QfpayClient>

/** {@link budgetedClient} for each priority: what a caller that queries at several needs. */
export function gatewayClients(client: QfpayClient, budget: GatewayBudget): GatewayClients {
  return {
    payment: budgetedClient(client, budget, 'payment'),
    reconciler: budgetedClient(client, budget, 'reconciler'),
    shopper: budgetedClient(client, budget, 'shopper'),
  }
}
