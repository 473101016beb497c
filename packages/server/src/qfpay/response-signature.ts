/**
 * Response signatures: which schemes a gateway answer's `X-QF-SIGN` may use, and how to tell.
 *
 * QFPay's sources describe two ways to sign an answer, and neither says which host uses which:
 * - `body`: hash over the raw body bytes followed by the key (QFPay's 2018 API reference, the
 *   only recipe with a published test vector, and what notifies use);
 * - `fields`: the `data` fields sorted by name, `name=value` joined by `&`, then the key
 *   (sdk.qfapi.com "Response Format", 2026). For a flat answer (every `/trade/v1` example) the
 *   top-level fields with a text or number value are "the data fields".
 * Each with MD5 (the default) or SHA-256; an answer's `X-QF-SIGNTYPE` names the hash, and when
 * it does, only that hash is tried. Sources: docs/qfpay-protocol.md, "Today's gateway".
 *
 * No `node:` imports (this folder runs on edge runtimes): SHA-256 comes from `@noble/hashes`,
 * MD5 from `md5.ts`.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { md5Hex } from './md5.ts'
import { signBody, stringToSign, timingSafeEqualHex, type SignableParams } from './sign.ts'

/** How an answer's `X-QF-SIGN` was computed. */
export type ResponseSignScheme = 'md5-body' | 'sha256-body' | 'md5-fields' | 'sha256-fields'

/** Every scheme, in the order they are tried when `X-QF-SIGNTYPE` is absent. */
export const RESPONSE_SIGN_SCHEMES: readonly ResponseSignScheme[] = [
  'md5-body',
  'md5-fields',
  'sha256-body',
  'sha256-fields',
]

/**
 * What the client does with response signatures: `verify` (default) checks every signed answer
 * and, on a mismatch, logs once, loudly, and carries on; `require` refuses an answer that is
 * unsigned or does not verify; `off` does not look.
 */
export type ResponseSignatureMode = 'verify' | 'require' | 'off'

/** The result of checking one answer. */
export type ResponseSignatureCheck =
  | { state: 'verified'; scheme: ResponseSignScheme }
  | { state: 'absent' }
  | { state: 'mismatch'; tried: readonly ResponseSignScheme[]; signType: string | null }
  | { state: 'unchecked' }

const utf8 = new TextEncoder()

/** The hash and the input of a scheme. */
function parts(scheme: ResponseSignScheme): { hash: 'MD5' | 'SHA256'; over: 'body' | 'fields' } {
  return {
    hash: scheme.startsWith('md5') ? 'MD5' : 'SHA256',
    over: scheme.endsWith('body') ? 'body' : 'fields',
  }
}

/**
 * The string the `fields` scheme hashes (without the key): the answer's `data` object when it
 * has one, else its top-level fields; only text and number values; sorted, empty values left
 * out, as request signing does. `undefined` when the body is not a JSON object.
 */
export function responseFieldsString(body: string): string | undefined {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined
  const record = json as Record<string, unknown>
  const data = record['data']
  const source =
    typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : record
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(source)) {
    if (typeof value === 'string' || typeof value === 'number') fields[name] = String(value)
  }
  return stringToSign(fields as SignableParams)
}

/** Signs an answer's bytes with a scheme (the sandbox uses it; tests build vectors with it). */
export function signResponse(
  body: string | Uint8Array,
  key: string,
  scheme: ResponseSignScheme
): string {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body)
  const { hash, over } = parts(scheme)
  return hashHex(hash, (over === 'body' ? text : (responseFieldsString(text) ?? text)) + key)
}

function hashHex(hash: 'MD5' | 'SHA256', input: string): string {
  const bytes = utf8.encode(input)
  return hash === 'MD5' ? md5Hex(bytes) : bytesToHex(sha256(bytes)).toUpperCase()
}

/** The schemes to try, given the answer's `X-QF-SIGNTYPE` (absent: all of them). */
export function schemesFor(signType: string | null): readonly ResponseSignScheme[] {
  const named = signType?.trim().toUpperCase().replace('-', '')
  if (named === 'SHA256') return ['sha256-body', 'sha256-fields']
  if (named === 'MD5') return ['md5-body', 'md5-fields']
  return RESPONSE_SIGN_SCHEMES
}

/**
 * Checks an answer's signature against every scheme `X-QF-SIGNTYPE` allows. The body is decoded
 * and its fields string built at most once, however many schemes are tried; MD5 over the body
 * is the notify's own `signBody` over the raw bytes.
 */
export function checkResponseSignature(
  body: Uint8Array,
  key: string,
  signature: string | null,
  signType: string | null
): ResponseSignatureCheck {
  if (signature === null || signature === '') return { state: 'absent' }
  const tried = schemesFor(signType)
  let text: string | undefined
  let fields: string | undefined
  for (const scheme of tried) {
    const { hash, over } = parts(scheme)
    let expected: string
    if (over === 'body' && hash === 'MD5') expected = signBody(body, key)
    else {
      text ??= new TextDecoder().decode(body)
      const input = over === 'body' ? text : (fields ??= responseFieldsString(text) ?? text)
      expected = hashHex(hash, input + key)
    }
    if (timingSafeEqualHex(expected, signature)) return { state: 'verified', scheme }
  }
  return { state: 'mismatch', tried, signType }
}
