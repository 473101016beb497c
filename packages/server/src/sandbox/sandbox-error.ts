/**
 * The sandbox's error family: a control operation refused (`SandboxControlError`), a knob out
 * of range (`KnobError`), a trade refused in QFPay's own terms (`GatewayError`, rendered as a
 * signed QFPay answer, never as an HTTP error). One base, recognised by brand like every error
 * family of the package (error-brand.ts).
 */
import { brandError, hasErrorBrand } from '../error-brand.ts'

/** Base class of every error the sandbox throws. */
export class SandboxError extends Error {
  /** A stable snake_case code. */
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
    brandError(this, 'sandbox')
  }
}

/** `true` for any sandbox error, from any copy of the package. */
export function isSandboxError(value: unknown): value is SandboxError {
  return hasErrorBrand(value, 'sandbox')
}
