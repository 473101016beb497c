/**
 * Realistic identifiers: `syssn` (26 digits, date first; QFPay: "24–26 digits in
 * examples; first 8 digits are the date YYYYMMDD"), wallet transaction numbers and payer ids,
 * and the unguessable token of a phone page.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { formatTxdtm } from '../qfpay/txdtm.ts'

/** Hands out identifiers unique within one sandbox. */
export interface IdSource {
  /** `YYYYMMDD` (gateway time, UTC+8) + 6 digits fixed per sandbox + a 12-digit counter. */
  syssn(now: number): string
  /** 128 random bits, hex: the phone page's path segment (never derived from the order). */
  token(): string
  /** A wallet-side transaction number (`chnlsn`), wallet-shaped. */
  chnlsn(wallet: string, now: number): string
  /** The payer's id at the wallet (`cardcd`): Alipay user id or WeChat openid. */
  cardcd(wallet: string): string
}

/** Creates the id source of one sandbox. The random instance part keeps two sandboxes apart. */
export function createIdSource(): IdSource {
  const instance = String(randomInt(0, 1_000_000)).padStart(6, '0')
  let counter = 0
  const date = (now: number) => formatTxdtm(now).slice(0, 10).replaceAll('-', '')
  const digits = (count: number) => Array.from({ length: count }, () => randomInt(0, 10)).join('')
  return {
    syssn: (now) => `${date(now)}${instance}${String(++counter).padStart(12, '0')}`,
    token: () => randomBytes(16).toString('hex'),
    // WeChat transaction ids start 4200000…, Alipay trade numbers with the date then 2200…
    chnlsn: (wallet, now) =>
      wallet === 'wechat' ? `42000000${date(now)}${digits(12)}` : `${date(now)}2200${digits(16)}`,
    // Alipay user ids are 16 digits starting 2088; WeChat openids 28 characters starting "o".
    cardcd: (wallet) =>
      wallet === 'wechat'
        ? `o${randomBytes(21).toString('base64url').slice(0, 27)}`
        : `2088${digits(12)}`,
  }
}
