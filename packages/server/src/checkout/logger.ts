/**
 * The logger the checkout app writes to. Merchants pass their own (pino, console, …); every
 * call site passes a message and a plain object of fields, never a secret.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** Writes one JSON line per entry to the console. */
export const consoleLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
}

/** Discards everything; for tests that assert on outcomes rather than logs. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
