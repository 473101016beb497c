/**
 * QFPay's hosts per country or region. Credentials are issued per country and only work on that
 * country's host. Hong Kong is QFPay's own current documentation (sdk.qfapi.com "Environments",
 * 2026-02); the other regions come from the same documentation's March 2024 edition (its
 * "API Environments" table), the last public list of them. See docs/qfpay-protocol.md.
 */

/**
 * QFPay's two hosts per region: `live` (production: real money, settled) and `test` ("live
 * testing": real wallets and real money, not settled; refund test payments the same day). The
 * project's own sandbox is not one of them: it is reached by base URL.
 */
export type QfpayEnvironment = 'live' | 'test'

/** `true` for `live` or `test`. */
export function isQfpayEnvironment(value: unknown): value is QfpayEnvironment {
  return value === 'live' || value === 'test'
}

/** One region: its production host, its live-testing host (real money, not settled), its currency. */
export interface QfpayRegion {
  name: string
  live: string
  /** `undefined` where QFPay lists no test host (Japan). */
  test: string | undefined
  /** The currencies the region's merchants are usually settled in; the first is the norm. */
  currencies: readonly string[]
}

/** Regions by name. `hk` is the default. */
export const QFPAY_REGIONS = {
  hk: {
    name: 'Hong Kong',
    live: 'https://openapi-hk.qfapi.com',
    test: 'https://test-openapi-hk.qfapi.com',
    currencies: ['HKD'],
  },
  cn: {
    name: 'China mainland',
    live: 'https://openapi.qfpay.com',
    test: 'https://openapi-test.qfpay.com',
    currencies: ['CNY'],
  },
  jp: { name: 'Japan', live: 'https://openapi-jp.qfapi.com', test: undefined, currencies: ['JPY'] },
  th: {
    name: 'Thailand',
    live: 'https://openapi-th.qfapi.com',
    test: 'https://test-openapi-th.qfapi.com',
    currencies: ['THB'],
  },
  ae: {
    name: 'Dubai',
    live: 'https://openapi-db.qfapi.com',
    test: 'https://test-openapi-db.qfapi.com',
    currencies: ['AED'],
  },
  sg: {
    name: 'Singapore, Malaysia, Canada, Philippines',
    live: 'https://openapi-sg.qfapi.com',
    test: 'https://test-openapi-sg.qfapi.com',
    currencies: ['SGD', 'MYR', 'CAD', 'PHP'],
  },
  id: {
    name: 'Indonesia',
    live: 'https://openapi-id.qfapi.com',
    test: 'https://test-openapi-id.qfapi.com',
    currencies: ['IDR'],
  },
  eu: {
    name: 'Europe',
    live: 'https://openapi-eur.qfapi.com',
    test: 'https://test-openapi-eur.qfapi.com',
    currencies: ['EUR'],
  },
} as const satisfies Record<string, QfpayRegion>

/** A region's short name. */
export type QfpayRegionName = keyof typeof QFPAY_REGIONS

/** Other spellings people use for the same regions. */
const ALIASES: Record<string, QfpayRegionName> = {
  'hong-kong': 'hk',
  hongkong: 'hk',
  mainland: 'cn',
  china: 'cn',
  japan: 'jp',
  thailand: 'th',
  dubai: 'ae',
  db: 'ae',
  uae: 'ae',
  singapore: 'sg',
  my: 'sg',
  malaysia: 'sg',
  ca: 'sg',
  canada: 'sg',
  ph: 'sg',
  philippines: 'sg',
  indonesia: 'id',
  eur: 'eu',
  europe: 'eu',
}

/** Reads a region name (any case, aliases allowed); `undefined` when it names none. */
export function regionByName(value: string): QfpayRegionName | undefined {
  const v = value.trim().toLowerCase()
  if (Object.hasOwn(QFPAY_REGIONS, v)) return v as QfpayRegionName
  return ALIASES[v]
}

/** Every accepted region name, for error messages. */
export function regionNames(): string {
  return Object.keys(QFPAY_REGIONS).join(', ')
}

/** The base URL of `environment` in `region`, or an error message when there is none. */
export function regionBaseUrl(
  region: QfpayRegionName,
  environment: QfpayEnvironment
): { url: string } | { error: string } {
  const info: QfpayRegion = QFPAY_REGIONS[region]
  const url = environment === 'live' ? info.live : info.test
  return url
    ? { url }
    : { error: `QFPay lists no ${environment} host for ${info.name}; give baseUrl instead` }
}
