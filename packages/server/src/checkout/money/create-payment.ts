/**
 * Opening a payment: one checkout row per QFPay order, committed before the gateway hears of
 * it, so a crash or a lost answer mid-call is settled by `/query` (reconciler, or the widget's
 * retry), never by a second order.
 *
 * @see docs/qfpay-protocol.md#payment (swipe-card pending rule included)
 * @see docs/decisions.md#one-payment-per-order
 */
import type { Context } from 'hono'
import { isQfpayError, type QfpayApiError } from '../../qfpay/errors.ts'
import { cleanGoodsName as goodsNameForGateway, GOODS_NAME_MAX } from '../../qfpay/goods-name.ts'
import { formatTxdtm } from '../../qfpay/txdtm.ts'
import { isParameterRefusedRespcd, isReusedOutTradeNoRespcd } from '../../qfpay/respcd.ts'
import { newOutTradeNo } from '../../qfpay/out-trade-no.ts'
import { allowsExpiredTime, payTypeInfo, type PayTypeInfo } from '../../qfpay/pay-types.ts'
import type { PaymentParams } from '../../qfpay/types.ts'
import type { CheckoutRecord, Store } from '../../store/store.ts'
import { PAID_STATUSES } from '../../model/status.ts'
import { flowOf } from '../app/context.ts'
import { CheckoutError } from '../app/errors.ts'
import { declineFailure } from './gateway-rows.ts'
import type { PaymentService } from './payments.ts'
import type { KeyedLock } from './keyed-lock.ts'
import type { PaymentLookup } from './payment-lookup.ts'
import type { CheckoutTransitions } from './transitions.ts'
import type { QfpayClient } from '../../qfpay/client.ts'
import type { CheckoutSettings } from '../app/context.ts'
import type { Logger } from '../app/logger.ts'
import type { CheckoutClaims } from '../http/checkout-claims.ts'
import type { PendingPerClient } from '../http/pending-per-client.ts'
import { firstCheckAt } from '../workers/schedule.ts'

/** The `return_url` sent with a payment: the app's public URL, `/return/`, our token (routes/return-token.ts finds the checkout from it). */
function returnUrlFor(publicUrl: string, record: Pick<CheckoutRecord, 'outTradeNo'>): string {
  return `${publicUrl}/return/${encodeURIComponent(record.outTradeNo)}`
}

/** Swipe-card orders still pending after this long are reversed (QFPay: "about 2 minutes"). */
export const SWIPE_GIVE_UP_MS = 2 * 60_000
/** Rounds of "close the stale one, try again" before giving up (each needs a fresh race to lose). */
const MAX_ROUNDS = 3

/** What the create route asks for (already validated). */
export interface CreatePaymentInput {
  payType: string
  order: string
  authCode?: string | undefined
}

/** The created (or already pending) checkout; `created` is false for a returned pending one. */
export interface CreatePaymentResult {
  checkout: CheckoutRecord
  created: boolean
}

/**
 * Who may be given or may close an existing pending checkout (checkout-claims.ts), and the
 * per-client cap on pending checkouts. Without it (server code, tests of the money logic)
 * every caller is trusted.
 */
export interface CreateGuard {
  claims: CheckoutClaims
  pending: PendingPerClient
  /** The caller's per-client key. */
  client: string
}

/** What opening a payment needs; app/create-checkout.ts builds it from the app's parts. */
export interface CreatePaymentDeps {
  store: Store
  settings: CheckoutSettings
  clock: () => Date
  logger: Logger
  /** The QFPay client behind the gateway budget (payments go at `payment` priority). */
  client: Pick<QfpayClient, 'payment'>
  /** The per-checkout lock the payment service holds while it cancels or expires. */
  locks: KeyedLock
  lookup: Pick<PaymentLookup, 'observe'>
  transitions: CheckoutTransitions
  payments: Pick<PaymentService, 'apply' | 'cancel' | 'expire' | 'closeUpstream'>
}

/** Opens (or finds) the checkout for `input`, talking to the gateway as little as possible. */
export async function createPayment(
  svc: CreatePaymentDeps,
  input: CreatePaymentInput,
  c: Context,
  guard?: CreateGuard
): Promise<CreatePaymentResult> {
  const { settings, store } = svc
  const info = payTypeInfo(input.payType)
  if (!info || !info.available || info.flow === 'none') {
    throw new CheckoutError(
      'pay_type_not_available',
      400,
      `Failed to create checkout: pay type ${input.payType} is not available.`,
      { field: 'payType' }
    )
  }
  if (!settings.payTypes.includes(input.payType)) {
    throw new CheckoutError(
      'pay_type_not_enabled',
      400,
      `Failed to create checkout: pay type ${input.payType} is not enabled here.`,
      { field: 'payType' }
    )
  }
  if (info.swipe && !input.authCode) {
    throw new CheckoutError(
      'invalid_request',
      400,
      'Failed to create checkout: a swipe-card pay type needs authCode.',
      { field: 'authCode' }
    )
  }
  const resolved = await settings.resolveOrder(input.order, c)
  if (resolved === undefined || resolved === null) {
    throw new CheckoutError(
      'order_not_found',
      404,
      'Failed to create checkout: the order does not exist.',
      { field: 'order' }
    )
  }
  if (!Number.isSafeInteger(resolved.amount) || resolved.amount <= 0) {
    throw new Error(
      'Failed to create checkout: resolveOrder must answer a positive integer amount in minor units.'
    )
  }
  const currency = (resolved.currency ?? settings.currency).toUpperCase()
  const goodsName = displayGoodsName(resolved.goodsName)

  const holds = async (record: CheckoutRecord) =>
    record.mount === settings.mode && (!guard || (await guard.claims.holds(c, record.id)))
  for (let round = 0; round < MAX_ROUNDS; round++) {
    await closeOtherPending(svc, input, resolved.amount, currency, holds)
    if (guard && round === 0) await guard.pending.check(guard.client)
    const now = svc.clock()
    const lifetimeMs = info.swipe ? SWIPE_GIVE_UP_MS : settings.expiresInSeconds * 1000
    const result = await store.create({
      order: input.order,
      payType: input.payType,
      flow: flowOf(input.payType),
      amount: resolved.amount,
      currency,
      ...(goodsName ? { goodsName } : {}),
      outTradeNo: newOutTradeNo('payment'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
      nextCheckAt: firstCheckAt(now, info.swipe),
      mount: settings.mode,
    })
    if (result.kind === 'already_paid') throw alreadyPaid()
    const record = result.checkout
    if (result.kind === 'existing' && !(await holds(record))) throw orderInProgress()
    if (guard) {
      // Granted before the gateway call: a lost answer (504) still lets this browser resume.
      await guard.claims.grant(c, record.id, settings.expiresInSeconds)
      if (result.kind === 'created') guard.pending.add(guard.client, record.id)
    }
    const settled = await svc.locks.run(record.id, () =>
      result.kind === 'created'
        ? sendPayment(svc, record, input.authCode, c)
        : resume(svc, record, input.authCode, c)
    )
    if (settled) return { checkout: settled, created: result.kind === 'created' }
    // `resume` closed a stale order: go round again for a fresh one.
  }
  throw new CheckoutError(
    'conflict',
    409,
    'Failed to create checkout: the order keeps changing. Try again.'
  )
}

/**
 * One payment per order: creating a checkout for an order first closes that order's other pending
 * checkouts (another pay type, or an amount that changed since), so only one can take money.
 */
async function closeOtherPending(
  svc: CreatePaymentDeps,
  input: CreatePaymentInput,
  amount: number,
  currency: string,
  holds: (record: CheckoutRecord) => Promise<boolean>
): Promise<void> {
  const pending = await svc.store.listPendingByOrder(input.order)
  const now = svc.clock().getTime()
  for (const other of pending) {
    const same =
      other.payType === input.payType && other.amount === amount && other.currency === currency
    const timeUp = Date.parse(other.expiresAt) <= now
    // Another mount's checkout (a till's) or another browser's is never closed from here.
    if (!timeUp && !(await holds(other))) throw orderInProgress()
    if (same && !timeUp) continue
    const after = timeUp ? await svc.payments.expire(other.id) : await svc.payments.cancel(other.id)
    if (after && PAID_STATUSES.includes(after.status)) throw alreadyPaid()
    if (after?.status === 'pending') {
      throw new CheckoutError(
        'gateway_timeout',
        504,
        'Failed to create checkout: an earlier checkout of this order could not be closed yet. Try again.'
      )
    }
  }
}

/**
 * A pending checkout for the same order and pay type already exists (a widget retry, or a
 * second tab). With a pay URL it is simply returned. Without one, the first `/payment` was lost
 * (timeout, crash): query first, and re-send the SAME `out_trade_no` only if the gateway never
 * saw it. `undefined` = it was closed, create a fresh one.
 */
async function resume(
  svc: CreatePaymentDeps,
  stale: CheckoutRecord,
  authCode: string | undefined,
  c: Context
): Promise<CheckoutRecord | undefined> {
  let record = await svc.store.get(stale.id)
  if (!record) return undefined
  if (record.status !== 'pending') return settledAnswer(record)
  const swipe = payTypeInfo(record.payType)?.swipe ?? false
  if (record.payUrl || (swipe && record.syssn)) return record
  const observation = await svc.lookup.observe(record)
  if (observation.kind === 'missing') return sendPayment(svc, record, authCode, c)
  record = await svc.payments.apply(record, observation)
  if (record.status !== 'pending') return settledAnswer(record)
  if (swipe) return record
  // The gateway holds an order whose pay URL we lost; it cannot be shown again, so close it.
  const outcome = await svc.payments.closeUpstream(record)
  if (outcome === 'paid') {
    const observation = await svc.lookup.observe(record, 'payment', {
      evidence: 'the close answered already paid',
    })
    return settledAnswer(await svc.payments.apply(record, observation))
  }
  if (outcome === 'unknown')
    throw new CheckoutError(
      'gateway_timeout',
      504,
      'Failed to create checkout: the gateway did not answer in time. Try again.'
    )
  await svc.transitions.transitionTo(record.id, 'cancelled', {
    upstreamClosed: outcome === 'closed',
    nextCheckAt: null,
  })
  return undefined
}

/** A checkout that ended while we looked: paid → 409; any other end → go round again. */
function settledAnswer(record: CheckoutRecord): CheckoutRecord | undefined {
  if (PAID_STATUSES.includes(record.status)) throw alreadyPaid()
  return record.status === 'pending' ? record : undefined
}

/** Calls `/payment` for a committed row and records what came back. */
async function sendPayment(
  svc: CreatePaymentDeps,
  record: CheckoutRecord,
  authCode: string | undefined,
  c: Context
): Promise<CheckoutRecord> {
  const info = payTypeInfo(record.payType)
  const swipe = info?.swipe ?? false
  const { publicUrl, expiresInSeconds } = svc.settings
  const params: PaymentParams = {
    pay_type: record.payType,
    out_trade_no: record.outTradeNo,
    txamt: record.amount,
    txcurrcd: record.currency,
    // The order's own time, the same on every resend: close/reversal send it back as the
    // "original transaction time" today's docs ask for.
    txdtm: formatTxdtm(new Date(record.createdAt)),
    // Shown to the shopper as given; sent as today's docs allow (letters, digits, ≤ 20).
    ...(goodsNameForGateway(record.goodsName)
      ? { goods_name: goodsNameForGateway(record.goodsName) }
      : {}),
    ...(swipe ? { auth_code: authCode ?? '' } : {}),
    // Only where today's docs allow it; elsewhere the gateway's own lifetime applies and the
    // reconciler closes the order at our expiry (or, if it cannot, waits for the gateway's).
    ...(allowsExpiredTime(record.payType)
      ? { expired_time: Math.floor(expiresInSeconds / 60) }
      : {}),
    // One notify and one return URL per appcode, configured at QFPay. They are only
    // sent when the merchant told us where this app lives; the gateway's configured ones win.
    // The return URL carries our own token (the order's unguessable out_trade_no) in its path:
    // what QFPay or the wallet appends to it is undocumented (see routes/return-token.ts).
    ...(publicUrl && !swipe
      ? { notify_url: `${publicUrl}/notify`, return_url: returnUrlFor(publicUrl, record) }
      : {}),
  }
  if (svc.settings.limitPay) params.limit_pay = svc.settings.limitPay
  const extend = extendInfoFor(info, c, publicUrl, svc.settings.clientIp)
  if (extend) params.extend_info = extend
  let result
  try {
    result = await svc.client.payment(params)
  } catch (error) {
    if (isQfpayError(error, 'qfpay_api_error')) return paymentRefused(svc, record, error)
    // Lost answer: the row stays pending; the reconciler (or the widget's retry) queries it.
    throw error
  }
  const syssn =
    typeof result.response.syssn === 'string' && result.response.syssn !== ''
      ? result.response.syssn
      : undefined
  const withSyssn = syssn ? { syssn } : {}
  switch (result.status) {
    case 'created': {
      const payUrl = result.response.pay_url || result.response.qrcode
      if (!payUrl) {
        svc.logger.error('gateway created an order without pay_url or qrcode', {
          checkoutId: record.id,
          payType: record.payType,
        })
        throw new CheckoutError(
          'gateway_error',
          502,
          'Failed to create checkout: the gateway sent no payment link.'
        )
      }
      return (await svc.transitions.patch(record.id, { payUrl, ...withSyssn })) ?? record
    }
    case 'paid':
      return (
        (await svc.transitions.transitionTo(record.id, 'paid', {
          ...withSyssn,
          nextCheckAt: null,
        })) ?? record
      )
    case 'pending':
      // The shopper is confirming in the wallet; query until final.
      return (await svc.transitions.patch(record.id, withSyssn)) ?? record
    case 'declined':
      return (
        (await svc.transitions.transitionTo(record.id, 'failed', {
          ...withSyssn,
          failure: declineFailure(result.respcd),
          nextCheckAt: null,
        })) ?? record
      )
  }
}

/** `/payment` refused as a request error (1104 pay type not enabled at QFPay, 2011 reused number…). */
async function paymentRefused(
  svc: CreatePaymentDeps,
  record: CheckoutRecord,
  error: QfpayApiError
): Promise<CheckoutRecord> {
  const respcd = error.respcd
  if (isReusedOutTradeNoRespcd(respcd) || error.retryable) {
    // The gateway may hold this number (a retry raced the first call) or may not have acted yet:
    // stay pending, let `/query` decide.
    throw error
  }
  await svc.transitions.transitionTo(record.id, 'failed', {
    failure: {
      code: isParameterRefusedRespcd(respcd) ? 'pay_type_not_available' : 'gateway_error',
      message: 'The payment gateway refused the payment.',
      respcd,
    },
    nextCheckAt: null,
  })
  if (isParameterRefusedRespcd(respcd)) {
    throw new CheckoutError(
      'pay_type_not_available',
      400,
      'Failed to create checkout: the gateway does not offer this pay type to this merchant.',
      { field: 'payType', respcd, cause: error }
    )
  }
  throw error
}

/** 409 without the other checkout's id: someone else is paying this order right now. */
function orderInProgress(): CheckoutError {
  return new CheckoutError(
    'conflict',
    409,
    'Failed to create checkout: this order is being paid in another session. Try again when that payment ends.'
  )
}

function alreadyPaid(): CheckoutError {
  return new CheckoutError(
    'already_paid',
    409,
    'Failed to create checkout: this order is already paid.'
  )
}

/**
 * The name the shopper sees and the store keeps: control characters removed, cut to the gateway's
 * length so what is shown matches what the wallet shows. Punctuation stays; the stricter form
 * QFPay accepts is made from this one when the payment is sent (`goodsNameForGateway`).
 */
function displayGoodsName(name: string | undefined): string | undefined {
  if (!name) return undefined
  const clean = Array.from(name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim())
    .slice(0, GOODS_NAME_MAX)
    .join('')
    .trim()
  return clean || undefined
}

/**
 * WeChat H5 (800212) needs `extend_info` with `scene_info.h5_info` (the shop's mobile site) and
 * `spbill_create_ip` (the shopper's IP), sdk.qfapi.com `wechat-pay-h5.md` (2026-02).
 */
function extendInfoFor(
  info: PayTypeInfo | undefined,
  c: Context,
  publicUrl: string | undefined,
  clientIp: (c: Context) => string
): Record<string, unknown> | undefined {
  const needs = info?.requires ?? []
  if (!needs.includes('scene_info') && !needs.includes('spbill_create_ip')) return undefined
  const site = publicUrl ?? c.req.header('origin') ?? new URL(c.req.url).origin
  const url = new URL(site)
  return {
    scene_info: { h5_info: { type: 'Wap', wap_url: url.origin, wap_name: url.hostname } },
    // The shopper's address as the app reads it (behind a proxy: `http.clientIp`), not the socket's.
    spbill_create_ip: clientIp(c),
  }
}
