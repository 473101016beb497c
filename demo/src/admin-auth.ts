/**
 * The demo's staff check: a random admin token printed at start. Staff prove it with an
 * `Authorization: Bearer` header (scripts, tests) or with the HttpOnly, SameSite=Strict cookie
 * the console's sign-in sets (browsers; the cashier element's own requests carry it too).
 * Demo-only: a real shop has real staff accounts.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'

/** The cookie the sign-in sets. */
export const ADMIN_COOKIE = 'qfpay_demo_admin'

/** 32 hex characters from the OS's random source. */
export function newAdminToken(): string {
  return randomBytes(16).toString('hex')
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** How a request proved it is staff, if it did. */
export function staffCredential(c: Context, token: string): 'bearer' | 'cookie' | undefined {
  const header = c.req.header('authorization')
  if (header?.startsWith('Bearer ') && sameToken(header.slice(7).trim(), token)) return 'bearer'
  if (sameToken(getCookie(c, ADMIN_COOKIE), token)) return 'cookie'
  return undefined
}
