/**
 * What the pay chunk's effects (pay/checkout-effects.ts) get from the controller, in a module of
 * its own in the entry: the controller builds one, the effects read it, and neither side imports
 * the other for its shape. Development warnings are not in it: the effects call warn.ts
 * themselves, behind `DEV`, so production drops the call and its message from the pay chunk.
 */
import type { Api } from './api.ts'
import type { CheckoutEnv } from './checkout-env.ts'
import type { CheckoutInputs } from './checkout-inputs.ts'
import type { Action } from './checkout-machine.ts'

/** The controller's side of an effect: the outside world, the merchant's routes, the inputs. */
export interface EffectDeps {
  env: CheckoutEnv
  api: Api
  /** The element's inputs, read when an effect needs them (not copied when it starts). */
  inputs: () => CheckoutInputs
  /** Feed an action to the machine; the only way an effect changes the state. */
  dispatch: (action: Action) => void
}
