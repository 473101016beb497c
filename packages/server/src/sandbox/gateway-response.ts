/**
 * The gateway's answer format: flat JSON in Python `json.dumps` bytes, amounts and times as
 * strings, signed with `X-QF-SIGN` in the scheme the `responseSignature` knob names (default
 * upper MD5(raw body + key), the 2018 form with a published test vector; the `current` profile
 * uses the 2026 docs' sorted-fields form; SHA-256 schemes add `X-QF-SIGNTYPE: SHA256`; `none`
 * leaves answers unsigned). Answers before the signature was verified are not signed, so a
 * caller without the key gets no signed bytes.
 */
import { describeRespcd } from '../qfpay/respcd.ts'
import { signResponse, type ResponseSignScheme } from '../qfpay/response-signature.ts'
import { pyJsonDumps, type PyJsonValue } from './py-json.ts'

/** Builds a gateway response; `key` signs it. */
export function gatewayResponse(
  record: Record<string, PyJsonValue>,
  options: {
    key?: string | undefined
    status?: number
    headers?: Record<string, string>
    truncate?: boolean
    /** How to sign it; default `md5-body`. */
    scheme?: ResponseSignScheme | 'none'
  } = {}
): Response {
  let body = pyJsonDumps(record)
  // The malformedJsonRate knob: the gateway did the work, the answer arrives cut short.
  if (options.truncate) body = body.slice(0, Math.max(1, Math.floor(body.length / 2)))
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers }
  const scheme = options.scheme ?? 'md5-body'
  if (options.key && scheme !== 'none') {
    headers['X-QF-SIGN'] = signResponse(body, options.key, scheme)
    if (scheme.startsWith('sha256')) headers['X-QF-SIGNTYPE'] = 'SHA256'
  }
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
