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

/**
 * A logger that takes the fields object first and the message second, as pino and bunyan do
 * (`logger.info({ checkoutId }, 'paid')`). Recognised by its `child()` and its `levels` or
 * `fields` property.
 */
export interface FieldsFirstLogger {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
  child(bindings: Record<string, unknown>): unknown
}

/** What the `logger` option takes: our `Logger` shape, `console`, or pino/bunyan as they are. */
export type LoggerOption = Logger | FieldsFirstLogger

/**
 * The app's `Logger` over what the merchant passed. pino called our way (`info(message, fields)`)
 * would treat the fields as printf arguments and drop them, so a fields-first logger gets its
 * arguments swapped; the fields arrive as structured properties of the log line. `console` and
 * loggers of our own shape are used as they are.
 */
export function adaptLogger(logger: LoggerOption): Logger {
  if (!isFieldsFirst(logger)) return logger
  const l = logger
  return {
    info: (message, fields) => l.info(fields ?? {}, message),
    warn: (message, fields) => l.warn(fields ?? {}, message),
    error: (message, fields) => l.error(fields ?? {}, message),
  }
}

function isFieldsFirst(logger: LoggerOption): logger is FieldsFirstLogger {
  const l = logger as { child?: unknown; levels?: unknown; fields?: unknown }
  return (
    typeof l.child === 'function' &&
    ((typeof l.levels === 'object' && l.levels !== null) ||
      (typeof l.fields === 'object' && l.fields !== null))
  )
}
