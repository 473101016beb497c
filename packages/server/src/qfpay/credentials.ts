/**
 * The one rule for what a QFPay app code and client key look like, shared by `createQfpayClient`
 * and the checkout app's configuration so both refuse the same credentials with the same words.
 *
 * Every key QFPay issues is 32 hex characters. A key of another shape is almost always a
 * copy-paste mistake (a trailing newline, quotes, the app code pasted twice), and signing with
 * it would fail every call with `1108` at run time, so it is refused when the client is made.
 */

const KEY_PATTERN = /^[0-9A-Fa-f]{32}$/

/**
 * What is wrong with a client key's shape, as the end of a sentence that names the key
 * ("… is missing or empty"), or `undefined` for a well-formed key. Never repeats the value.
 *
 * @example
 * const problem = keyProblem(process.env.QFPAY_KEY)
 * if (problem) throw new Error(`QFPAY_KEY ${problem}.`)
 */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key === '') return 'is missing or empty'
  if (KEY_PATTERN.test(key)) return undefined
  if (key.trim() !== key) return 'has leading or trailing white space (check how it was loaded)'
  const detail =
    key.length === 32
      ? 'it has characters other than 0–9 and A–F'
      : `it has ${key.length} characters`
  return `must be the 32 hex characters QFPay issued; ${detail}`
}

const APPCODE_PATTERN = /^[0-9A-Za-z]{8,64}$/

/**
 * What is wrong with an app code's shape, as the end of a sentence that names it, or `undefined`
 * for a well-formed one. QFPay's app codes are letters and digits (32 in every code it issues
 * today); anything else is a paste mistake that would fail every call with `1108`.
 *
 * @example
 * const problem = appcodeProblem(process.env.QFPAY_APPCODE)
 * if (problem) throw new Error(`QFPAY_APPCODE ${problem}.`)
 */
export function appcodeProblem(appcode: unknown): string | undefined {
  if (typeof appcode !== 'string' || appcode === '') return 'is missing or empty'
  if (APPCODE_PATTERN.test(appcode)) return undefined
  if (appcode.trim() !== appcode)
    return 'has leading or trailing white space (check how it was loaded)'
  return 'must be 8–64 letters and digits (check for quotes or spaces)'
}
