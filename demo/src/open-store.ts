/**
 * The merchant server's store: SQLite, in a fresh temporary file per run unless `QFPAY_STORE`
 * names one (which is then kept). `DATABASE_URL` (PostgreSQL) is a later issue; the demo says so
 * rather than silently writing somewhere else.
 */
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
import type { EnvSource } from './demo-config.ts'

/** The store the demo uses. */
export type DemoStore = ReturnType<typeof createSqliteStore>

/** An open store and how to dispose of it. */
export interface OpenedStore {
  store: DemoStore
  /** The SQLite file. */
  path: string
  /** `true` for the per-run temporary file, which `close()` deletes. */
  temporary: boolean
  close(): Promise<void>
}

/** Opens the store the environment asks for. */
export function openDemoStore(env: EnvSource, explicitPath?: string): OpenedStore {
  const databaseUrl = env['DATABASE_URL']?.trim()
  if (databaseUrl) {
    throw new Error(
      'Failed to start the demo: DATABASE_URL is set, but the demo does not support PostgreSQL yet (a later issue). ' +
        'Unset DATABASE_URL to use a fresh SQLite file, or set QFPAY_STORE=./demo.sqlite to keep one.'
    )
  }
  const named = explicitPath ?? env['QFPAY_STORE']?.trim()
  const temporary = !named
  const path =
    named || join(tmpdir(), `qfpay-demo-${Date.now()}-${randomBytes(4).toString('hex')}.sqlite`)
  const store = createSqliteStore({ filename: path })
  return {
    store,
    path,
    temporary,
    async close() {
      await store.close()
      if (temporary)
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
    },
  }
}
