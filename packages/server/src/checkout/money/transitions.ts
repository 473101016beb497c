/**
 * Every status change and bookkeeping write of a checkout goes through here: the store's
 * compare-and-set, retried while the row moves under us, so two processes (or a notify racing
 * the reconciler) can never move one payment twice. Each transition also enqueues the outbox
 * entries of the hooks the app has.
 *
 * @see docs/architecture.md#the-checkout-state-machine
 */
import type { CheckoutStatus } from '../../contract.ts'
import { canTransition } from '../../model/status.ts'
import type {
  CheckoutPatch,
  CheckoutRecord,
  NotifyInput,
  OutboxTopic,
  RecordNotifyResult,
  Store,
} from '../../store/store.ts'

/** Compare-and-set retries before giving up on a row that keeps moving under us. */
const CAS_ATTEMPTS = 8

/**
 * An accepted notify to record with the transition it causes (one commit, not two). `result` is
 * set when it was recorded that way; when no transition happened, the caller records it itself.
 */
export interface NotifyCarrier {
  input: NotifyInput
  result?: RecordNotifyResult
}

/** What the transitions are built from. */
export interface CheckoutTransitionsOptions {
  store: Store
  /**
   * The hooks the app has (`onPaid`, `onStatus`): transitions enqueue outbox entries for these
   * only, so a shop without `onStatus` pays no outbox row or completion commit for it.
   * Default: both.
   */
  hooks?: readonly OutboxTopic[]
}

/** Status changes and bookkeeping patches of checkouts, over the store's compare-and-set. */
export class CheckoutTransitions {
  readonly #store: Store
  readonly #hooks: { hooks: readonly OutboxTopic[] } | Record<string, never>

  constructor(options: CheckoutTransitionsOptions) {
    this.#store = options.store
    this.#hooks = options.hooks ? { hooks: options.hooks } : {}
  }

  /**
   * Moves a checkout to `status` unless it already moved somewhere the edge does not allow
   * (then the row as it is now is returned, and the caller reads its status). Retries the
   * compare-and-set when the version moved under us.
   */
  async transitionTo(
    id: string,
    status: CheckoutStatus,
    patch: CheckoutPatch = {},
    options: { notify?: NotifyCarrier; seen?: CheckoutRecord } = {}
  ): Promise<CheckoutRecord | undefined> {
    // A row the caller just read may stand in for the first read: the compare-and-set still
    // guards the write, and a refusal hands back the row as it is. Not when the edge looks
    // wrong (re-read to answer with the row as it is now), nor when the syssn decision below
    // would rest on it (a syssn is bookkeeping: setting one does not bump the version).
    const seen = options.seen
    let hint =
      seen &&
      seen.id === id &&
      seen.status !== status &&
      canTransition(seen.status, status) &&
      (patch.syssn === undefined || seen.syssn !== undefined)
        ? seen
        : undefined
    const notify = options.notify ? { notify: options.notify.input } : {}
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = hint ?? (await this.#store.get(id))
      if (!current) return undefined
      if (current.status === status || !canTransition(current.status, status)) return current
      // A syssn the row already has must not be re-sent as a different one.
      const write = { ...patch }
      if (current.syssn !== undefined && write.syssn !== undefined && write.syssn !== current.syssn)
        delete write.syssn
      const result = await this.#store.transition(id, {
        ...write,
        ...this.#hooks,
        ...notify,
        expectedVersion: current.version,
        status,
      })
      if (result.ok) {
        if (options.notify && result.notify) options.notify.result = result.notify
        return result.checkout
      }
      if (result.reason === 'not_found') return undefined
      // Conflict or illegal edge: the rejection carries the row as it is now; no re-read.
      hint = result.current
    }
    throw new Error(`Failed to move checkout ${id} to ${status}: it kept changing.`)
  }

  /** A bookkeeping patch (no status change), retried on version conflicts. */
  async patch(id: string, patch: CheckoutPatch): Promise<CheckoutRecord | undefined> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.#store.get(id)
      if (!current) return undefined
      const result = await this.#store.transition(id, {
        expectedVersion: current.version,
        ...patch,
      })
      if (result.ok) return result.checkout
      if (result.reason === 'not_found') return undefined
    }
    throw new Error(`Failed to update checkout ${id}: it kept changing.`)
  }
}
