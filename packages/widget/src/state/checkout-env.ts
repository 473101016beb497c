/**
 * Everything the controller needs from the outside world, injectable for tests. The defaults
 * read browser globals only when called, so importing this module is safe on a server.
 */

/** Time, injectable so tests never wait on the wall clock. */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(id: unknown): void
}

/** The browser's clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
}

/** The outside world of one widget. */
export interface CheckoutEnv {
  fetch: typeof fetch
  /** Undefined where there is none: the widget polls instead. */
  EventSource: typeof EventSource | undefined
  clock: Clock
  /** Fires `pageshow` and `online`. */
  window: EventTarget
  /** Fires `visibilitychange`; `visibilityState` pauses the live status. */
  document: EventTarget & { readonly visibilityState: DocumentVisibilityState }
  /**
   * Leave the page for the wallet, remembering the checkout so coming back resumes it. Unset:
   * the browser's own (`leaveFor` in pay/checkout-effects.ts, in the pay chunk: first paint never
   * needs it).
   */
  navigate?: (url: string, checkoutId: string) => void
  /** "Phone" = `(pointer: coarse)` and width <= 768 px (docs/decisions.md#what-counts-as-a-phone). */
  isPhone: () => boolean
  /** The `?checkout=` of a return page, if any. */
  checkoutFromUrl: () => string | null
}

/** Phones are at most this wide, CSS px. */
export const PHONE_MAX_WIDTH_PX = 768

/** The real browser. Call only in a browser (the controller does, after its `isServer` guard). */
export function browserEnv(): CheckoutEnv {
  return {
    fetch: (input, init) => fetch(input, init),
    EventSource: typeof EventSource === 'function' ? EventSource : undefined,
    clock: systemClock,
    window,
    document,
    isPhone: () => matchMedia(`(pointer: coarse) and (max-width: ${PHONE_MAX_WIDTH_PX}px)`).matches,
    checkoutFromUrl: () => new URLSearchParams(location.search).get('checkout'),
  }
}
