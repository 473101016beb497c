/**
 * The store a checkout app opens itself when the merchant passes none (`QFPAY_STORE`, see
 * docs/architecture.md#the-stores-promises); `close()` closes it again.
 */
import { createLazyStore } from '../../store/lazy-store.ts'
import { loadSqliteDriver } from '../../store/sqlite-driver.ts'
import type { Store } from '../../store/store.ts'
import { processEnv } from './gateway-config.ts'

/**
 * The store when none is given: `QFPAY_STORE` as a PostgreSQL URL, else as a SQLite file. It is
 * imported and opened on first use, so a merchant who passes a store (or runs where neither
 * SQLite nor the PostgreSQL driver loads, such as a fetch runtime) never loads either.
 */
export function defaultStore(clock: () => Date): Store {
  const setting = processEnv()['QFPAY_STORE']?.trim()
  const postgresUrl = setting !== undefined && /^postgres(ql)?:\/\//i.test(setting)
  // SQLite's driver is an optional peer dependency: on Node, a missing or unbuilt one fails
  // here, at start-up, with the install command, not on the first checkout.
  if (!postgresUrl && typeof globalThis.process?.getBuiltinModule === 'function') loadSqliteDriver()
  return createLazyStore(async () => {
    if (postgresUrl) {
      const { createPostgresStore } = await import('../../store/postgres.ts')
      const store = createPostgresStore({ url: setting, clock })
      await store.ready
      return store
    }
    const { createSqliteStore } = await import('../../store/sqlite.ts')
    return createSqliteStore({ filename: setting || './qfpay-checkout.db', clock })
  })
}
