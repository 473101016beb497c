/**
 * A signed notify for merchants' own tests: the counterpart of Stripe's
 * `generateTestHeaderString`. The body comes out in the gateway's byte format
 * (Python `json.dumps`, `\uXXXX` escapes) and the header is upper MD5(body + key), so a handler
 * that verifies raw bytes accepts it and one that re-serialises the JSON does not.
 */
import { signBody } from '../qfpay/sign.ts'
import { pyJsonDumps } from '../sandbox/py-json.ts'

/** What to post to the notify route under test. */
export interface SignedTestNotify {
  /** The raw body, exactly as to send it. */
  body: string
  /** The `X-QF-SIGN` value. */
  signature: string
  /** `Content-Type`, `Content-Length` and `X-QF-SIGN`, ready for `fetch`. */
  headers: Record<string, string>
}

/**
 * Formats and signs a notify. Pass the fields (numbers become strings, as QFPay sends every
 * value as a string; `undefined` fields are left out) or an already formatted raw body.
 *
 * @example
 * const { body, headers } = signNotifyForTest({ notify_type: 'payment', syssn, out_trade_no: 'A-1', txamt: 100, respcd: '0000' }, key)
 * await app.request('/qfpay/notify', { method: 'POST', headers, body })
 */
export function signNotifyForTest(
  fields: Readonly<Record<string, string | number | undefined>> | string,
  key: string
): SignedTestNotify {
  const body =
    typeof fields === 'string'
      ? fields
      : pyJsonDumps(
          Object.fromEntries(
            Object.entries(fields).flatMap(([name, value]) =>
              value === undefined ? [] : [[name, String(value)]]
            )
          )
        )
  const signature = signBody(body, key)
  return {
    body,
    signature,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(new TextEncoder().encode(body).byteLength),
      'X-QF-SIGN': signature,
    },
  }
}
