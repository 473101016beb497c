/**
 * Merchants the sandbox knows: credentials, the one notify URL and one return URL per appcode
 * (QFPay 2017: "one appcode can only correspond to one notify and one return URL"), enabled pay
 * types and accepted currencies.
 */
import { randomBytes } from 'node:crypto'
import { PAY_TYPES } from '../qfpay/pay-types.ts'

/** One merchant as configured by options, flags or env. */
export interface SandboxMerchantOptions {
  /** `X-QF-APPCODE`. Generated (32 upper-case hex) when absent. */
  appcode?: string
  /** The client key. Generated when absent; a given key is never printed or returned. */
  key?: string
  /** Set only for merchants that were issued one; requests must then carry it, and must not otherwise. */
  mchid?: string
  /** Shown on the shopper's phone page. */
  name?: string
  /** Where notifies go (QFPay 2017: configured per appcode by QFPay support). */
  notifyUrl?: string
  /** Where Alipay online payments redirect the browser (one per appcode). */
  returnUrl?: string
  /** Enabled pay types. Default: every 2017 pay type (800207 then answers "not available"). */
  payTypes?: readonly string[]
  /** Accepted `txcurrcd` values. Default: any ISO-4217-shaped code. */
  currencies?: readonly string[]
}

/** A merchant after defaults; `keyGenerated` tells the CLI whether it may print the key. */
export interface SandboxMerchant {
  appcode: string
  key: string
  keyGenerated: boolean
  appcodeGenerated: boolean
  mchid: string | undefined
  name: string
  notifyUrl: string | undefined
  returnUrl: string | undefined
  payTypes: ReadonlySet<string>
  currencies: ReadonlySet<string> | undefined
}

/** What the control API shows of a merchant: everything but the key. */
export interface SandboxMerchantView {
  appcode: string
  mchid?: string
  name: string
  notifyUrl?: string
  returnUrl?: string
  payTypes: string[]
  currencies?: string[]
}

/** The five pay types of QFPay's 2017 document (including 800207, which answers "not available"). */
export const SEED_PAY_TYPE_CODES: readonly string[] = [...PAY_TYPES.values()]
  .filter((t) => t.seed)
  .map((t) => t.code)

/** 32 upper-case hex characters, the shape of published appcodes and keys. */
export function generateCredential(): string {
  return randomBytes(16).toString('hex').toUpperCase()
}

/** Applies defaults and checks a merchant configuration. */
export function createMerchant(options: SandboxMerchantOptions = {}): SandboxMerchant {
  for (const [name, value] of [
    ['notifyUrl', options.notifyUrl],
    ['returnUrl', options.returnUrl],
  ] as const) {
    if (value !== undefined && !isHttpUrl(value))
      throw new TypeError(
        `Failed to configure the sandbox merchant: ${name} must be an absolute http(s) URL.`
      )
  }
  const payTypes = options.payTypes ?? SEED_PAY_TYPE_CODES
  for (const code of payTypes) {
    if (!PAY_TYPES.has(code))
      throw new TypeError(`Failed to configure the sandbox merchant: unknown pay type ${code}.`)
  }
  return {
    appcode: options.appcode || generateCredential(),
    appcodeGenerated: !options.appcode,
    key: options.key || generateCredential(),
    keyGenerated: !options.key,
    mchid: options.mchid || undefined,
    name: options.name ?? 'Sandbox Merchant',
    notifyUrl: options.notifyUrl || undefined,
    returnUrl: options.returnUrl || undefined,
    payTypes: new Set(payTypes),
    currencies: options.currencies
      ? new Set(options.currencies.map((c) => c.toUpperCase()))
      : undefined,
  }
}

/** The key-free view the control API returns. */
export function merchantView(merchant: SandboxMerchant): SandboxMerchantView {
  return {
    appcode: merchant.appcode,
    ...(merchant.mchid ? { mchid: merchant.mchid } : {}),
    name: merchant.name,
    ...(merchant.notifyUrl ? { notifyUrl: merchant.notifyUrl } : {}),
    ...(merchant.returnUrl ? { returnUrl: merchant.returnUrl } : {}),
    payTypes: [...merchant.payTypes],
    ...(merchant.currencies ? { currencies: [...merchant.currencies] } : {}),
  }
}

/** `true` for an absolute http: or https: URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
