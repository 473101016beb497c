/**
 * A refusal in QFPay's own terms: a `respcd` and a message naming what is wrong. Trade handlers
 * throw it; `routes-trade.ts` renders it as a signed, flat QFPay answer (HTTP 200, as every
 * documented business error is; only rate limiting uses HTTP 429).
 */
import { SandboxError } from './sandbox-error.ts'

export class GatewayError extends SandboxError {
  constructor(
    /** The QFPay return code, e.g. `1104`. */
    readonly respcd: string,
    /** Goes to `respmsg`: says which field or rule, for the developer. */
    message: string
  ) {
    super('gateway_refusal', message)
    this.name = 'GatewayError'
  }
}

/** `1104` for a missing or malformed field, naming it. */
export function fieldError(field: string, problem: string): GatewayError {
  return new GatewayError('1104', `${field} ${problem}`)
}
