/**
 * `@qfpay-checkout/server/qfpay`: the QFPay `/trade/v1` protocol layer — signing, pay types,
 * return codes, time format, the typed client, its errors and types. Framework-free: no Hono,
 * no store, no `node:` imports, so it runs on Node and edge runtimes alike.
 *
 * @example
 * import { createQfpayClient, isQfpayError } from '@qfpay-checkout/server/qfpay'
 * @see docs/qfpay-protocol.md
 */
export { createQfpayClient, type QfpayClient } from './client.ts'
export type { GatewayAttemptReport } from './call-gateway.ts'
export { DEFAULT_TIMEOUT_MS, MAX_ATTEMPTS, type QfpayClientOptions } from './client-options.ts'
export { appcodeProblem, keyProblem } from './credentials.ts'
export {
  errorFromResponse,
  isQfpayError,
  QfpayApiError,
  QfpayConnectionError,
  QfpayError,
  QfpayResponseError,
  QfpaySignatureError,
  RAW_BODY_HINT,
  type QfpayErrorByCode,
  type QfpayErrorCode,
  type RawGatewayAnswer,
} from './errors.ts'
export { verifyNotifyBody } from './verify-notify-body.ts'
export {
  isQfpayEnvironment,
  QFPAY_REGIONS,
  regionBaseUrl,
  regionByName,
  type QfpayEnvironment,
  type QfpayRegion,
  type QfpayRegionName,
} from './regions.ts'
export { cleanGoodsName, GOODS_NAME_MAX } from './goods-name.ts'
export {
  checkResponseSignature,
  RESPONSE_SIGN_SCHEMES,
  signResponse,
  type ResponseSignatureCheck,
  type ResponseSignatureMode,
  type ResponseSignScheme,
} from './response-signature.ts'
export {
  isEmptyValue,
  sign,
  signBody,
  stringToSign,
  timingSafeEqualHex,
  verifyBodySignature,
  verifySignature,
  type SignableParams,
  type SignableValue,
  type SignType,
} from './sign.ts'
export {
  DEFAULT_ONLINE_PAY_TYPES,
  isSwipePayType,
  PAY_TYPES,
  payTypeInfo,
  SEED_PAY_TYPES,
  type PayTypeFlow,
  type PayTypeInfo,
  type PayTypeReturns,
  type PayTypeWallet,
} from './pay-types.ts'
export {
  describeRespcd,
  isCancelUnsupported,
  isOrderClosedRespcd,
  isOrderMissingRespcd,
  isOrderPaidRespcd,
  isParameterRefusedRespcd,
  isPendingRespcd,
  isRetryableRespcd,
  isReusedOutTradeNoRespcd,
  isSignatureRefusedRespcd,
  isSuccessRespcd,
  isUnsettledRespcd,
  paymentSuccessMeaning,
  RESPCD,
  respcdOutcome,
  type RespcdClass,
  type RespcdInfo,
  type RespcdOutcome,
} from './respcd.ts'
export { formatTxdtm, isTxdtm, parseTxdtm } from './txdtm.ts'
export type * from './types.ts'
