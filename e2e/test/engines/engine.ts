/**
 * An engine-neutral browser tab, for the shopper flows in Firefox and WebKit. playwright-core
 * cannot drive Debian's builds of either, so Firefox goes through puppeteer-core over WebDriver
 * BiDi (firefox.ts) and WebKitGTK's MiniBrowser through webdriverio over WebDriver classic
 * (webkit.ts). The flows need only what both can do: navigate, run a script, click and type
 * like a person, and take a picture.
 */

/** A rectangle of the viewport, CSS px. */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** One tab (one window) of a device. */
export interface Tab {
  /** Navigates and waits for the load event. */
  goto(url: string): Promise<void>
  /**
   * Runs `fn` (a function's source, e.g. `(s) => document.querySelector(s)?.id`) in the page
   * with `args` (JSON) and returns its (awaited) JSON result. Source text, not a function:
   * tsx would name nested functions with a helper the page does not have.
   */
  evaluate<T>(fn: string, ...args: unknown[]): Promise<T>
  /** A real pointer click at a point of the viewport (CSS px). */
  clickAt(x: number, y: number): Promise<void>
  /** One key pressed and released: a character, or `Enter`. */
  press(key: string): Promise<void>
  /** A PNG of a rectangle of the viewport. */
  screenshot(clip: Rect): Promise<Buffer>
}

/** A device to open a tab on: a desktop with a mouse, or a phone-sized one. */
export type Device = 'desktop' | 'phone'

/** A browser engine, its devices and what went wrong in its pages. */
export interface Engine {
  readonly name: EngineName
  /**
   * Whether its phone has a coarse pointer, so the widget's own phone detection can be
   * tested. (WebKitGTK under Xvfb always has a mouse.)
   */
  readonly phoneHasCoarsePointer: boolean
  /** Opens a tab on a device of its own (its own cookies). */
  open(device: Device): Promise<Tab>
  /**
   * Page errors and CSP violations seen so far in every tab (the engine's own reports and
   * {@link WATCH_PAGE}'s); each test asserts there are none.
   */
  problems(): Promise<string[]>
  close(): Promise<void>
}

export type EngineName = 'firefox' | 'webkit'

/** The desktop's viewport, CSS px (the same as the Chromium flows). */
export const DESKTOP_SIZE = { width: 1280, height: 900 }
/** A phone's viewport, CSS px (the Chromium flows' 390 × 844, an iPhone 14). */
export const PHONE_SIZE = { width: 390, height: 844 }

/**
 * Listens, in the page, for what must not happen: uncaught errors, unhandled rejections and CSP
 * violations. Installed after each navigation, so it sees what happens once the page loaded
 * (the engine's own events, where it has them, see the load too).
 */
export const WATCH_PAGE = `() => {
  if (window.__problems) return
  window.__problems = []
  addEventListener('error', (e) => window.__problems.push('page error: ' + e.message))
  addEventListener('unhandledrejection', (e) => window.__problems.push('unhandled rejection: ' + String(e.reason)))
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__problems.push('CSP: ' + e.violatedDirective + ' blocked ' + e.blockedURI))
}`

/** What {@link WATCH_PAGE} saw, and forgets it. */
export const TAKE_PROBLEMS = `() => (window.__problems ?? []).splice(0)`
