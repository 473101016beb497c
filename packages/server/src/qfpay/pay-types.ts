/**
 * QFPay pay types as data: which wallet, how the shopper pays, what `/payment` returns, and how
 * an unfinished order is cancelled.
 *
 * Sources: the five 2017 pay types (`seed: true`) come from QFPay's `/trade/v1` document of
 * January 2017 (which wins over its December 2016 revision); the other codes from the current
 * QFPay pay-type list. The January 2017 rule decides the cancel endpoint: `/close` for online
 * (pre-order) types, `/reversal` for offline (swipe-card) ones; current docs shuffle these per
 * wallet (and contradict each other) and are not followed.
 *
 * @see docs/qfpay-protocol.md#pay-types
 * @see docs/qfpay-protocol.md#close-and-reversal
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
  /** The endpoint that cancels an unfinished order (2017 rule: close online, reverse offline). */
  cancelWith: 'close' | 'reversal'
  /** `true` for the five pay types of QFPay's 2017 document, the set this project started from. */
  seed: boolean
  /** `false` when the gateway answers that the type cannot be used (800207: "temporarily not available" in 2017). */
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
  // QFPay 2017: needs a WeChat merchant account and an official account of the same company;
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

// Current codes (QFPay's pay-type list), known as data so the client and sandbox can speak them.
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
