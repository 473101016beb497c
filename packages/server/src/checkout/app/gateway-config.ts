/**
 * Which gateway the checkout app talks to, and with which credentials
 * (docs/decisions.md#local-is-the-default-environment).
 *
 * `QFPAY_ENV` = `live` | `test` | `local` wins over the mere presence of credentials; with
 * nothing set, `local` is the default: the project's own sandbox, in-process, or over HTTP when
 * `QFPAY_BASE_URL` names a standalone one (the demo). `sandbox` is accepted as an
 * alias of `local`. QFPay's own
 * card-only sandbox host is never used.
 */
import { appcodeProblem, keyProblem } from '../../qfpay/credentials.ts'
import {
  isQfpayEnvironment,
  regionBaseUrl,
  regionByName,
  regionNames,
  type QfpayEnvironment,
  type QfpayRegionName,
} from '../../qfpay/regions.ts'
import type { ResponseSignatureMode } from '../../qfpay/response-signature.ts'
import type { SignType } from '../../qfpay/sign.ts'

/** Where the checkout app sends its calls: one of QFPay's hosts, or `local` (the project's sandbox). */
export type CheckoutEnvironment = QfpayEnvironment | 'local'

/** What a merchant may pass instead of (or over) the environment variables. */
export interface GatewayOptions {
  environment?: CheckoutEnvironment | 'sandbox'
  appcode?: string
  key?: string
  mchid?: string
  /** A gateway base URL; for `local`, a standalone sandbox's URL. */
  baseUrl?: string
  signType?: SignType
  /**
   * The country or region of the merchant's credentials, for `live`/`test` (`hk` default; `cn`
   * or `mainland`, `sg`, `th`, `jp`, `ae`, `id`, `eu`). Env `QFPAY_REGION`.
   */
  region?: string
  /**
   * Response signature checks: `verify` (default: a mismatch is logged once and the call goes
   * on), `require`, or `off`. Env `QFPAY_RESPONSE_SIGNATURE`.
   */
  responseSignature?: ResponseSignatureMode
  /**
   * Lets the in-process sandbox run, and serves its phone page and control API under the
   * mount, even where it is refused by default: with `NODE_ENV=production`, or (for the routes)
   * with credentials the merchant gave. Never set it on a server that takes real orders.
   */
  embeddedSandbox?: boolean
}

/** The settled configuration. `key` is a secret: never log or return this object. */
export interface GatewayConfig {
  environment: CheckoutEnvironment
  appcode: string
  key: string
  mchid: string | undefined
  /** `undefined` for `local` without a URL: the app starts an in-process sandbox. */
  baseUrl: string | undefined
  signType: SignType
  /** The region whose hosts `live`/`test` use. */
  region: QfpayRegionName
  responseSignature: ResponseSignatureMode
  /** `true` when `local` made up its own credentials. */
  generatedCredentials: boolean
  /** `true` when the merchant opted in with `embeddedSandbox`. */
  embeddedSandboxAllowed: boolean
}

/** Environment variables, as `process.env` holds them. */
export type EnvSource = Readonly<Record<string, string | undefined>>

/** The process environment where there is one (Node, Bun, Deno with compat); else empty. */
export function processEnv(): EnvSource {
  const proc = (globalThis as { process?: { env?: EnvSource } }).process
  return proc?.env ?? {}
}

/** Reads the options and the environment into one configuration, or throws a clear error. */
export function resolveGatewayConfig(
  options: GatewayOptions = {},
  env: EnvSource = processEnv()
): GatewayConfig {
  const environmentSetting = options.environment ?? env['QFPAY_ENV']
  const environment = readEnvironment(environmentSetting)
  const appcode = options.appcode ?? env['QFPAY_APPCODE']
  const key = options.key ?? env['QFPAY_KEY']
  const mchid = nonEmpty(options.mchid ?? env['QFPAY_MCHID'])
  const baseUrl = nonEmpty(options.baseUrl ?? env['QFPAY_BASE_URL'])
  const signType = readSignType(options.signType ?? env['QFPAY_SIGN_TYPE'])
  const region = readRegion(options.region ?? env['QFPAY_REGION'])
  const responseSignature = readResponseSignature(
    options.responseSignature ?? env['QFPAY_RESPONSE_SIGNATURE']
  )
  const embeddedSandboxAllowed = options.embeddedSandbox === true

  // Real credentials with no environment named are a forgotten QFPAY_ENV, not a wish for the
  // sandbox: running the sandbox would take "payments" that never reach QFPay.
  if (nonEmpty(environmentSetting) === undefined && (nonEmpty(appcode) ?? nonEmpty(key))) {
    throw new Error(
      'Failed to configure QFPay: QFPAY_APPCODE or QFPAY_KEY is set but QFPAY_ENV is not. Set QFPAY_ENV=live (or test) to use QFPay, or QFPAY_ENV=local to run these credentials against the local sandbox.'
    )
  }
  if (
    environment === 'local' &&
    baseUrl === undefined &&
    !embeddedSandboxAllowed &&
    env['NODE_ENV']?.trim() === 'production'
  ) {
    throw new Error(
      'Failed to configure QFPay: NODE_ENV=production never runs the in-process sandbox. Set QFPAY_ENV=live with QFPAY_APPCODE and QFPAY_KEY, or pass embeddedSandbox: true for a demo server that takes no real orders.'
    )
  }

  if (environment === 'local' && appcode === undefined && key === undefined) {
    return {
      environment,
      appcode: randomHex(32),
      key: randomHex(32),
      mchid,
      baseUrl,
      signType,
      region,
      responseSignature,
      generatedCredentials: true,
      embeddedSandboxAllowed,
    }
  }
  checkAppcode(appcode, environment)
  checkKey(key, environment)
  return {
    environment,
    appcode: appcode!,
    key: key!,
    mchid,
    baseUrl: baseUrl ?? (environment === 'local' ? undefined : hostOf(region, environment)),
    signType,
    region,
    responseSignature,
    generatedCredentials: false,
    embeddedSandboxAllowed,
  }
}

function readEnvironment(value: string | undefined): CheckoutEnvironment {
  const v = value?.trim().toLowerCase()
  if (v === undefined || v === '' || v === 'local' || v === 'sandbox') return 'local'
  if (isQfpayEnvironment(v)) return v
  throw new Error(
    `Failed to configure QFPay: QFPAY_ENV must be live, test or local, not "${value}".`
  )
}

function readSignType(value: string | undefined): SignType {
  const v = value?.trim().toUpperCase()
  if (v === undefined || v === '' || v === 'MD5') return 'MD5'
  if (v === 'SHA256' || v === 'SHA-256') return 'SHA256'
  throw new Error('Failed to configure QFPay: the sign type must be MD5 or SHA256.')
}

function readRegion(value: string | undefined): QfpayRegionName {
  if (value === undefined || value.trim() === '') return 'hk'
  const region = regionByName(value)
  if (region === undefined)
    throw new Error(
      `Failed to configure QFPay: QFPAY_REGION must be one of ${regionNames()} (or a country name such as mainland), not "${value}".`
    )
  return region
}

function hostOf(region: QfpayRegionName, environment: QfpayEnvironment): string {
  const host = regionBaseUrl(region, environment)
  if ('url' in host) return host.url
  throw new Error(`Failed to configure QFPay: ${host.error} (QFPAY_BASE_URL).`)
}

function readResponseSignature(value: string | undefined): ResponseSignatureMode {
  const v = value?.trim().toLowerCase()
  if (v === undefined || v === '') return 'verify'
  if (v === 'verify' || v === 'require' || v === 'off') return v
  throw new Error(
    `Failed to configure QFPay: the response signature check must be verify, require or off, not "${value}".`
  )
}

function checkAppcode(appcode: string | undefined, environment: CheckoutEnvironment): void {
  if (appcode === undefined || appcode.trim() === '') {
    throw new Error(
      `Failed to configure QFPay: QFPAY_APPCODE is empty, and the ${environment} environment needs it.`
    )
  }
  const problem = appcodeProblem(appcode)
  if (problem !== undefined) throw new Error(`Failed to configure QFPay: QFPAY_APPCODE ${problem}.`)
}

/** The message never contains the key, only what is wrong with its shape (credentials.ts). */
function checkKey(key: string | undefined, environment: CheckoutEnvironment): void {
  if (key === undefined || key === '') {
    throw new Error(
      `Failed to configure QFPay: QFPAY_KEY is empty, and the ${environment} environment needs it.`
    )
  }
  const problem = keyProblem(key)
  if (problem !== undefined) throw new Error(`Failed to configure QFPay: QFPAY_KEY ${problem}.`)
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim()
  return v ? v : undefined
}

/** Random upper-case hex from WebCrypto, for generated sandbox credentials. */
export function randomHex(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2)))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, length)
    .toUpperCase()
}
