/**
 * The demo's staff check: a random admin token printed at start. Staff prove it with an
 * `Authorization: Bearer` header (scripts, tests), or sign in once with it and then carry a
 * session cookie (browsers; the cashier element's own requests carry it too). The cookie holds
 * a random session id, never the token: cookies ignore ports, so any other local server the
 * browser visits would otherwise receive the token itself. Sign-out revokes the session on the
 * server. Demo-only: a real shop has real staff accounts.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

/** The cookie the sign-in sets. */
export const ADMIN_COOKIE = 'qfpay_demo_admin'

/** Sessions kept at once; the oldest is revoked first (a demo has a handful of staff tabs). */
const MAX_SESSIONS = 100

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

/** Staff authentication: the token, and the sessions signed in with it. */
export interface StaffAuth {
  /** How a request proved it is staff, if it did. */
  credential(c: Context): 'bearer' | 'cookie' | undefined
  /** Starts a session for a request that gave the right token (sets the cookie). */
  signIn(c: Context, given: string): boolean
  /** Revokes the request's session and clears its cookie. */
  signOut(c: Context): void
}

/** Creates the staff check for `token`. */
export function createStaffAuth(token: string): StaffAuth {
  const sessions = new Set<string>()
  return {
    credential(c) {
      const header = c.req.header('authorization')
      if (header?.startsWith('Bearer ') && sameToken(header.slice(7).trim(), token)) return 'bearer'
      const session = getCookie(c, ADMIN_COOKIE)
      if (session && sessions.has(session)) return 'cookie'
      return undefined
    },
    signIn(c, given) {
      if (!sameToken(given, token)) return false
      const session = randomBytes(32).toString('base64url')
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.values().next().value!)
      sessions.add(session)
      setCookie(c, ADMIN_COOKIE, session, { httpOnly: true, sameSite: 'Strict', path: '/' })
      return true
    },
    signOut(c) {
      const session = getCookie(c, ADMIN_COOKIE)
      if (session) sessions.delete(session)
      deleteCookie(c, ADMIN_COOKIE, { path: '/' })
    },
  }
}
