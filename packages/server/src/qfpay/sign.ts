/**
 * QFPay request and notify signatures.
 *
 * Requests: drop empty values, sort by parameter name in byte order, join
 * the raw (un-URL-encoded) `name=value` pairs with `&`, append the client key with no
 * separator, hash the UTF-8 bytes with MD5 (default) or SHA-256 (`X-QF-SIGNTYPE: SHA256`),
 * hex. Notifies and signed responses: MD5 over the raw body bytes followed by the key.
 *
 * This folder runs on edge runtimes too: no `node:` imports. SHA-256 comes from WebCrypto;
 * MD5, which WebCrypto lacks, from `md5.ts` (pure JavaScript, about as fast as `node:crypto`).
 *
 * Known answers (built for this project; key `0123456789ABCDEF0123456789ABCDEF`):
 * - V1 `expired_time=10&goods_name=Coffee&out_trade_no=ORDER-0001&pay_type=800201&txamt=100&txcurrcd=HKD&txdtm=2024-05-01 10:30:00`
 *   MD5 `44ACA4FCAA9C93EEF120D74522964FBB`
 * - V4 `out_trade_no=ORDER-0001` MD5 `88444595C7D8A7FC824934BECB4C0FF1`
 * - V5 notify body of 378 bytes, MD5(body + key) `38E891D1FEA4D90D076120EE4EA941DD`
 *
 * @see docs/qfpay-protocol.md#signing
 * @see docs/qfpay-protocol.md#notify-verification
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { md5Hex } from './md5.ts'

/** `MD5` is QFPay's default; `SHA256` is announced with the `X-QF-SIGNTYPE` header. */
export type SignType = 'MD5' | 'SHA256'

/** A parameter value as a caller may hold it; numbers are sent in their decimal form. */
export type SignableValue = string | number | bigint | boolean | null | undefined

/** The parameters of one request, by QFPay field name. */
export type SignableParams = Readonly<Record<string, SignableValue>>

const utf8 = new TextEncoder()

/** True when a value is left out of the string to sign (and, by our client, of the body). */
export function isEmptyValue(value: SignableValue): value is null | undefined | '' {
  return value === undefined || value === null || value === ''
}

/**
 * The string QFPay hashes, without the key: non-empty parameters sorted by name in byte order,
 * `name=value` joined by `&`, values raw.
 *
 * `keepEmpty` reproduces the other reading of the 2016 rule (docs/qfpay-protocol.md#signing,
 * "Empty values"): only the sandbox uses it, to accept signatures computed either way.
 */
export function stringToSign(
  params: SignableParams,
  options: { keepEmpty?: boolean } = {}
): string {
  const names = Object.keys(params)
    .filter((name) =>
      options.keepEmpty
        ? params[name] !== undefined && params[name] !== null
        : !isEmptyValue(params[name])
    )
    .sort(compareBytes)
  return names.map((name) => `${name}=${String(params[name] ?? '')}`).join('&')
}

/**
 * Signs request parameters: upper-case hex of MD5 or SHA-256 over `stringToSign(params) + key`.
 *
 * @example
 * await sign({ out_trade_no: 'ORDER-0001' }, '0123456789ABCDEF0123456789ABCDEF')
 * // => '88444595C7D8A7FC824934BECB4C0FF1'
 */
export async function sign(
  params: SignableParams,
  key: string,
  signType: SignType = 'MD5',
  options: { keepEmpty?: boolean } = {}
): Promise<string> {
  return digestHex(utf8.encode(stringToSign(params, options) + key), signType)
}

/**
 * Checks a request signature in constant time, ignoring hex case (QFPay's own samples send
 * both cases for MD5). With `acceptEmptyIncluded`, a signature over the string that keeps
 * empty values is accepted too (sources disagree on whether empty values are signed).
 */
export async function verifySignature(
  params: SignableParams,
  key: string,
  signature: string,
  signType: SignType = 'MD5',
  options: { acceptEmptyIncluded?: boolean } = {}
): Promise<boolean> {
  if (timingSafeEqualHex(await sign(params, key, signType), signature)) return true
  if (!options.acceptEmptyIncluded) return false
  const hasEmpty = Object.values(params).some((value) => value === '')
  return (
    hasEmpty &&
    timingSafeEqualHex(await sign(params, key, signType, { keepEmpty: true }), signature)
  )
}

/**
 * The `X-QF-SIGN` of a notify or of a signed response: upper-case MD5 over the raw body bytes
 * followed by the key's UTF-8 bytes. Pass the body exactly as it travels; a body that was
 * parsed and re-serialised no longer matches (Python's `json.dumps` spacing and `\uXXXX`
 * escapes are part of the signed bytes).
 *
 * @example
 * signBody('{"respcd": "0000"}', key) // 32 upper-case hex characters
 */
export function signBody(rawBody: string | Uint8Array, key: string): string {
  // Body and key are written into one reused scratch buffer (MD5 is synchronous): no copy per
  // part, no allocation per call. UTF-8 needs at most 3 bytes per UTF-16 unit.
  const most = (typeof rawBody === 'string' ? rawBody.length * 3 : rawBody.length) + key.length * 3
  if (scratch.length < most) scratch = new Uint8Array(Math.max(most, scratch.length * 2))
  let used = rawBody.length
  if (typeof rawBody === 'string') used = utf8.encodeInto(rawBody, scratch).written
  else scratch.set(rawBody, 0)
  used += utf8.encodeInto(key, scratch.subarray(used)).written
  return md5Hex(scratch.subarray(0, used))
}

/** {@link signBody}'s buffer, grown to the largest body seen. */
let scratch = new Uint8Array(4_096)

/** Checks a notify or response `X-QF-SIGN` against the raw body, in constant time. */
export function verifyBodySignature(
  rawBody: string | Uint8Array,
  key: string,
  signature: string
): boolean {
  return timingSafeEqualHex(signBody(rawBody, key), signature)
}

/**
 * Compares two hex strings without an early exit, ignoring case. Lengths are public (every
 * signature of one type has the same length), so a length mismatch may return at once.
 */
export function timingSafeEqualHex(expected: string, actual: string): boolean {
  if (typeof actual !== 'string' || expected.length !== actual.length) return false
  let difference = 0
  for (let i = 0; i < expected.length; i++) {
    difference |= lowerHexCode(expected.charCodeAt(i)) ^ lowerHexCode(actual.charCodeAt(i))
  }
  return difference === 0
}

/** Folds A-F to a-f so that case never counts as a difference; other characters stay. */
function lowerHexCode(code: number): number {
  return code >= 65 && code <= 70 ? code + 32 : code
}

async function digestHex(bytes: Uint8Array<ArrayBuffer>, signType: SignType): Promise<string> {
  if (signType === 'MD5') return md5Hex(bytes)
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return bytesToHex(new Uint8Array(digest)).toUpperCase()
}

/** Byte-order (not locale) comparison of ASCII parameter names, as QFPay sorts them. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
