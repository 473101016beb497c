/** Formats minor units for people: `formatMoney(3800, 'CNY')` → `CN¥38.00`. */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency })
  // The currency's own number of decimals (CNY 2, JPY 0) turns minor units into major ones.
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2
  return format.format(amount / 10 ** digits)
}

/** Parses a major-unit amount typed by a person (`12.5`) into minor units, or undefined. */
export function parseMoney(text: string, currency: string): number | undefined {
  const digits =
    new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(?:\\.\\d{1,${digits}})?$`)
  const t = text.trim()
  if (!pattern.test(t)) return undefined
  const [whole = '0', frac = ''] = t.split('.')
  return Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0')
}
