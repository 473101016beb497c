/**
 * Who may get an existing pending checkout back. `POST /checkouts` for an order that already
 * has a pending checkout would otherwise hand its id (a bearer token for reading, streaming
 * and cancelling it) to anyone who knows the order reference, or cancel it for another pay
 * type. So each checkout the app creates is bound to the browser that created it: the answer
 * sets an HttpOnly cookie holding `id.MAC(id)`, and only a request carrying that claim is given
 * the pending checkout back or may close it for another pay type. Everyone else gets 409
 * without an id and nothing is closed.
 *
 * The MAC key is derived from the QFPay key (HMAC-SHA256, one way), so every instance sharing
 * the key checks claims alike and the key itself never leaves the QFPay client's side.
 */
import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'

/** The cookie that holds a browser's claims. */
export const CLAIM_COOKIE = 'qfpay_claims'
/** How many claims one browser keeps (newest last); a shopper rarely switches more often. */
const MAX_CLAIMS = 8

/** Signs and checks claims. */
export interface CheckoutClaims {
  /** True when the request carries a valid claim for `checkoutId`. */
  holds(c: Context, checkoutId: string): Promise<boolean>
  /** Adds the claim for `checkoutId` to the response's cookie. */
  grant(c: Context, checkoutId: string, maxAgeSeconds: number): Promise<void>
}

/** Creates the claim checker from the merchant's secret key material. */
export function createCheckoutClaims(secret: string): CheckoutClaims {
  const encoder = new TextEncoder()
  const macKey = (async () => {
    const root = await crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign']
    )
    const derived = await crypto.subtle.sign(
      'HMAC',
      root,
      encoder.encode('qfpay-checkout checkout claims v1')
    )
    return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
  })()
  const mac = async (id: string) => {
    const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await macKey, encoder.encode(id)))
    return btoa(String.fromCharCode(...sig.subarray(0, 16)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
  }
  const read = (c: Context) =>
    (getCookie(c, CLAIM_COOKIE) ?? '')
      .split('~')
      .filter((claim) => /^[\w-]{1,64}\.[\w-]{22}$/.test(claim))
  return {
    async holds(c, checkoutId) {
      const expected = `${checkoutId}.${await mac(checkoutId)}`
      return read(c).some((claim) => sameText(claim, expected))
    },
    async grant(c, checkoutId, maxAgeSeconds) {
      const claim = `${checkoutId}.${await mac(checkoutId)}`
      const claims = [...read(c).filter((x) => x !== claim), claim].slice(-MAX_CLAIMS)
      const secure = new URL(c.req.url).protocol === 'https:'
      setCookie(c, CLAIM_COOKIE, claims.join('~'), {
        path: mountPath(c),
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        maxAge: maxAgeSeconds,
      })
    },
  }
}

/** The mount's path (`/qfpay` for `/qfpay/checkouts`), so the cookie goes nowhere else. */
function mountPath(c: Context): string {
  return c.req.path.replace(/\/checkouts(\/.*)?$/, '') || '/'
}

function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
