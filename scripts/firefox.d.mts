/** Firefox preferences for a machine without internet (no update, telemetry, portal checks). */
export declare const FIREFOX_PREFS: Readonly<Record<string, boolean>>
/** `FIREFOX_PATH`, else `firefox-esr` or `firefox` on PATH; throws when there is none. */
export declare function firefoxPath(): string
