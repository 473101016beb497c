/**
 * Reading a `/trade/v1` request as the gateway does (docs/qfpay-protocol.md#signing): form-decode the body
 * (or the query string of a GET close/reversal), find the merchant by `X-QF-APPCODE`, verify
 * `X-QF-SIGN` over the decoded values (MD5 or SHA-256, any hex case, empty values dropped or
 * kept), then the `mchid` rule. Field checks for the handlers live here too.
 */
import type { Context } from 'hono'
import { verifySignature, type SignType } from '../qfpay/sign.ts'
import { isTxdtm } from '../qfpay/txdtm.ts'
import { OUT_TRADE_NO_PATTERN } from '../qfpay/out-trade-no.ts'
import { fieldError, GatewayError } from './gateway-error.ts'
import type { SandboxMerchant } from './merchants.ts'

/** Decoded form fields; a null-prototype object so no field name can reach Object.prototype. */
export type FormFields = Record<string, string>

/** A request whose signature checked out. */
export interface TradeRequest {
  merchant: SandboxMerchant
  params: FormFields
  signType: SignType
}

const FORM_TYPE = 'application/x-www-form-urlencoded'

/**
 * Strict `application/x-www-form-urlencoded` decoding: invalid UTF-8 or percent-encoding is a
 * format error (1103) rather than a silently mangled value that would then fail the signature
 * with a misleading 1108. A field given twice is ambiguous to sign, so it is refused (1104).
 */
export function parseForm(bytes: Uint8Array): FormFields {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new GatewayError('1103', 'malformed form body: not valid UTF-8')
  }
  const fields: FormFields = Object.create(null) as FormFields
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const [rawName, rawValue] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]
    let name: string
    let value: string
    try {
      name = decodeURIComponent(rawName.replaceAll('+', ' '))
      value = decodeURIComponent(rawValue.replaceAll('+', ' '))
    } catch {
      throw new GatewayError(
        '1103',
        `malformed form body: bad percent-encoding near "${rawName.slice(0, 40)}"`
      )
    }
    if (name === '') throw new GatewayError('1103', 'malformed form body: a field without a name')
    if (Object.hasOwn(fields, name)) throw fieldError(name, 'is given more than once')
    fields[name] = value
  }
  return fields
}

/** Reads, authenticates and returns the request, or throws a `GatewayError`. */
export async function readTradeRequest(
  c: Context,
  merchants: ReadonlyMap<string, SandboxMerchant>
): Promise<TradeRequest> {
  let params: FormFields
  if (c.req.method === 'GET') {
    params = parseForm(new TextEncoder().encode(new URL(c.req.url).search.slice(1)))
  } else {
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (bytes.length > 0 && type !== FORM_TYPE) {
      throw new GatewayError('1103', `Content-Type must be ${FORM_TYPE}, not ${type || 'missing'}`)
    }
    params = parseForm(bytes)
  }
  // An unknown appcode is an authentication failure: the gateway answers its signature error.
  const appcode = c.req.header('x-qf-appcode') ?? ''
  const merchant = merchants.get(appcode)
  if (!merchant)
    throw new GatewayError(
      '1108',
      appcode ? 'unknown X-QF-APPCODE' : 'X-QF-APPCODE header is missing'
    )
  const rawType = (c.req.header('x-qf-signtype') ?? '').trim().toUpperCase()
  if (rawType !== '' && rawType !== 'MD5' && rawType !== 'SHA256')
    throw new GatewayError('1108', 'X-QF-SIGNTYPE must be MD5 or SHA256')
  const signType: SignType = rawType === 'SHA256' ? 'SHA256' : 'MD5'
  const signature = (c.req.header('x-qf-sign') ?? '').trim()
  if (!signature) throw new GatewayError('1108', 'X-QF-SIGN header is missing')
  // Empty values: dropped by the current rule, kept by the 2016 worked example; accept both.
  if (
    !(await verifySignature(params, merchant.key, signature, signType, {
      acceptEmptyIncluded: true,
    }))
  ) {
    throw new GatewayError(
      '1108',
      `signature mismatch (${signType} over the sorted, decoded fields + key)`
    )
  }
  // mchid only when issued, and then always (current docs); the code is ours (undocumented).
  if (merchant.mchid && params.mchid !== merchant.mchid) {
    throw fieldError(
      'mchid',
      params.mchid ? 'does not match this appcode' : 'is required: this merchant was issued one'
    )
  }
  if (!merchant.mchid && params.mchid !== undefined)
    throw fieldError('mchid', 'must not be sent: this merchant was not issued one')
  return { merchant, params, signType }
}

/** A required field matching `pattern`; 1104 naming the field otherwise. */
export function requireField(
  params: FormFields,
  name: string,
  pattern: RegExp,
  what: string
): string {
  const value = params[name]
  if (value === undefined || value === '') throw fieldError(name, 'is required')
  if (!pattern.test(value)) throw fieldError(name, `must be ${what}`)
  return value
}

/** An optional field: `undefined` when absent or empty, 1104 when malformed. */
export function optionalField(
  params: FormFields,
  name: string,
  pattern: RegExp,
  what: string
): string | undefined {
  const value = params[name]
  if (value === undefined || value === '') return undefined
  if (!pattern.test(value)) throw fieldError(name, `must be ${what}`)
  return value
}

/** Shared patterns, each with the source of its limit. */
export const FIELD = {
  /** Int(11) minor units, positive. */
  txamt: [/^[1-9]\d{0,10}$/, 'a positive integer amount in minor units (at most 11 digits)'],
  /** String(128), ASCII without spaces (2018 guidance: no Chinese or full-width characters). */
  outTradeNo: [OUT_TRADE_NO_PATTERN, '1–128 printable ASCII characters without spaces'],
  syssn: [/^\d{1,40}$/, 'a QFPay transaction number (digits)'],
  udid: [/^[^\x00-\x1f]{1,40}$/, 'at most 40 characters'],
} as const satisfies Record<string, readonly [RegExp, string]>

/** `txdtm` and friends: format only, never compared with the clock. */
export function requireTxdtm(params: FormFields, name = 'txdtm'): string {
  const value = params[name]
  if (value === undefined || value === '') throw fieldError(name, 'is required')
  if (!isTxdtm(value)) throw fieldError(name, 'must be a time as YYYY-MM-DD hh:mm:ss')
  return value
}
