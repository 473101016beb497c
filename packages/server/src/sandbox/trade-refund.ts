/**
 * `POST /trade/v1/refund` (docs/qfpay-protocol.md#refunds): `syssn` of the paid payment, a fresh
 * `out_trade_no` (unique across payments and refunds, 2011), `txamt` ≤ what is left (1272),
 * `txdtm`. Several partial refunds are allowed. The refund succeeds at once and is notified.
 */
import { describeRespcd } from '../qfpay/respcd.ts'
import type { SandboxCore } from './core.ts'
import { GatewayError } from './gateway-error.ts'
import type { GatewayRecord } from './order-rows.ts'
import {
  FIELD,
  optionalField,
  requireField,
  requireTxdtm,
  type TradeRequest,
} from './trade-request.ts'

/** Handles one verified refund. */
export function handleRefund(core: SandboxCore, { merchant, params }: TradeRequest): GatewayRecord {
  const syssn = requireField(params, 'syssn', ...FIELD.syssn)
  const outTradeNo = requireField(params, 'out_trade_no', ...FIELD.outTradeNo)
  const txamt = Number(requireField(params, 'txamt', ...FIELD.txamt))
  const txdtm = requireTxdtm(params)
  const udid = optionalField(params, 'udid', ...FIELD.udid) ?? ''
  const order = core.book.get(syssn)
  if (!order || order.appcode !== merchant.appcode)
    throw new GatewayError('1268', `no payment with syssn ${syssn}`)
  const refund = core.book.refund(order, { outTradeNo, txamt, txdtm, udid })
  return {
    orig_syssn: order.syssn,
    syssn: refund.syssn,
    out_trade_no: refund.outTradeNo,
    txamt: String(refund.txamt),
    txcurrcd: order.txcurrcd,
    txdtm: refund.txdtm,
    sysdtm: refund.sysdtm,
    paydtm: refund.sysdtm,
    chnlsn: order.chnlsn,
    cardcd: order.cardcd,
    respcd: '0000',
    resperr: describeRespcd('0000').meaning,
    respmsg: '',
  }
}
