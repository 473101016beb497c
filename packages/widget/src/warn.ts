/**
 * Developer mistakes (no endpoint, an unknown pay type) are told once per code on the
 * console, never thrown into the page. Development only: production builds define
 * `__QFPAY_DEV__` as `false` (vite.config.ts), so the calls and their messages are dropped.
 */
declare const __QFPAY_DEV__: boolean | undefined

/** True unless the build says production (unbuilt sources, tests and `dist/dev/` warn). */
export const DEV: boolean = typeof __QFPAY_DEV__ === 'undefined' || __QFPAY_DEV__

let warned: Set<string> | undefined

/** `console.warn('[qfpay-checkout] …')`, at most once per `code` per page. Guard calls with {@link DEV}. */
export function warnOnce(code: string, message: string): void {
  warned ??= new Set()
  if (warned.has(code)) return
  warned.add(code)
  console.warn(`[qfpay-checkout] ${message}`)
}
