/**
 * `POST /trade/v1/payment` (docs/qfpay-protocol.md#payment). Pre-order types get an absolute URL of the
 * sandbox's phone page, in `pay_url` or `qrcode` as the type returns (800201
 * included). Swipe-card types charge the `auth_code` at once, by its last four digits:
 *
 * | auth_code ends | answer |
 * |---|---|
 * | `0000` | paid (`0000`) |
 * | `1143` | `1143`, pending for three `/query` calls, then paid (+ notify) |
 * | `1201` | declined (`1201`, insufficient balance) |
 * | anything else | paid, unless the `pendingQueries` knob asks for 1143 first |
 */
import { describeRespcd } from '../qfpay/respcd.ts'
import { payTypeInfo } from '../qfpay/pay-types.ts'
import { formatTxdtm } from '../qfpay/txdtm.ts'
import type { SandboxCore } from './core.ts'
import { fieldError, GatewayError } from './gateway-error.ts'
import { isHttpUrl } from './merchants.ts'
import type { GatewayRecord } from './order-rows.ts'
import type { SandboxOrder } from './orders.ts'
import {
  FIELD,
  optionalField,
  requireField,
  requireTxdtm,
  type TradeRequest,
} from './trade-request.ts'

/** `/query` calls a `…1143` code stays pending for. */
const PENDING_QUERIES_FOR_1143 = 3

/** Handles one verified payment request. `origin` is where the phone page is served. */
export function handlePayment(
  core: SandboxCore,
  { merchant, params }: TradeRequest,
  origin: string
): GatewayRecord {
  const payType = requireField(params, 'pay_type', /^\d{6}$/, 'a 6-digit pay type code')
  const info = payTypeInfo(payType)
  // "filter error" is the gateway's answer for a pay type the merchant is not enabled for (QFPay 2017).
  if (!info || !merchant.payTypes.has(payType))
    throw new GatewayError(
      '1104',
      `filter error: pay_type ${payType} is not enabled for this appcode`
    )
  // QFPay 2017: 800207 needs accounts that do not exist yet, "temporarily not available".
  if (!info.available)
    throw new GatewayError(
      '1104',
      `filter error: pay_type ${payType} (${info.name}) is temporarily not available`
    )
  const txamt = Number(requireField(params, 'txamt', ...FIELD.txamt))
  const txcurrcd = requireField(
    params,
    'txcurrcd',
    /^[A-Z]{3}$/,
    'a 3-letter upper-case ISO-4217 currency code'
  )
  if (merchant.currencies && !merchant.currencies.has(txcurrcd))
    throw fieldError('txcurrcd', `${txcurrcd} is not accepted for this merchant`)
  const outTradeNo = requireField(params, 'out_trade_no', ...FIELD.outTradeNo)
  const txdtm = requireTxdtm(params)
  // goods_name: String(64); udid ≤ 40 characters.
  const goodsName =
    optionalField(params, 'goods_name', /^[^\x00-\x1f]{1,64}$/, 'at most 64 characters') ?? ''
  const udid = optionalField(params, 'udid', ...FIELD.udid) ?? ''
  const notifyUrl = optionalUrl(params.notify_url, 'notify_url', 256)
  const returnUrl = optionalUrl(params.return_url, 'return_url', 512)
  let expiredMinutes: number | undefined
  let authCode: string | undefined
  if (info.swipe) {
    // Usually 18 digits; a wrong or expired payment code is 1202.
    authCode = params.auth_code
    if (!authCode) throw fieldError('auth_code', 'is required for swipe-card pay types')
    if (!/^\d{18}$/.test(authCode))
      throw new GatewayError(
        '1202',
        "auth_code must be the 18 digits of the shopper's payment code"
      )
  } else {
    // expired_time: minutes, 5–120, default 30; MPM/online only, so swipe ignores it.
    const raw = optionalField(
      params,
      'expired_time',
      /^\d{1,3}$/,
      'a number of minutes from 5 to 120'
    )
    if (raw !== undefined) {
      expiredMinutes = Number(raw)
      if (expiredMinutes < 5 || expiredMinutes > 120)
        throw fieldError('expired_time', 'must be a number of minutes from 5 to 120')
    }
  }
  const knobs = core.orderKnobs.get(outTradeNo) ?? {}
  core.orderKnobs.set(outTradeNo, knobs)
  const order = core.book.create(
    {
      appcode: merchant.appcode,
      outTradeNo,
      payType,
      txamt,
      txcurrcd,
      txdtm,
      goodsName,
      udid,
      knobs,
      ...(notifyUrl ? { requestNotifyUrl: notifyUrl } : {}),
      ...(returnUrl ? { requestReturnUrl: returnUrl } : {}),
      ...(expiredMinutes !== undefined ? { expiredMinutes } : {}),
    },
    (token) => `${core.publicUrl ?? origin}/sandbox/pay/${token}`
  )
  if (core.knobsFor(outTradeNo).neverExpire) core.book.keepOpen(order)
  if (authCode) chargeAuthCode(core, order, authCode)
  return paymentAnswer(order)
}

function chargeAuthCode(core: SandboxCore, order: SandboxOrder, authCode: string): void {
  if (authCode.endsWith('1201')) {
    core.book.decline(order, '1201')
  } else if (authCode.endsWith('1143')) {
    order.state = 'pending'
    order.pendingQueries = PENDING_QUERIES_FOR_1143
  } else {
    const pending = authCode.endsWith('0000') ? 0 : core.knobsFor(order.outTradeNo).pendingQueries
    if (pending > 0) {
      order.state = 'pending'
      order.pendingQueries = pending
    } else {
      core.book.pay(order)
    }
  }
}

/** The flat answer: `0000` created (pre-order) or paid (swipe), `1143` pending, or the decline code. */
function paymentAnswer(order: SandboxOrder): GatewayRecord {
  const info = payTypeInfo(order.payType)
  const respcd =
    order.state === 'pending'
      ? '1143'
      : order.state === 'failed'
        ? (order.declineRespcd ?? '1201')
        : '0000'
  return {
    pay_type: order.payType,
    sysdtm: order.sysdtm,
    paydtm: order.paidAt === undefined ? '' : formatTxdtm(order.paidAt),
    cardcd: order.cardcd,
    chnlsn: order.chnlsn,
    txdtm: order.txdtm,
    resperr: describeRespcd(respcd).meaning,
    txcurrcd: order.txcurrcd,
    txamt: String(order.txamt),
    respmsg: '',
    out_trade_no: order.outTradeNo,
    syssn: order.syssn,
    udid: order.udid,
    ...(order.payUrl ? { [info?.returns === 'qrcode' ? 'qrcode' : 'pay_url']: order.payUrl } : {}),
    respcd,
  }
}

function optionalUrl(value: string | undefined, name: string, max: number): string | undefined {
  if (value === undefined || value === '') return undefined
  if (value.length > max || !isHttpUrl(value))
    throw fieldError(name, `must be an absolute http(s) URL of at most ${max} characters`)
  return value
}
