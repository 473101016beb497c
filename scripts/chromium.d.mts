/** Chromium's launch flags for every browser suite (as root: `--no-sandbox`; no background networking). */
export declare const CHROMIUM_ARGS: readonly string[]
/** `CHROMIUM_PATH`, else `command -v chromium`, else Debian's path; throws when there is none. */
export declare function chromiumPath(): string
