/**
 * `/trade/v1/close` and `/trade/v1/reversal`, GET or POST. QFPay's 2017 rule decides
 * who uses which: close for online orders, reversal for offline (swipe-card) ones; the rules on
 * paid orders are in `OrderBook.cancel`. Request: `syssn` and/or `out_trade_no`, `txamt`,
 * `txdtm`, optional `udid` (current docs).
 */
import { describeRespcd } from '../qfpay/respcd.ts'
import { formatTxdtm } from '../qfpay/txdtm.ts'
import type { SandboxCore } from './core.ts'
import { fieldError, GatewayError } from './gateway-error.ts'
import type { GatewayRecord } from './order-rows.ts'
import {
  FIELD,
  optionalField,
  requireField,
  requireTxdtm,
  type TradeRequest,
} from './trade-request.ts'

/** Handles one verified close or reversal. */
export function handleCancel(
  core: SandboxCore,
  { merchant, params }: TradeRequest,
  endpoint: 'close' | 'reversal'
): GatewayRecord {
  const syssn = optionalField(params, 'syssn', ...FIELD.syssn)
  const outTradeNo = optionalField(params, 'out_trade_no', ...FIELD.outTradeNo)
  if (!syssn && !outTradeNo) throw fieldError('syssn', 'or out_trade_no is required')
  const txamt = Number(requireField(params, 'txamt', ...FIELD.txamt))
  const txdtm = requireTxdtm(params)
  optionalField(params, 'udid', ...FIELD.udid)
  const bySyssn = syssn ? core.book.get(syssn) : undefined
  const byNumber = outTradeNo ? core.book.byOutTradeNo(merchant.appcode, outTradeNo) : undefined
  const order = bySyssn ?? byNumber
  if (
    !order ||
    order.appcode !== merchant.appcode ||
    (syssn && !bySyssn) ||
    (outTradeNo && !byNumber)
  ) {
    throw new GatewayError(
      '1268',
      `no order with ${syssn ? `syssn ${syssn}` : `out_trade_no ${outTradeNo}`}`
    )
  }
  if (bySyssn && byNumber && bySyssn !== byNumber)
    throw new GatewayError('1267', 'syssn and out_trade_no name different orders')
  core.book.cancel(order, endpoint, txamt)
  return {
    syssn: order.cancelSyssn ?? '',
    orig_syssn: order.syssn,
    out_trade_no: order.outTradeNo,
    txamt: String(order.txamt),
    txcurrcd: order.txcurrcd,
    txdtm,
    sysdtm: formatTxdtm(core.clock.now()),
    chnlsn: order.chnlsn,
    respcd: '0000',
    resperr: describeRespcd('0000').meaning,
    respmsg: '',
  }
}
