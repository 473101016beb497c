/**
 * The stores' error: a fault (a duplicate key, a closed store, a schema newer than this code),
 * never a race (those are `{ ok: false, reason }` results). Exported from the main entry and
 * from `./stores/sqlite` and `./stores/postgres`, so a merchant's own `Store` can throw it.
 */
import { brandError, hasErrorBrand } from '../error-brand.ts'

/** Every `code` a `StoreError` carries. */
export type StoreErrorCode = 'unique_violation' | 'closed' | 'schema_too_new'

/** A fault the store reports; tell them apart by `code`, through `isStoreError(e, code)`. */
export class StoreError extends Error {
  readonly code: StoreErrorCode

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreError'
    this.code = code
    brandError(this, 'store')
  }
}

/**
 * `true` for a `StoreError` from any copy of the package; with `code`, only for that code.
 *
 * @example
 * catch (error) { if (isStoreError(error, 'closed')) return }
 */
export function isStoreError<C extends StoreErrorCode = StoreErrorCode>(
  value: unknown,
  code?: C
): value is StoreError & { readonly code: C } {
  return (
    hasErrorBrand(value, 'store') && (code === undefined || (value as StoreError).code === code)
  )
}
