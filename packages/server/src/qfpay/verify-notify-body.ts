/**
 * Notify verification: `X-QF-SIGN` = upper-case MD5 over the **raw** body
 * bytes followed by the client key. The body is Python `json.dumps` output (`", "`
 * separators, `\uXXXX` escapes), so a body that went through a JSON parser and back no longer
 * matches; verify before parsing, and parse only what verified.
 *
 * Source choice: the 2017 PHP sample's sorted `k=v` + key for notifies is not
 * followed; every later source uses raw body + key, and vector V5 is built that way.
 *
 * @see docs/qfpay-protocol.md#notify-verification
 */
import { QfpayResponseError, QfpaySignatureError, RAW_BODY_HINT } from './errors.ts'
import { isRecord, parseNotify } from './parse-response.ts'
import { verifyBodySignature } from './sign.ts'
import type { VerifiedNotify } from './types.ts'

/**
 * Verifies a notify's signature over its raw body, then reads it tolerantly.
 *
 * @throws QfpaySignatureError when the header is missing or does not match (nothing is parsed).
 * @throws QfpayResponseError when a correctly signed body is not a JSON object.
 * @example
 * const raw = new Uint8Array(await c.req.arrayBuffer())
 * const { kind, notify } = verifyNotifyBody(raw, c.req.header('X-QF-SIGN'), key)
 * if (kind === 'payment') await markPaid(notify.out_trade_no, notify.txamt)
 * @see docs/qfpay-protocol.md#notify-verification
 */
export function verifyNotifyBody(
  rawBody: Uint8Array | string,
  signatureHeader: string | null | undefined,
  key: string
): VerifiedNotify {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError(
      `Failed to verify notify: pass the raw body as a string or Uint8Array, not parsed JSON. ${RAW_BODY_HINT}`
    )
  }
  const header = typeof signatureHeader === 'string' ? signatureHeader.trim() : ''
  if (header === '') {
    throw new QfpaySignatureError('Failed to verify notify: the X-QF-SIGN header is missing.', {
      header: signatureHeader,
      body: rawBody,
    })
  }
  if (!verifyBodySignature(rawBody, key, header)) {
    throw new QfpaySignatureError(`Failed to verify notify: signature mismatch. ${RAW_BODY_HINT}`, {
      header,
      body: rawBody,
    })
  }
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new QfpayResponseError('Failed to read notify: the signed body is not JSON.', {
      body: text,
    })
  }
  if (!isRecord(json))
    throw new QfpayResponseError('Failed to read notify: the signed body is not a JSON object.', {
      body: text,
    })
  return parseNotify(json)
}
