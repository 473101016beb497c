/**
 * The gateway's answer format: flat JSON in Python `json.dumps` bytes, amounts and times as
 * strings, signed with `X-QF-SIGN` = upper MD5(raw body + key) (QFPay's 2018
 * form, the only one with a worked example; docs/qfpay-protocol.md#response-signatures). Answers before the signature was verified are not signed, so a
 * caller without the key gets no signed bytes.
 */
import { describeRespcd } from '../qfpay/respcd.ts'
import { signBody } from '../qfpay/sign.ts'
import { pyJsonDumps, type PyJsonValue } from './py-json.ts'

/** Builds a gateway response; `key` signs it. */
export function gatewayResponse(
  record: Record<string, PyJsonValue>,
  options: {
    key?: string | undefined
    status?: number
    headers?: Record<string, string>
    truncate?: boolean
  } = {}
): Response {
  let body = pyJsonDumps(record)
  // The malformedJsonRate knob: the gateway did the work, the answer arrives cut short.
  if (options.truncate) body = body.slice(0, Math.max(1, Math.floor(body.length / 2)))
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers }
  if (options.key) headers['X-QF-SIGN'] = signBody(body, options.key)
  return new Response(body, { status: options.status ?? 200, headers })
}

/** A refusal: `respcd`, `resperr` (the code's meaning), `respmsg` (what exactly is wrong). */
export function gatewayError(
  respcd: string,
  respmsg: string,
  options: { key?: string | undefined; status?: number; headers?: Record<string, string> } = {}
): Response {
  return gatewayResponse({ respcd, resperr: describeRespcd(respcd).meaning, respmsg }, options)
}
