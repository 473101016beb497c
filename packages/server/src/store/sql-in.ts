/**
 * SQL `IN (…)` lists built from the model's status sets, so a query that asks "is it paid?"
 * cannot drift from the code that asks the same (`model/status.ts`). The values are the
 * model's own literals (no input reaches them), quoted as SQL strings.
 */
import { PAID_STATUSES } from '../model/status.ts'

/** `('a', 'b')` for a list of plain identifiers-like literals. Throws on anything else. */
export function sqlInList(values: readonly string[]): string {
  for (const v of values)
    if (!/^[a-z_]+$/.test(v))
      throw new TypeError(`Failed to build SQL list: "${v}" is not a status.`)
  return `(${values.map((v) => `'${v}'`).join(', ')})`
}

/** `PAID_STATUSES` as an SQL list: `('paid', 'partially_refunded', 'refunded')`. */
export const PAID_IN = sqlInList(PAID_STATUSES)
