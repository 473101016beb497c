/**
 * The checkout write rules as pure functions, so memory, SQLite and PostgreSQL decide
 * identically: a store reads the rows inside its transaction, asks `planWrite` what to write,
 * and writes exactly that. No I/O here.
 */
import type { CheckoutStatus } from '../contract.ts'
import {
  type CheckoutPatch,
  type CheckoutRecord,
  type CreateCheckoutInput,
  type NotifyInput,
  type OutboxEntry,
  type OutboxTopic,
  type WriteRejection,
} from './records.ts'
import { canTransition } from './status.ts'
import { toWireCheckout } from './wire.ts'

/** Canonical ISO-8601 UTC form, so stored times sort as text. Throws on an invalid time. */
export function normaliseTime(value: string): string {
  const date = new Date(value)
  if (Number.isNaN(date.getTime()))
    throw new RangeError(`Failed to store time: "${value}" is not an ISO-8601 time.`)
  return date.toISOString()
}

export function assertMinorUnits(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(
      `Failed to store ${name}: ${value} is not an integer >= ${min} (minor units).`
    )
  }
}

/** The pending record `create` inserts. */
export function newCheckoutRecord(
  input: CreateCheckoutInput,
  id: string,
  now: string
): CheckoutRecord {
  assertMinorUnits('amount', input.amount, 1)
  const createdAt = normaliseTime(input.createdAt ?? now)
  const record: CheckoutRecord = {
    id,
    version: 1,
    status: 'pending',
    order: input.order,
    payType: input.payType,
    flow: input.flow,
    amount: input.amount,
    currency: input.currency,
    createdAt,
    expiresAt: normaliseTime(input.expiresAt),
    refundedAmount: 0,
    latePayment: false,
    outTradeNo: input.outTradeNo,
    mount: input.mount ?? 'default',
    nextCheckAt: normaliseTime(input.nextCheckAt ?? createdAt),
    checkAttempts: 0,
    upstreamClosed: false,
    updatedAt: createdAt,
  }
  if (input.goodsName !== undefined) record.goodsName = input.goodsName
  return record
}

/** What a successful write plan asks the store to persist. */
export interface WritePlan {
  ok: true
  next: CheckoutRecord
  bumped: boolean
  outbox: OutboxEntry[]
}

const WIRE_FIELDS = ['payUrl', 'expiresAt', 'paidAt', 'failure', 'refundedAmount'] as const

/**
 * Plan a compare-and-set write. `status` undefined = a plain patch (`Store.transition` without `status`).
 * Order of checks: row exists, version matches, edge is legal.
 */
export function planWrite(
  current: CheckoutRecord | undefined,
  expectedVersion: number,
  patch: CheckoutPatch,
  status: CheckoutStatus | undefined,
  now: string,
  hooks?: readonly OutboxTopic[]
): WritePlan | WriteRejection {
  if (!current) return { ok: false, reason: 'not_found' }
  if (current.version !== expectedVersion) return { ok: false, reason: 'conflict', current }
  if (status !== undefined && !canTransition(current.status, status)) {
    return { ok: false, reason: 'illegal_transition', current }
  }
  const next: CheckoutRecord = { ...current }
  if (patch.payUrl !== undefined) next.payUrl = patch.payUrl
  if (patch.expiresAt !== undefined) next.expiresAt = normaliseTime(patch.expiresAt)
  if (patch.paidAt !== undefined) next.paidAt = normaliseTime(patch.paidAt)
  if (patch.failure !== undefined) next.failure = { ...patch.failure }
  if (patch.refundedAmount !== undefined) {
    assertMinorUnits('refundedAmount', patch.refundedAmount, 0)
    if (patch.refundedAmount > current.amount)
      throw new RangeError('Failed to store refundedAmount: above the amount.')
    next.refundedAmount = patch.refundedAmount
  }
  if (patch.syssn !== undefined) next.syssn = patch.syssn
  if (patch.nextCheckAt === null) delete next.nextCheckAt
  else if (patch.nextCheckAt !== undefined) next.nextCheckAt = normaliseTime(patch.nextCheckAt)
  if (patch.checkAttempts !== undefined) {
    assertMinorUnits('checkAttempts', patch.checkAttempts, 0)
    next.checkAttempts = patch.checkAttempts
  }
  if (patch.upstreamClosed !== undefined) next.upstreamClosed = patch.upstreamClosed
  if (patch.checkLeaseUntil === null) {
    delete next.checkLeaseUntil
    delete next.checkLeaseOwner
  }

  if (status !== undefined) {
    next.status = status
    if (status === 'paid') {
      next.paidAt ??= now
      if (current.status === 'cancelled' || current.status === 'expired') next.latePayment = true
    }
  }
  const wireChanged =
    status !== undefined ||
    WIRE_FIELDS.some((k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]))
  next.updatedAt = now
  if (wireChanged) next.version = current.version + 1

  const outbox: OutboxEntry[] = []
  if (status !== undefined) {
    const topics = status === 'paid' ? (['onPaid', 'onStatus'] as const) : (['onStatus'] as const)
    for (const topic of topics) {
      if (hooks !== undefined && !hooks.includes(topic)) continue
      outbox.push({
        id: `${next.id}:${next.version}:${topic}`,
        topic,
        checkoutId: next.id,
        version: next.version,
        fromStatus: current.status,
        // The hook payload is the same allowlist as every response: server-only fields stay here.
        checkout: toWireCheckout(next),
        attempts: 0,
        availableAt: now,
        createdAt: now,
      })
    }
  }
  return { ok: true, next, bumped: wireChanged, outbox }
}

/** The checks `recordNotify` makes, shared by `transition({ notify })`; returns `receivedAt` normalised. */
export function checkNotifyInput(input: NotifyInput): string {
  if (input.accepted && input.syssn === undefined)
    throw new TypeError('Failed to record notify: an accepted notify needs its syssn.')
  if (!input.accepted && input.reason === undefined)
    throw new TypeError('Failed to record notify: a rejected notify needs a reason.')
  return normaliseTime(input.receivedAt)
}

/** `transition({ notify })` records accepted notifies only (rejected ones change nothing). */
export function checkTransitionNotify(input: NotifyInput | undefined): string | undefined {
  if (input === undefined) return undefined
  if (!input.accepted)
    throw new TypeError('Failed to transition: only an accepted notify is recorded with it.')
  return checkNotifyInput(input)
}
