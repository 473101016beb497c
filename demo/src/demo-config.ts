/**
 * The demo's settings from the environment and the command line (README "Demo"):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `SANDBOX_PORT` | 8788 | the local sandbox (`QFPAY_ENV=local` only) |
 * | `PORT` | 8787 | the merchant server |
 * | `DEMO_PORT` | 5173 | the page (Vite) |
 * | `DEMO_HOST` / `--host [addr]` | 127.0.0.1 | where all three listen; `--host` alone picks this machine's LAN address so a phone can scan the QR |
 * | `QFPAY_ENV` | `local` | `local` (alias `sandbox`), `test` or `live` |
 * | `QFPAY_APPCODE`, `QFPAY_KEY`, `QFPAY_MCHID` | generated (local) | credentials; a given key is never printed |
 * | `QFPAY_STORE` | a fresh temporary file | the SQLite store file (kept), or a `postgres://` URL |
 * | `DATABASE_URL` | — | a `postgres://` / `postgresql://` URL: the PostgreSQL store (when `QFPAY_STORE` names no file) |
 * | `SANDBOX_TIME_SCALE` / `--time-scale N` | 1 | the sandbox runs expiry and notify retries N times faster |
 */
import { networkInterfaces } from 'node:os'
import { parseArgs } from 'node:util'
import type { CheckoutEnvironment } from '@qfpay-checkout/server'

/** Environment variables as `process.env` holds them. */
export type EnvSource = Readonly<Record<string, string | undefined>>

/** Where the demo talks to: the project's own sandbox, or QFPay's test or live gateway. */
export type DemoEnvironment = CheckoutEnvironment

/** What {@link readCliConfig} reads from argv and env. */
export interface DemoCliConfig {
  host: string
  ports: { sandbox: number; merchant: number; page: number }
  timeScale: number
}

/** The default ports. */
export const DEFAULT_PORTS = Object.freeze({ sandbox: 8788, merchant: 8787, page: 5173 })

/** `QFPAY_ENV`, with `sandbox` accepted for `local`; unset = `local` (docs/decisions.md#local-is-the-default-environment). */
export function readEnvironment(env: EnvSource): DemoEnvironment {
  const v = env['QFPAY_ENV']?.trim().toLowerCase()
  if (!v || v === 'local' || v === 'sandbox') return 'local'
  if (v === 'live' || v === 'test') return v
  throw new Error(
    `Failed to start the demo: QFPAY_ENV must be local (or sandbox), test or live, not "${env['QFPAY_ENV']}".`
  )
}

/** Reads a port variable; 0 means "any free port". */
export function readPort(env: EnvSource, name: string, fallback: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(
      `Failed to start the demo: ${name} must be a port number from 0 to 65535, not "${raw}".`
    )
  return port
}

/** This machine's first non-internal IPv4 address (what a phone on the same Wi-Fi can reach). */
export function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return undefined
}

/** Reads `--host [addr]` and `--time-scale N` plus the env; `--host` alone means the LAN address. */
export function readCliConfig(argv: readonly string[], env: EnvSource): DemoCliConfig {
  // `--host` may come without a value; parseArgs cannot express an optional value, so it is
  // rewritten to `--host=lan` first.
  const args = argv.map((a, i) =>
    a === '--host' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))
      ? '--host=lan'
      : a
  )
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string' },
      'time-scale': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) throw new HelpRequested()
  let host = values.host ?? env['DEMO_HOST']?.trim() ?? '127.0.0.1'
  if (host === 'lan' || host === '') {
    const lan = lanAddress()
    if (!lan)
      throw new Error(
        'Failed to start the demo: --host found no LAN address on this machine; pass one (--host 192.168.1.20).'
      )
    host = lan
  }
  const timeScale = Number(values['time-scale'] ?? env['SANDBOX_TIME_SCALE'] ?? 1)
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new Error('Failed to start the demo: --time-scale must be a positive number.')
  return {
    host,
    ports: {
      sandbox: readPort(env, 'SANDBOX_PORT', DEFAULT_PORTS.sandbox),
      merchant: readPort(env, 'PORT', DEFAULT_PORTS.merchant),
      page: readPort(env, 'DEMO_PORT', DEFAULT_PORTS.page),
    },
    timeScale,
  }
}

/** `--help` was asked for. */
export class HelpRequested extends Error {
  constructor() {
    super('help')
    this.name = 'HelpRequested'
  }
}

/** The CLI's usage text. */
export const USAGE = `Usage: pnpm demo [--host [address]] [--time-scale N]

Starts the QFPay sandbox (SANDBOX_PORT, 8788), the merchant server (PORT, 8787) and the
shop page (DEMO_PORT, 5173) on 127.0.0.1; Ctrl-C stops all three.

  --host            listen on this machine's LAN address, so a phone on the same network
                    can scan the QR code and open the sandbox's phone page
  --host ADDRESS    listen on ADDRESS (also DEMO_HOST)
  --time-scale N    run sandbox expiry and notify retries N times faster (SANDBOX_TIME_SCALE)

Env: QFPAY_ENV (local | test | live), QFPAY_APPCODE, QFPAY_KEY, QFPAY_MCHID,
     QFPAY_STORE (SQLite file or postgres:// URL), DATABASE_URL (postgres:// URL),
     QFPAY_PUBLIC_URL (test/live: the merchant server's public origin, for QFPay's notifies)`
