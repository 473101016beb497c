/** The launch flags of toolchain.md trap 4. */
export declare const CHROMIUM_ARGS: readonly string[]
/** `CHROMIUM_PATH`, else `command -v chromium`, else Debian's path; throws when there is none. */
export declare function chromiumPath(): string
