/** `xvfb-run` arguments: a free display, a screen big enough for a desktop window, no TCP. */
export declare const XVFB_RUN_ARGS: readonly string[]
/** `MINIBROWSER_PATH`, else MiniBrowser of Debian's webkit2gtk; throws when there is none. */
export declare function miniBrowserPath(): string
/** WebDriver (classic) capabilities for MiniBrowser. */
export declare function miniBrowserCapabilities(extraArgs?: string[]): Record<string, unknown>
/** Starts WebKitWebDriver on a free loopback port (needs DISPLAY: run under xvfb-run). */
export declare function startWebKitDriver(): Promise<{ port: number; stop(): void }>
