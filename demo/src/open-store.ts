/**
 * The merchant server's store, chosen from the environment:
 * - a `postgres://` or `postgresql://` URL in `DATABASE_URL` or `QFPAY_STORE` → PostgreSQL (the
 *   store for several instances; schema `qfpay_checkout`, kept). `QFPAY_STORE` wins when both
 *   are set;
 * - otherwise SQLite: the file `QFPAY_STORE` names (kept), or a fresh temporary file per run.
 * A `DATABASE_URL` that is not a PostgreSQL URL is refused with a message rather than ignored.
 */
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Store } from '@qfpay-checkout/server'
import { createPostgresStore } from '@qfpay-checkout/server/stores/postgres'
import { createSqliteStore } from '@qfpay-checkout/server/stores/sqlite'
import type { EnvSource } from './demo-config.ts'

/** The store the demo uses. */
export type DemoStore = Store

/** An open store and how to dispose of it. */
export interface OpenedStore {
  store: DemoStore
  kind: 'sqlite' | 'postgres'
  /** The SQLite file, or the PostgreSQL URL with any password masked. */
  path: string
  /** `true` for the per-run temporary SQLite file, which `close()` deletes. */
  temporary: boolean
  close(): Promise<void>
}

/** Whether `value` is a PostgreSQL connection URL. */
export function isPostgresUrl(value: string | undefined): value is string {
  return value !== undefined && /^postgres(ql)?:\/\//i.test(value)
}

/** The URL for display: `postgres://user:***@host/db`. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://…'
  }
}

/**
 * A fresh, empty file readable by this user only (0600) in a private directory (0700): SQLite
 * keeps the permissions of an existing file and gives its WAL and SHM files the same.
 */
function privateTempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qfpay-demo-'))
  const path = join(dir, 'store.sqlite')
  closeSync(openSync(path, 'wx', 0o600))
  return path
}

/** Opens the store the environment asks for. */
export function openDemoStore(env: EnvSource, explicitPath?: string): OpenedStore {
  const named = explicitPath ?? env['QFPAY_STORE']?.trim()
  const databaseUrl = env['DATABASE_URL']?.trim()
  const url = isPostgresUrl(named) ? named : !named && databaseUrl ? databaseUrl : undefined
  if (url !== undefined) {
    if (!isPostgresUrl(url)) {
      throw new Error(
        'Failed to start the demo: DATABASE_URL is set but is not a postgres:// or postgresql:// URL. ' +
          'Fix it, unset it to use a fresh SQLite file, or set QFPAY_STORE=./demo.sqlite to keep one.'
      )
    }
    const store = createPostgresStore(url)
    return {
      store,
      kind: 'postgres',
      path: maskUrl(url),
      temporary: false,
      close: () => store.close(),
    }
  }
  const temporary = !named
  const path = named || privateTempFile()
  // The file, its WAL and SHM all live in the private directory.
  const remove = () => rmSync(dirname(path), { recursive: true, force: true })
  // Every exit path, including process.exit() from a stop that timed out: the file holds
  // every order of the run and must not outlive it.
  if (temporary) process.once('exit', remove)
  const store = createSqliteStore({ filename: path })
  return {
    store,
    kind: 'sqlite',
    path,
    temporary,
    async close() {
      await store.close()
      if (temporary) {
        remove()
        process.off('exit', remove)
      }
    },
  }
}
