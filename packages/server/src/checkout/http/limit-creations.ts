/**
 * The creation rate limit: every `POST /checkouts` costs the gateway a pre-order, so one client
 * may start at most `http.perClient.checkoutsPerMinute` (default 30). Built on
 * `hono-rate-limiter`'s in-memory window; several server instances each count on their own.
 */
import type { MiddlewareHandler } from 'hono'
import { rateLimiter } from 'hono-rate-limiter'
import type { CheckoutEnv, CheckoutSettings } from '../app/context.ts'
import { CheckoutError } from '../app/errors.ts'

/** The window `checkoutsPerMinute` counts over, in ms. */
const WINDOW_MS = 60_000

/**
 * The bucket of an address. IPv6 hosts usually own a whole /64, so an address is grouped with
 * its /64; an IPv4-mapped IPv6 address counts as its IPv4 address.
 */
export function rateLimitKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return mapped[1]!
  if (!ip.includes(':')) return ip
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::')
  const left = head ? head.split(':') : []
  const right = ip.includes('::') && tail ? tail.split(':') : []
  const groups = ip.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left
  return (
    groups
      .slice(0, 4)
      .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
      .join(':') + '::/64'
  )
}

/**
 * Limits checkout creations per client (`settings.clientIp`, grouped by `rateLimitKey`) to
 * `settings.checkoutsPerMinute` per minute; over it, 429 `rate_limited` with `Retry-After` (seconds).
 * `checkoutsPerMinute: false` turns it off. Every attempt counts, refused ones included, so a flood
 * of bad requests is throttled too.
 */
export function limitCreations(
  settings: CheckoutSettings,
  options: { windowMs?: number } = {}
): MiddlewareHandler<CheckoutEnv> {
  const limit = settings.checkoutsPerMinute
  if (limit === false) {
    return async function limitCreations(_c, next) {
      return next()
    }
  }
  const handler = rateLimiter<CheckoutEnv>({
    windowMs: options.windowMs ?? WINDOW_MS,
    limit,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => rateLimitKey(settings.clientIp(c)),
    handler: () => {
      // The limiter has already set Retry-After on the context; onError keeps it.
      throw new CheckoutError(
        'rate_limited',
        429,
        'Failed to create the checkout: too many attempts from this address. Try again shortly.'
      )
    },
  })
  return async function limitCreations(c, next) {
    return handler(c, next)
  }
}
