/**
 * Loads better-sqlite3, an optional peer dependency: a native addon that compiles on install,
 * which a PostgreSQL or fetch-runtime deployment should not have to build. It is required on
 * first use (`createSqliteStore`, or `createCheckout()` choosing SQLite as its default store),
 * and a missing package or an unbuilt addon becomes one clear error at start-up naming the fix,
 * instead of a 500 on the first checkout.
 *
 * No static `node:` import: `createCheckout` imports this file, and fetch runtimes load that.
 */
import type BetterSqlite3 from 'better-sqlite3'

/** The better-sqlite3 `Database` constructor. */
export type SqliteDriver = typeof BetterSqlite3

/** What a merchant runs to get the driver. */
export const SQLITE_INSTALL = 'npm install better-sqlite3'

let loaded: SqliteDriver | undefined

/**
 * better-sqlite3's constructor, required on first call, its native addon loaded and tried on an
 * in-memory database. Throws an Error that names the install command when either is missing,
 * and one that asks for another store where Node's module loader does not exist (a fetch runtime).
 */
export function loadSqliteDriver(): SqliteDriver {
  if (loaded) return loaded
  const nodeModule = globalThis.process?.getBuiltinModule?.('node:module') as
    typeof import('node:module') | undefined
  if (!nodeModule)
    throw new Error(
      'Failed to open the SQLite store: it needs Node.js (better-sqlite3 is a native addon). ' +
        'Pass a store that runs here, e.g. `store: createPostgresStore(url)` or your own `Store`.'
    )
  let driver: SqliteDriver
  try {
    driver = nodeModule.createRequire(import.meta.url)('better-sqlite3') as SqliteDriver
  } catch (error) {
    if ((error as { code?: unknown })?.code !== 'MODULE_NOT_FOUND') throw error
    throw new Error(
      'Failed to open the SQLite store: better-sqlite3 is not installed (it is an optional ' +
        `peer dependency). Run \`${SQLITE_INSTALL}\`, or pass another store, e.g. ` +
        '`store: createPostgresStore(url)` or QFPAY_STORE=postgres://….',
      { cause: error }
    )
  }
  try {
    new driver(':memory:').close()
  } catch (error) {
    throw new Error(
      'Failed to open the SQLite store: better-sqlite3 is installed but its native addon did ' +
        `not load (${(error as Error).message.split('\n')[0]}). Rebuild it with install scripts ` +
        'allowed: `npm rebuild better-sqlite3` (pnpm: list it under allowBuilds / ' +
        'onlyBuiltDependencies), or pass another store.',
      { cause: error }
    )
  }
  loaded = driver
  return driver
}
