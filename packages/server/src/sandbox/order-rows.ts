/**
 * How an order looks from outside: `/query` rows (docs/qfpay-protocol.md#query), notify bodies
 * (payment and refund) and the control API's view. Every gateway value is a string.
 */
import { describeRespcd } from '../qfpay/respcd.ts'
import { payTypeInfo } from '../qfpay/pay-types.ts'
import { formatTxdtm } from '../qfpay/txdtm.ts'
import type { SandboxKnobs } from './knobs.ts'
import { refundedAmount, type OrderState, type SandboxOrder, type SandboxRefund } from './orders.ts'

/** A flat record of strings, as the gateway writes its JSON. */
export type GatewayRecord = Record<string, string>

/** The row `respcd`: 1143 unpaid pre-order or pending, 0000 paid, 1142 closed/expired, else the decline code. */
export function rowRespcd(order: SandboxOrder): string {
  switch (order.state) {
    case 'created':
    case 'pending':
      return '1143'
    case 'paid':
    case 'reversed':
      return '0000'
    case 'closed':
    case 'expired':
      // Which of 1142/1181 an expired QR shows is not documented; we show 1142.
      return '1142'
    case 'failed':
      return order.declineRespcd ?? '1201'
  }
}

/**
 * The `cancel` flag, current values: 0 none · 1 CPM reversed · 2 MPM cancelled ·
 * 3 refunded · 5 partially refunded. A closed swipe order gets 1, as the 2017 FAQ shows after
 * /reversal (the current docs leave it open).
 */
export function cancelFlag(order: SandboxOrder): string {
  if (order.state === 'reversed') return '1'
  if (order.state === 'expired') return '2'
  if (order.state === 'closed') return payTypeInfo(order.payType)?.swipe ? '1' : '2'
  if (order.state !== 'paid') return '0'
  const refunded = refundedAmount(order)
  return refunded === 0 ? '0' : refunded < order.txamt ? '5' : '3'
}

/** The `/query` row of a payment. */
export function paymentRow(order: SandboxOrder): GatewayRecord {
  const respcd = rowRespcd(order)
  return {
    syssn: order.syssn,
    out_trade_no: order.outTradeNo,
    pay_type: order.payType,
    order_type: 'payment',
    txamt: String(order.txamt),
    txcurrcd: order.txcurrcd,
    txdtm: order.txdtm,
    sysdtm: order.sysdtm,
    paydtm: order.paidAt === undefined ? '' : formatTxdtm(order.paidAt),
    respcd,
    errmsg: describeRespcd(respcd).meaning,
    cancel: cancelFlag(order),
    chnlsn: order.chnlsn,
    cardcd: order.cardcd,
    udid: order.udid,
    goods_name: order.goodsName,
  }
}

/** The `/query` row of a refund: its own syssn, `origssn` = the payment's. */
export function refundRow(order: SandboxOrder, refund: SandboxRefund): GatewayRecord {
  return {
    syssn: refund.syssn,
    out_trade_no: refund.outTradeNo,
    pay_type: order.payType,
    order_type: 'refund',
    txamt: String(refund.txamt),
    txcurrcd: order.txcurrcd,
    txdtm: refund.txdtm,
    sysdtm: refund.sysdtm,
    paydtm: refund.sysdtm,
    respcd: '0000',
    errmsg: describeRespcd('0000').meaning,
    cancel: '0',
    origssn: order.syssn,
    chnlsn: order.chnlsn,
    cardcd: order.cardcd,
    udid: refund.udid,
    goods_name: order.goodsName,
  }
}

/** Payment notify body fields, in the key order of QFPay's example (vector V5). */
export function paymentNotifyFields(order: SandboxOrder, mchid: string | undefined): GatewayRecord {
  return {
    status: '1',
    pay_type: order.payType,
    sysdtm: order.sysdtm,
    paydtm: order.paidAt === undefined ? '' : formatTxdtm(order.paidAt),
    goods_name: order.goodsName,
    txcurrcd: order.txcurrcd,
    txdtm: order.txdtm,
    txamt: String(order.txamt),
    out_trade_no: order.outTradeNo,
    syssn: order.syssn,
    cancel: cancelFlag(order),
    respcd: '0000',
    notify_type: 'payment',
    chnlsn: order.chnlsn,
    cardcd: order.cardcd,
    ...(mchid ? { mchid } : {}),
  }
}

/** Refund notify body fields, as the refund notify captured in production (docs/qfpay-protocol.md#refunds). */
export function refundNotifyFields(
  order: SandboxOrder,
  refund: SandboxRefund,
  mchid: string | undefined
): GatewayRecord {
  return {
    notify_type: 'refund',
    syssn: refund.syssn,
    orig_syssn: order.syssn,
    out_trade_no: refund.outTradeNo,
    orig_out_trade_no: order.outTradeNo,
    txamt: String(refund.txamt),
    txcurrcd: order.txcurrcd,
    txdtm: refund.txdtm,
    sysdtm: refund.sysdtm,
    respcd: '0000',
    ...(mchid ? { mchid } : {}),
  }
}

/** A state name for people: `paid` splits into refund states (partially refunded, refunded). */
export type OrderStatus = Exclude<OrderState, 'paid'> | 'paid' | 'partially_refunded' | 'refunded'

/** One order as `GET /__sandbox/orders` shows it: QFPay's names for gateway fields, camelCase for ours. */
export interface SandboxOrderView {
  syssn: string
  out_trade_no: string
  pay_type: string
  txamt: string
  txcurrcd: string
  appcode: string
  state: OrderStatus
  respcd: string
  cancel: string
  goodsName: string
  /** The pay URL handed out, in the field the pay type returns. */
  pay_url?: string
  qrcode?: string
  createdAt: string
  expiresAt?: string
  paidAt?: string
  latePaid: boolean
  refundedAmount: number
  refunds: Array<{ syssn: string; out_trade_no: string; txamt: string; sysdtm: string }>
  pendingQueries: number
  knobs: Partial<SandboxKnobs>
}

/** The control API's view of an order. */
export function orderView(order: SandboxOrder): SandboxOrderView {
  const refunded = refundedAmount(order)
  const state: OrderStatus =
    order.state !== 'paid'
      ? order.state
      : refunded === 0
        ? 'paid'
        : refunded < order.txamt
          ? 'partially_refunded'
          : 'refunded'
  const returns = payTypeInfo(order.payType)?.returns
  const iso = (at: number | undefined) =>
    at === undefined ? undefined : new Date(at).toISOString()
  return {
    syssn: order.syssn,
    out_trade_no: order.outTradeNo,
    pay_type: order.payType,
    txamt: String(order.txamt),
    txcurrcd: order.txcurrcd,
    appcode: order.appcode,
    state,
    respcd: rowRespcd(order),
    cancel: cancelFlag(order),
    goodsName: order.goodsName,
    ...(order.payUrl
      ? returns === 'qrcode'
        ? { qrcode: order.payUrl }
        : { pay_url: order.payUrl }
      : {}),
    createdAt: new Date(order.createdAt).toISOString(),
    ...(order.expiresAt !== undefined ? { expiresAt: iso(order.expiresAt) as string } : {}),
    ...(order.paidAt !== undefined ? { paidAt: iso(order.paidAt) as string } : {}),
    latePaid: order.latePaid,
    refundedAmount: refunded,
    refunds: order.refunds.map((r) => ({
      syssn: r.syssn,
      out_trade_no: r.outTradeNo,
      txamt: String(r.txamt),
      sysdtm: r.sysdtm,
    })),
    pendingQueries: order.pendingQueries,
    knobs: order.knobs,
  }
}
