/**
 * What the browser routes accept, and the validators that refuse the rest as `CheckoutError`s
 * (the app's `onError` renders them). Unknown body fields are stripped by zod before a handler
 * sees the data, so a browser-sent `amount` or `url` is never read (docs/decisions.md#the-server-decides-the-amount).
 */
import { zValidator } from '@hono/zod-validator'
import type { Context, MiddlewareHandler, Next } from 'hono'
import { z } from 'zod'
import { CheckoutError } from '../app/errors.ts'

/**
 * The store's checkout id: 18 random bytes in base64url = 24 characters (store/ids.ts
 * `newCheckoutId`; a test keeps the two in step). Anything else cannot be a stored id.
 */
export const CHECKOUT_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/

/** Letters, digits, punctuation and spaces: no control, format, private-use or unpaired surrogate code points, no line breaks. */
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]*$/u

/** A string field whose type error says whether it was missing or of the wrong type. */
const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })

/** `POST {base}/checkouts` body (contract `CreateCheckoutRequest`); unknown keys are stripped. */
export const createCheckoutBody = z.object({
  payType: text().regex(/^\d{6}$/, 'must be a 6-digit pay type code'),
  order: text()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(PRINTABLE, 'must contain printable characters only'),
  authCode: text()
    .regex(/^\d{10,32}$/, 'must be 10 to 32 digits')
    .optional(),
})

/** The validated create body. */
export type CreateCheckoutBody = z.infer<typeof createCheckoutBody>

/**
 * The one 404 for a checkout id, whether it is malformed, well-formed but unknown, or another
 * mount's: the same status and body every time, and the id is not echoed, so probing reveals
 * nothing about which ids exist.
 */
export function checkoutNotFound(): CheckoutError {
  return new CheckoutError(
    'checkout_not_found',
    404,
    'Failed to find the checkout: no checkout has this id.'
  )
}

/**
 * Whether this mount may serve a stored checkout: cashier (swipe-card) checkouts only on a
 * cashier mount, every other checkout only on a public one. Routes answer `checkoutNotFound()`
 * otherwise, after the same store read as for an unknown id, so a public route can neither read
 * nor cancel (reverse) a till's checkout without the cashier mount's `authorize`, and cannot
 * tell that it exists.
 */
export function servedHere(
  record: { mount: string },
  settings: { mode: 'public' | 'cashier' }
): boolean {
  return (record.mount === 'cashier' ? 'cashier' : 'public') === settings.mode
}

/**
 * Route validator for `:id`: a malformed id answers `checkoutNotFound()` without touching the
 * store. Handlers read the id with `c.req.valid('param').id`.
 *
 * @example
 * app.get('/checkouts/:id', validCheckoutId, async (c) => { const { id } = c.req.valid('param') … })
 */
export const validCheckoutId = zValidator(
  'param',
  z.object({ id: z.string().regex(CHECKOUT_ID_PATTERN) }),
  (result) => {
    if (!result.success) throw checkoutNotFound()
  }
)

/** JSON media types, with or without parameters (`application/json; charset=utf-8`, `application/x+json`). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i

function hasBody(c: Context): boolean {
  const length = c.req.header('content-length')
  return c.req.raw.body !== null && (length === undefined || Number(length) > 0)
}

function isJson(c: Context): boolean {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim()
  return JSON_MEDIA_TYPE.test(mediaType)
}

function unsupportedMediaType(): CheckoutError {
  return new CheckoutError(
    'unsupported_media_type',
    415,
    'Failed to read the request: send the body as application/json.'
  )
}

/**
 * Refuses a POST whose body is not declared as JSON (415 `unsupported_media_type`). With
 * `bodyOptional`, an empty body passes (e.g. `POST …/cancel`); a non-empty one must be JSON.
 * Requiring JSON also keeps cross-site HTML forms out: they can only send form or text types.
 */
export function requireJson(options: { bodyOptional?: boolean } = {}): MiddlewareHandler {
  return async function requireJson(c: Context, next: Next) {
    if (options.bodyOptional && !hasBody(c)) return next()
    if (!isJson(c)) throw unsupportedMediaType()
    return next()
  }
}

/**
 * Validates a JSON body with `schema`: 415 `unsupported_media_type` unless the body is declared
 * JSON, 400 `invalid_json` when it does not parse, 400 `invalid_request` naming the first bad
 * field otherwise. Handlers read the stripped data with `c.req.valid('json')`.
 */
export function validateJson<T extends z.ZodType>(schema: T, what: string) {
  const inner = zValidator('json', schema, (result) => {
    if (!result.success) throw invalidRequest(result.error, what)
  })
  const validateJsonBody: typeof inner = async (c, next) => {
    if (!isJson(c)) throw unsupportedMediaType()
    try {
      // Hono caches the parsed body, so the zod validator below does not parse it twice.
      await c.req.json()
    } catch {
      throw new CheckoutError('invalid_json', 400, `Failed to ${what}: the body is not valid JSON.`)
    }
    return inner(c, next)
  }
  return validateJsonBody
}

/** The create route's body validator: `c.req.valid('json')` is a `CreateCheckoutBody`. */
export const validCreateCheckoutBody = validateJson(createCheckoutBody, 'create the checkout')

/** "Failed to <what>: <field> <problem>." for the first issue; the field goes in `error.field`. */
function invalidRequest(
  error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> },
  what: string
): CheckoutError {
  const issue = error.issues[0]
  const field = issue?.path.map(String).join('.') ?? ''
  if (!issue || field === '') {
    return new CheckoutError(
      'invalid_request',
      400,
      `Failed to ${what}: the body must be a JSON object.`
    )
  }
  return new CheckoutError(
    'invalid_request',
    400,
    `Failed to ${what}: ${field} ${issue.message}.`,
    { field }
  )
}
