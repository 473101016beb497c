/**
 * QFPay pay types as data: which wallet, how the shopper pays, what `/payment` returns, and how
 * an unfinished order is cancelled.
 *
 * Sources: the seed pay types come from seed `000_…` (Jan 2017, wins over seed `001_…`); the
 * other codes from the current QFPay pay-type list (qfpay-api.md §4). Seed 000 decides the
 * cancel endpoint: `/close` for online (pre-order) types, `/reversal` for offline (swipe-card)
 * ones; current docs shuffle these per wallet (qfpay-api.md §7.2 table) and are not followed.
 *
 * @see ../../../../../shared/qfpay-api.md §4 and §7.2
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
  /** The endpoint that cancels an unfinished order (seed 000: close online, reverse offline). */
  cancelWith: 'close' | 'reversal'
  /** `true` for the five pay types of the seeds. */
  seed: boolean
  /** `false` when the gateway answers that the type cannot be used (800207, seed 000 iii). */
  available: boolean
}

const seedTypes: PayTypeInfo[] = [
  {
    code: '800151',
    name: 'Alipay pre-order',
    wallet: 'alipay',
    flow: 'qr',
    returns: 'pay_url',
    swipe: false,
    cancelWith: 'close',
    seed: true,
    available: true,
  },
  {
    code: '800108',
    name: 'Alipay swipe card',
    wallet: 'alipay',
    flow: 'code',
    returns: 'result',
    swipe: true,
    cancelWith: 'reversal',
    seed: true,
    available: true,
  },
  {
    code: '800201',
    name: 'WeChat Pay pre-order',
    wallet: 'wechat',
    flow: 'qr',
    returns: 'qrcode',
    swipe: false,
    cancelWith: 'close',
    seed: true,
    available: true,
  },
  // Seed 000 iii: needs a WeChat merchant account and an official account of the same company;
  // "temporarily not available".
  {
    code: '800207',
    name: 'WeChat H5',
    wallet: 'wechat',
    flow: 'none',
    returns: 'pay_params',
    swipe: false,
    cancelWith: 'close',
    seed: true,
    available: false,
  },
  {
    code: '800208',
    name: 'WeChat Pay swipe card',
    wallet: 'wechat',
    flow: 'code',
    returns: 'result',
    swipe: true,
    cancelWith: 'reversal',
    seed: true,
    available: true,
  },
]

// Current codes (qfpay-api.md §4), known as data so the client and sandbox can speak them.
const currentTypes: PayTypeInfo[] = [
  {
    code: '800101',
    name: 'Alipay MPM (overseas)',
    wallet: 'alipay',
    flow: 'qr',
    returns: 'qrcode',
    swipe: false,
    cancelWith: 'close',
    seed: false,
    available: true,
  },
  {
    code: '801501',
    name: 'Alipay MPM (HK)',
    wallet: 'alipay',
    flow: 'qr',
    returns: 'qrcode',
    swipe: false,
    cancelWith: 'close',
    seed: false,
    available: true,
  },
  {
    code: '801101',
    name: 'Alipay online web (overseas)',
    wallet: 'alipay',
    flow: 'redirect',
    returns: 'pay_url',
    swipe: false,
    cancelWith: 'close',
    seed: false,
    available: true,
  },
  {
    code: '801514',
    name: 'Alipay online web (HK)',
    wallet: 'alipay',
    flow: 'redirect',
    returns: 'pay_url',
    swipe: false,
    cancelWith: 'close',
    seed: false,
    available: true,
  },
  {
    code: '801107',
    name: 'Alipay online WAP (overseas)',
    wallet: 'alipay',
    flow: 'redirect',
    returns: 'pay_url',
    swipe: false,
    cancelWith: 'close',
    seed: false,
    available: true,
  },
  {
    code: '801512',
    name: 'Alipay online WAP (HK)',
    wallet: 'alipay',
    flow: 'redirect',
    returns: 'pay_url',
    swipe: false,
    cancelWith: 'close',
    seed: false,
    available: true,
  },
  {
    code: '800212',
    name: 'WeChat Pay H5 (mobile browser)',
    wallet: 'wechat',
    flow: 'redirect',
    returns: 'pay_url',
    swipe: false,
    cancelWith: 'close',
    seed: false,
    available: true,
  },
  {
    code: '801008',
    name: 'WeChat Pay HK swipe card',
    wallet: 'wechat',
    flow: 'code',
    returns: 'result',
    swipe: true,
    cancelWith: 'reversal',
    seed: false,
    available: true,
  },
  {
    code: '800008',
    name: 'Any wallet swipe card',
    wallet: 'other',
    flow: 'code',
    returns: 'result',
    swipe: true,
    cancelWith: 'reversal',
    seed: false,
    available: true,
  },
]

/** Every pay type the project knows, by code. */
export const PAY_TYPES: ReadonlyMap<string, PayTypeInfo> = new Map(
  [...seedTypes, ...currentTypes].map((info) => [info.code, Object.freeze(info)])
)

/** The pay types of seed 000 that can take money (800207 is excluded: not available). */
export const SEED_PAY_TYPES: readonly string[] = seedTypes
  .filter((t) => t.available)
  .map((t) => t.code)

/** The pay types enabled on the public checkout mount by default (design.md §7). */
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

/**
 * The pay types today's docs allow `expired_time` for (sdk.qfapi.com request format and MPM
 * pages, 2026): elsewhere the gateway's own lifetime applies and the field is not sent.
 */
const EXPIRED_TIME_PAY_TYPES: ReadonlySet<string> = new Set([
  '800201',
  '800101',
  '801512',
  '801501',
  '801107',
  '801101',
  '801010',
  '801510',
])

/** `true` when `/payment` may carry `expired_time` for this pay type. */
export function allowsExpiredTime(code: string): boolean {
  return EXPIRED_TIME_PAY_TYPES.has(code)
}
