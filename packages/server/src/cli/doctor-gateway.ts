/**
 * The gateway check of `qfpay-checkout doctor`: one signed `/query` for an order number that
 * cannot exist, over a window in the past (nothing moves money), which shows whether the host
 * answers, whether it accepts our request signature, and how it signs its answers.
 */
import { randomBytes } from 'node:crypto'
import type { GatewayConfig } from '../checkout/gateway-config.ts'
import { createQfpayClient } from '../qfpay/client.ts'
import { isQfpayError } from '../qfpay/errors.ts'
import { isSignatureRefusedRespcd } from '../qfpay/respcd.ts'
import type { CheckResult, DoctorInput } from './doctor-checks.ts'

const DAY_MS = 24 * 60 * 60 * 1000

/** A signed `/query` over yesterday: signing, host, credentials and the response signature. */
export async function checkGateway(input: DoctorInput): Promise<CheckResult[]> {
  const { gateway } = input
  if (gateway.baseUrl === undefined)
    return [
      {
        name: 'gateway',
        status: 'fail',
        detail: 'no gateway to call: QFPAY_ENV is local and QFPAY_BASE_URL is not set',
        fix: 'set QFPAY_ENV=live or test with QFPAY_APPCODE and QFPAY_KEY (or QFPAY_BASE_URL for a standalone sandbox)',
      },
    ]
  let mismatch: Record<string, unknown> | undefined
  const client = createQfpayClient({
    appcode: gateway.appcode,
    key: gateway.key,
    ...(gateway.mchid ? { mchid: gateway.mchid } : {}),
    baseUrl: gateway.baseUrl,
    signType: gateway.signType,
    responseSignature: gateway.responseSignature === 'off' ? 'off' : 'verify',
    timeoutMs: 15_000,
    fetch: input.fetch,
    logger: { error: (_message, fields) => void (mismatch = fields) },
  })
  const end = new Date(input.now().getTime() - DAY_MS)
  const probe = `DOCTOR${randomBytes(12).toString('hex')}`
  let result
  try {
    result = await client.query({
      out_trade_no: probe,
      start_time: new Date(end.getTime() - DAY_MS),
      end_time: end,
      page_size: 1,
    })
  } catch (error) {
    return [gatewayFailure(error, gateway)]
  }
  const signing: CheckResult = {
    name: 'request signature',
    status: 'pass',
    detail: `${gateway.baseUrl} accepted a ${gateway.signType}-signed /query (app code ${gateway.appcode.slice(0, 4)}…)`,
  }
  const response: CheckResult =
    result.signature === 'verified'
      ? {
          name: 'response signature',
          status: 'pass',
          detail: `answers are signed and verify (${result.signatureScheme})`,
        }
      : result.signature === 'absent'
        ? {
            name: 'response signature',
            status: gateway.responseSignature === 'require' ? 'fail' : 'warn',
            detail: 'answers carry no X-QF-SIGN: there is nothing to verify',
            fix: "keep responseSignature 'verify' (the default); 'require' would refuse every answer",
          }
        : result.signature === 'unchecked'
          ? { name: 'response signature', status: 'skip', detail: "responseSignature is 'off'" }
          : {
              name: 'response signature',
              status: gateway.responseSignature === 'require' ? 'fail' : 'warn',
              detail: `answers are signed in no scheme tried (${String(mismatch?.['tried'] ?? '')}; X-QF-SIGNTYPE ${String(mismatch?.['signType'] ?? 'absent')})`,
              fix: "check QFPAY_KEY; if it is right, this host signs another way: keep 'verify' (logs once) or set QFPAY_RESPONSE_SIGNATURE=off",
            }
  return [signing, response]
}

function gatewayFailure(error: unknown, gateway: GatewayConfig): CheckResult {
  const name = 'request signature'
  if (isQfpayError(error, 'qfpay_api_error')) {
    const respcd = error.respcd
    if (isSignatureRefusedRespcd(respcd))
      return {
        name,
        status: 'fail',
        detail: `${gateway.baseUrl} refused the signature (1108)`,
        fix: 'QFPAY_KEY must be the client key of this app code, for this country; QFPAY_SIGN_TYPE must be what QFPay enabled (MD5 unless told SHA256)',
      }
    return {
      name,
      status: 'fail',
      detail: `${gateway.baseUrl} answered ${respcd}: ${error.message}`,
      fix: 'check QFPAY_APPCODE, and QFPAY_MCHID (send it only if QFPay issued one)',
    }
  }
  if (isQfpayError(error, 'qfpay_response_error'))
    return {
      name,
      status: 'fail',
      detail: error.message,
      fix: "if the answer's signature is the problem, set QFPAY_RESPONSE_SIGNATURE=verify; otherwise check QFPAY_BASE_URL",
    }
  return {
    name,
    status: 'fail',
    detail: `could not reach ${gateway.baseUrl}: ${error instanceof Error ? error.message : String(error)}`,
    fix: 'check QFPAY_ENV and QFPAY_REGION (credentials are per country), QFPAY_BASE_URL, and outbound HTTPS from this machine',
  }
}
