/**
 * Numbers, money and durations through `Intl`, in the locale's language.
 */

/** Minor units to a localised currency string: `formatAmount(1234, 'HKD', 'en')` → `HK$12.34`. */
export function formatAmount(minor: number, currency: string, lang: string): string {
  try {
    const digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(minor / 10 ** digits)
  } catch {
    // An unknown currency code: show the number and the code rather than nothing.
    return `${new Intl.NumberFormat(lang).format(minor / 100)} ${currency}`
  }
}

/** A visible countdown, `m:ss`, with the locale's digits. */
export function formatCountdown(ms: number, lang: string): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const two = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false })
  const one = new Intl.NumberFormat(lang, { useGrouping: false })
  return `${one.format(Math.floor(total / 60))}:${two.format(total % 60)}`
}

/**
 * The countdown as announced to screen readers: whole minutes while more than one is left,
 * then 30 and 10 seconds, so the live region speaks a few times, not every second.
 */
export function announcedDuration(ms: number, lang: string): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  const unit = (value: number, name: 'minute' | 'second') =>
    new Intl.NumberFormat(lang, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value)
  if (seconds > 60) return unit(Math.ceil(seconds / 60), 'minute')
  if (seconds > 30) return unit(1, 'minute')
  if (seconds > 10) return unit(30, 'second')
  return unit(10, 'second')
}
