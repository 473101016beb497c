/**
 * QFPay pay types as data: which wallet, how the shopper pays, what `/payment` returns, how an
 * unfinished order is cancelled (and which document says so), and the current docs' rules.
 *
 * Sources (cited in full, with dates, in docs/qfpay-protocol.md "Today's gateway"): the seed
 * types from QFPay's `/trade/v1` document of January 2017; the current types from
 * sdk.qfapi.com (2026-02: `paytypes.md`, `alipay-web-payments.md`, `alipay-wap-h5-payments.md`,
 * `wechat-pay-h5.md`, `02-reversal.md`; 2025-08: `02-reversal-cancel.md`).
 *
 * Close or reversal: the sources disagree (the 2025 page reverses WeChat CPM and closes WeChat
 * MPM; the 2026 page does the opposite; both reverse Alipay). The 2017 types keep the 2017 rule
 * (close online, reverse swipe-card), current types follow the 2026 page; every type records
 * its source in `cancelSource`, and the checkout tries the other endpoint once when the gateway
 * calls the first one not applicable (`1104`).
 *
 * @see docs/qfpay-protocol.md#todays-gateway
 */

/** The wallet that takes the money. `other` covers codes the project only knows as data. */
export type PayTypeWallet = 'alipay' | 'wechat' | 'other'

/**
 * How the shopper pays: `qr` shows the pay URL as a QR code (a phone may open it directly),
 * `redirect` sends the browser to it, `code` charges a code scanned from the shopper's wallet,
 * `none` is not payable through this project.
 */
export type PayTypeFlow = 'qr' | 'redirect' | 'code' | 'none'

/** What a successful `/payment` carries for the type. */
export type PayTypeReturns = 'pay_url' | 'qrcode' | 'pay_params' | 'result'

/** One pay type. */
export interface PayTypeInfo {
  code: string
  name: string
  wallet: PayTypeWallet
  flow: PayTypeFlow
  returns: PayTypeReturns
  /** `true` for swipe-card (CPM) types: `0000` from `/payment` means paid, not created. */
  swipe: boolean
  /** The endpoint that cancels an unfinished order (see the file comment). */
  cancelWith: 'close' | 'reversal'
  /** Which document `cancelWith` follows. */
  cancelSource: string
  /** `true` for the five pay types of QFPay's 2017 document, the set this project started from. */
  seed: boolean
  /** `false` when the gateway answers that the type cannot be used (800207: "temporarily not available" in 2017). */
  available: boolean
  /** `true` when `/payment` may carry `expired_time` (today's request-format table). */
  expiredTime: boolean
  /** The only currencies the type takes, when the docs restrict it (HK merchant types: HKD). */
  currencies?: readonly string[]
  /** Extra `/payment` fields the type needs (800212: `extend_info.scene_info`, `spbill_create_ip`). */
  requires?: readonly ('scene_info' | 'spbill_create_ip' | 'sub_openid' | 'openid')[]
  /** How a browser may show it, beyond `flow` (801514: AlipayHK web, QR or iframe only). */
  display?: 'qr-or-iframe'
  /** `true` for types in today's pay-type list (sdk.qfapi.com, 2026-02). */
  current: boolean
}

const SEED = 'QFPay /trade/v1 document (2017-01): close for online, reversal for swipe-card'
const D26_CLOSE = 'sdk.qfapi.com 02-reversal.md (2026-02): close'
const ALIPAY_BOTH =
  'sdk.qfapi.com 02-reversal-cancel.md (2025-08) and 02-reversal.md (2026-02): Alipay reversal'
const WECHAT_ONLINE =
  'sdk.qfapi.com 02-reversal-cancel.md (2025-08): close for WeChat MPM and other online orders (the 2026 page names no H5/JSAPI rule)'

type Row = Omit<PayTypeInfo, 'current' | 'seed' | 'available' | 'swipe'> &
  Partial<Pick<PayTypeInfo, 'current' | 'seed' | 'available' | 'swipe'>>

const HKD = ['HKD'] as const

const rows: Row[] = [
  // The 2017 document's types (it decides their cancel endpoint).
  {
    code: '800151',
    name: 'Alipay pre-order',
    wallet: 'alipay',
    flow: 'qr',
    returns: 'pay_url',
    cancelWith: 'close',
    cancelSource: SEED,
    seed: true,
    current: false,
    expiredTime: false,
  },
  {
    code: '800108',
    name: 'Alipay swipe card',
    wallet: 'alipay',
    flow: 'code',
    returns: 'result',
    swipe: true,
    cancelWith: 'reversal',
    cancelSource: `${SEED}; ${ALIPAY_BOTH}`,
    seed: true,
    expiredTime: false,
  },
  {
    code: '800201',
    name: 'WeChat Pay QR (MPM)',
    wallet: 'wechat',
    flow: 'qr',
    returns: 'qrcode',
    cancelWith: 'close',
    cancelSource: `${SEED}; 2025-08 agrees, 2026-02 says reversal`,
    seed: true,
    expiredTime: true,
  },
  // QFPay 2017: needs a WeChat merchant account and an official account of the same company;
  // "temporarily not available" then. Today: JSAPI inside WeChat, needs the payer's sub_openid.
  {
    code: '800207',
    name: 'WeChat Pay JSAPI (in WeChat)',
    wallet: 'wechat',
    flow: 'none',
    returns: 'pay_params',
    cancelWith: 'close',
    cancelSource: WECHAT_ONLINE,
    seed: true,
    available: false,
    expiredTime: false,
    requires: ['sub_openid'],
  },
  {
    code: '800208',
    name: 'WeChat Pay swipe card',
    wallet: 'wechat',
    flow: 'code',
    returns: 'result',
    swipe: true,
    cancelWith: 'reversal',
    cancelSource: `${SEED}; 2025-08 agrees, 2026-02 says close`,
    seed: true,
    expiredTime: false,
  },
  // Today's online types.
  {
    code: '800101',
    name: 'Alipay QR (MPM, overseas)',
    wallet: 'alipay',
    flow: 'qr',
    returns: 'qrcode',
    cancelWith: 'reversal',
    cancelSource: ALIPAY_BOTH,
    expiredTime: true,
  },
  {
    code: '801501',
    name: 'AlipayHK QR (MPM)',
    wallet: 'alipay',
    flow: 'qr',
    returns: 'qrcode',
    cancelWith: 'reversal',
    cancelSource: ALIPAY_BOTH,
    expiredTime: true,
    currencies: HKD,
  },
  {
    code: '801101',
    name: 'Alipay web (overseas)',
    wallet: 'alipay',
    flow: 'redirect',
    returns: 'pay_url',
    cancelWith: 'reversal',
    cancelSource: ALIPAY_BOTH,
    expiredTime: true,
  },
  // "AlipayHK does not support the native checkout page": shown as a QR (or in an iframe).
  {
    code: '801514',
    name: 'AlipayHK web',
    wallet: 'alipay',
    flow: 'qr',
    returns: 'pay_url',
    cancelWith: 'reversal',
    cancelSource: ALIPAY_BOTH,
    expiredTime: false,
    currencies: HKD,
    display: 'qr-or-iframe',
  },
  {
    code: '801107',
    name: 'Alipay WAP (overseas)',
    wallet: 'alipay',
    flow: 'redirect',
    returns: 'pay_url',
    cancelWith: 'reversal',
    cancelSource: ALIPAY_BOTH,
    expiredTime: true,
  },
  {
    code: '801512',
    name: 'AlipayHK WAP',
    wallet: 'alipay',
    flow: 'redirect',
    returns: 'pay_url',
    cancelWith: 'reversal',
    cancelSource: ALIPAY_BOTH,
    expiredTime: true,
    currencies: HKD,
  },
  // Alipay Service Window H5: needs the payer's Alipay user id (`openid`), so not for a web page.
  {
    code: '800107',
    name: 'Alipay H5 (Service Window)',
    wallet: 'alipay',
    flow: 'none',
    returns: 'pay_params',
    cancelWith: 'reversal',
    cancelSource: ALIPAY_BOTH,
    expiredTime: false,
    requires: ['openid'],
  },
  {
    code: '800212',
    name: 'WeChat Pay H5 (mobile browser)',
    wallet: 'wechat',
    flow: 'redirect',
    returns: 'pay_url',
    cancelWith: 'close',
    cancelSource: WECHAT_ONLINE,
    expiredTime: false,
    requires: ['scene_info', 'spbill_create_ip'],
  },
  // Today's swipe-card types.
  {
    code: '801008',
    name: 'WeChat Pay HK swipe card',
    wallet: 'wechat',
    flow: 'code',
    returns: 'result',
    swipe: true,
    cancelWith: 'close',
    cancelSource: D26_CLOSE,
    expiredTime: false,
    currencies: HKD,
  },
  {
    code: '800008',
    name: 'Any wallet swipe card',
    wallet: 'other',
    flow: 'code',
    returns: 'result',
    swipe: true,
    cancelWith: 'close',
    cancelSource: D26_CLOSE,
    expiredTime: false,
  },
]

const seedTypes: PayTypeInfo[] = []
const currentTypes: PayTypeInfo[] = []
for (const row of rows) {
  const info: PayTypeInfo = {
    swipe: false,
    seed: false,
    available: true,
    current: true,
    ...row,
  }
  ;(info.seed ? seedTypes : currentTypes).push(info)
}

/** Every pay type the project knows, by code. */
export const PAY_TYPES: ReadonlyMap<string, PayTypeInfo> = new Map(
  [...seedTypes, ...currentTypes].map((info) => [info.code, Object.freeze(info)])
)

/** The current online pay types a web checkout can offer (flow `qr` or `redirect`). */
export const CURRENT_ONLINE_PAY_TYPES: readonly string[] = currentTypes
  .filter((t) => t.available && (t.flow === 'qr' || t.flow === 'redirect'))
  .map((t) => t.code)

/** The 2017 pay types that can take money (800207 is excluded: not available). */
export const SEED_PAY_TYPES: readonly string[] = seedTypes
  .filter((t) => t.available)
  .map((t) => t.code)

/**
 * The pay types enabled on the public checkout mount by default.
 * @see docs/decisions.md#the-2017-pay-types-and-what-is-enabled-by-default
 */
export const DEFAULT_ONLINE_PAY_TYPES: readonly string[] = ['800151', '800201']

/** Looks a pay type up; `undefined` for a code the project does not know. */
export function payTypeInfo(code: string): PayTypeInfo | undefined {
  return PAY_TYPES.get(code)
}

/** `true` for swipe-card (CPM) pay types, where `/payment` answers with the final result. */
export function isSwipePayType(code: string): boolean {
  return PAY_TYPES.get(code)?.swipe ?? false
}

/** The endpoint that cancels an unfinished order of this pay type; `/close` for unknown codes. */
export function cancelEndpoint(code: string): 'close' | 'reversal' {
  return PAY_TYPES.get(code)?.cancelWith ?? 'close'
}

/** `true` when `/payment` may carry `expired_time` for this pay type (today's docs). */
export function allowsExpiredTime(code: string): boolean {
  return PAY_TYPES.get(code)?.expiredTime ?? false
}
