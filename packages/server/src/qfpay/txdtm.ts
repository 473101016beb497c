/**
 * QFPay's `YYYY-MM-DD hh:mm:ss` time format. The gateway reads `txdtm` in Beijing time (UTC+8,
 * the documented default of `txzone`), so it is formatted in UTC+8 whatever the host's time
 * zone. See docs/qfpay-protocol.md#txdtm-and-time-zone.
 */

/** Beijing / Hong Kong time has no daylight saving: a fixed offset is exact. */
const GATEWAY_OFFSET_MS = 8 * 60 * 60 * 1000

const TXDTM_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/

/** Formats an instant as the gateway's local time, e.g. `2024-05-01 10:30:00`. */
export function formatTxdtm(at: Date | number): string {
  const shifted = new Date((typeof at === 'number' ? at : at.getTime()) + GATEWAY_OFFSET_MS)
  return shifted.toISOString().slice(0, 19).replace('T', ' ')
}

/** `true` when a string has the gateway's time format and names a real calendar second. */
export function isTxdtm(value: string): boolean {
  return parseTxdtm(value) !== undefined
}

/** Reads a gateway time (UTC+8) back into an instant; `undefined` when malformed. */
export function parseTxdtm(value: string): Date | undefined {
  const match = TXDTM_PATTERN.exec(value)
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const utc = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(utc)
  // Date.UTC rolls 2024-02-30 over into March; a real calendar second round-trips.
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return undefined
  return new Date(utc - GATEWAY_OFFSET_MS)
}
