/**
 * Developer mistakes (no endpoint, an unknown pay type) are told once per code on the
 * console, never thrown into the page.
 */
const warned = new Set<string>()

/** `console.warn('[qfpay-checkout] …')`, at most once per `code` per page. */
export function warnOnce(code: string, message: string): void {
  if (warned.has(code)) return
  warned.add(code)
  console.warn(`[qfpay-checkout] ${message}`)
}
