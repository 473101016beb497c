/**
 * Test support: a store that hands every commit of a status change to the test first. The
 * test sees each `transition` call (what it would write), and may hold it open until it says so,
 * or make it fail as a database outage would. Everything else passes straight to the inner store.
 */
import type { Store } from '../../src/store/store.ts'

type TransitionInput = Parameters<Store['transition']>[1]

/** What the test decides for one commit: let it through (after `wait`, if given) or fail it. */
export type CommitDecision = { wait?: Promise<unknown>; fail?: Error }

/** A wrapped store and the commits it has seen. */
export interface GatedStore {
  store: Store
  /** Every `transition` call, in order, as the caller asked for it. */
  commits: { id: string; input: TransitionInput }[]
  /** Decides each commit; default: let it through at once. */
  decide: (input: TransitionInput) => CommitDecision
}

/** Wraps `inner`; set `decide` to hold or fail commits. */
export function gateCommits(inner: Store): GatedStore {
  const gated: GatedStore = {
    store: undefined as unknown as Store,
    commits: [],
    decide: () => ({}),
  }
  gated.store = new Proxy(inner, {
    get(target, name, receiver) {
      if (name !== 'transition') {
        const value = Reflect.get(target, name, receiver) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      }
      return async (id: string, input: TransitionInput) => {
        // Only status changes are gated; a bookkeeping patch passes straight through.
        if (input.status === undefined) return target.transition(id, input)
        gated.commits.push({ id, input })
        const { wait, fail } = gated.decide(input)
        await wait
        if (fail) throw fail
        return target.transition(id, input)
      }
    },
  })
  return gated
}

/** A promise the test resolves by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/**
 * Resolves once every job already queued has run: all pending promise reactions (microtasks)
 * run before the next macrotask. Used to let in-process work reach its next real wait (a held
 * commit, a held gateway answer) before the test looks; never to wait for time to pass.
 */
export function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
