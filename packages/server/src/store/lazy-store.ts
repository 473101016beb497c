/**
 * A store that opens itself on first use. `createCheckout()` is synchronous and its default
 * store is SQLite (a native addon) or PostgreSQL (a driver): importing either eagerly would load
 * both on every server, and would break fetch runtimes that have neither, even when the merchant
 * passes a store of their own. The default store is therefore imported only when first needed.
 */
import { type CheckoutChange, type Store, StoreError } from './store.ts'

/**
 * Wraps `open` so that every call waits for the store it resolves to. Change-feed listeners
 * given before the store is open are attached as soon as it is. A store that was never used is
 * never opened, and closing it is a no-op.
 */
export function createLazyStore(open: () => Promise<Store>): Store {
  let opening: Promise<Store> | undefined
  let closed = false
  const ready = (): Promise<Store> => {
    if (closed)
      return Promise.reject(new StoreError('closed', 'Failed to use the store: it is closed.'))
    opening ??= open()
    return opening
  }

  const subscribe = (listener: (change: CheckoutChange) => void): (() => void) => {
    let unsubscribe: (() => void) | undefined
    let cancelled = false
    void ready().then(
      (store) => {
        if (!cancelled) unsubscribe = store.subscribe(listener)
      },
      () => {}
    )
    return () => {
      cancelled = true
      unsubscribe?.()
    }
  }

  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    if (opening) await (await opening).close()
  }

  return new Proxy({} as Store, {
    get(_target, name) {
      if (name === 'subscribe') return subscribe
      if (name === 'close') return close
      if (name === 'then') return undefined // not a thenable: `await store` must not open it
      return async (...args: unknown[]) => {
        const store = (await ready()) as unknown as Record<
          PropertyKey,
          (...a: unknown[]) => unknown
        >
        const method = store[name]
        if (typeof method !== 'function')
          throw new TypeError(`Failed to call the store: it has no method ${String(name)}.`)
        return method.apply(store, args)
      }
    },
  })
}
