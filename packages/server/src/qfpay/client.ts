/**
 * `createQfpayClient`: a typed, framework-free client for QFPay's `/trade/v1` API.
 *
 * What is returned and what is thrown ("throw faults, return outcomes"):
 *
 * | answer | `payment` / `refund` / `close` / `reversal` | `query` |
 * |---|---|---|
 * | `0000` | result, `outcome: 'ok'` | result |
 * | pending (1143, 1145, 1298…) | result, `outcome: 'pending'` — query, do not resend | throws `QfpayApiError` |
 * | declined or state conflict (1201, 1142, 1260…) | result, `outcome: 'declined'` | throws `QfpayApiError` |
 * | request error (1104, 1108, 2011…) | throws `QfpayApiError` | throws `QfpayApiError` |
 * | retryable (1100, 1205…) after every attempt | throws `QfpayApiError` (`retryable: true`) | same |
 * | timeout / network / non-JSON / HTTP error | `QfpayConnectionError` / `QfpayResponseError` | same |
 *
 * `query`'s own `respcd` only says whether the *query* worked; each row carries the
 * transaction's state, so a non-`0000` query answer is always a fault.
 *
 * @see docs/qfpay-protocol.md
 */
import { callGateway, type GatewayAnswer } from './call-gateway.ts'
import { resolveClientOptions, type QfpayClientOptions } from './client-options.ts'
import { errorFromResponse } from './errors.ts'
import {
  cancelFields,
  paymentFields,
  queryFields,
  refundFields,
  type Endpoint,
  type FormFields,
} from './form-params.ts'
import { payTypeInfo } from './pay-types.ts'
import { parseQueryResponse } from './parse-response.ts'
import {
  describeRespcd,
  isCancelUnsupported,
  isSuccessRespcd,
  paymentSuccessMeaning,
  respcdOutcome,
} from './respcd.ts'
import type {
  CancelParams,
  CancelResult,
  PaymentParams,
  PaymentResponse,
  PaymentResult,
  QfpayEnvelope,
  QfpayResult,
  QueryParams,
  QueryResult,
  RefundParams,
  RefundResult,
  VerifiedNotify,
} from './types.ts'
import { verifyNotifyBody } from './verify-notify-body.ts'

/** The client `createQfpayClient` returns. Method names are QFPay's endpoint words. */
export interface QfpayClient {
  /** `POST /trade/v1/payment`: open a pre-order (QR / pay URL) or charge a swipe-card code. */
  payment(params: PaymentParams): Promise<PaymentResult>
  /** `POST /trade/v1/refund`: refund all or part of a paid order, under a new `out_trade_no`. */
  refund(params: RefundParams): Promise<RefundResult>
  /** `POST /trade/v1/close`: cancel an unfinished online (pre-order) order. */
  close(params: CancelParams): Promise<CancelResult>
  /** `POST /trade/v1/reversal`: cancel a swipe-card order whose outcome is unfinished or unknown. */
  reversal(params: CancelParams): Promise<CancelResult>
  /** `POST /trade/v1/query`: read one or many transactions (payments and refunds). */
  query(params?: QueryParams): Promise<QueryResult>
  /** Verifies a notify against its raw body and `X-QF-SIGN`, then reads it (see `verifyNotifyBody`). */
  verifyNotify(
    rawBody: Uint8Array | string,
    signatureHeader: string | null | undefined
  ): VerifiedNotify
}

/**
 * Creates a QFPay client. Options are validated here; a bad option throws at once with a
 * message that never repeats the key.
 *
 * @example
 * const qfpay = createQfpayClient({ appcode: env.QFPAY_APPCODE, key: env.QFPAY_KEY, environment: 'test' })
 * const created = await qfpay.payment({ pay_type: '800201', out_trade_no: 'A-1001', txamt: 1500, txcurrcd: 'HKD' })
 * if (created.status === 'created') showQr(created.response.qrcode)
 * @see docs/qfpay-protocol.md#signing
 * @see docs/qfpay-protocol.md#payment
 */
export function createQfpayClient(options: QfpayClientOptions): QfpayClient {
  const resolved = resolveClientOptions(options)
  const { gateway } = resolved
  const ctx = { mchid: resolved.mchid, now: resolved.now }

  /** Calls a write endpoint and applies the return/throw table above. */
  async function write<R extends QfpayEnvelope>(
    endpoint: Endpoint,
    fields: FormFields
  ): Promise<QfpayResult<R>> {
    const answer = await callGateway(gateway, endpoint, fields)
    const { outcome } = isCancelUnsupported(endpoint, answer.envelope.respcd)
      ? { outcome: 'declined' as const }
      : respcdOutcome(answer.envelope.respcd)
    if (outcome === 'error') throw apiError(endpoint, answer)
    const { respcd, resperr, respmsg } = answer.envelope
    return {
      outcome,
      respcd,
      respcdClass: describeRespcd(respcd).class,
      resperr,
      respmsg,
      response: answer.envelope as R,
      signature: answer.signature,
      ...(answer.signatureScheme ? { signatureScheme: answer.signatureScheme } : {}),
    }
  }

  return Object.freeze({
    async payment(params: PaymentParams): Promise<PaymentResult> {
      const result = await write<PaymentResponse>('payment', paymentFields(params, ctx))
      // A pay type the project does not know is read as swipe-card only when a code was
      // scanned: `auth_code` exists only for CPM, and "created" is the safe reading otherwise
      // (the caller keeps querying rather than shipping goods).
      const swipe = payTypeInfo(params.pay_type)?.swipe ?? Boolean(params.auth_code)
      const status = result.outcome === 'ok' ? paymentSuccessMeaning(swipe) : result.outcome
      return { ...result, status }
    },
    // `async` so that a caller mistake rejects like every other failure instead of throwing synchronously.
    refund: async (params: RefundParams): Promise<RefundResult> =>
      write('refund', refundFields(params, ctx)),
    close: async (params: CancelParams): Promise<CancelResult> =>
      write('close', cancelFields('close', params, ctx)),
    reversal: async (params: CancelParams): Promise<CancelResult> =>
      write('reversal', cancelFields('reversal', params, ctx)),
    async query(params: QueryParams = {}): Promise<QueryResult> {
      const answer = await callGateway(gateway, 'query', queryFields(params, ctx))
      if (!isSuccessRespcd(answer.envelope.respcd)) throw apiError('query', answer)
      const response = parseQueryResponse(answer.envelope, params)
      return {
        rows: response.data,
        page: response.page,
        page_size: response.page_size,
        response,
        signature: answer.signature,
        ...(answer.signatureScheme ? { signatureScheme: answer.signatureScheme } : {}),
      }
    },
    verifyNotify: (
      rawBody: Uint8Array | string,
      signatureHeader: string | null | undefined
    ): VerifiedNotify => verifyNotifyBody(rawBody, signatureHeader, gateway.key),
  })
}

function apiError(endpoint: Endpoint, answer: GatewayAnswer) {
  return errorFromResponse({ endpoint, status: 200, text: '', json: answer.envelope })
}
