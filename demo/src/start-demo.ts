/**
 * `startDemo()`: the demo's three servers in one call: the QFPay sandbox (local environment
 * only), the merchant server and the page. `pnpm demo` (src/cli.ts) and the end-to-end tests
 * both use it; the tests pass port 0 everywhere and get free ports.
 *
 * Every port is bound first and the apps are built afterwards, because each needs the others'
 * final addresses: the sandbox's notify and return URLs name the merchant port, the merchant's
 * allowed origin names the page port, and the page proxies to the merchant port.
 *
 * @example
 * const demo = await startDemo({ ports: { sandbox: 0, merchant: 0, page: 0 }, timeScale: 60 })
 * console.log(demo.urls.shop, demo.adminToken)
 * await demo.stop()
 * @see ../README.md
 */
import type { ViteDevServer } from 'vite'
import { newAdminToken } from './admin-auth.ts'
import {
  DEFAULT_PORTS,
  lanAddress,
  readEnvironment,
  type DemoEnvironment,
  type EnvSource,
} from './demo-config.ts'
import { createHookLog, type HookLog } from './hook-log.ts'
import { listen, type Listening } from './listen.ts'
import { createMerchantApp, type MerchantApp } from './merchant-app.ts'
import { openDemoStore, type OpenedStore } from './open-store.ts'
import { startLocalSandbox, type LocalSandbox } from './start-sandbox.ts'
import { startVite } from './start-vite.ts'

/** Options of {@link startDemo}. */
export interface StartDemoOptions {
  /** Where all three listen. Default 127.0.0.1. */
  host?: string
  /** 0 = any free port. Defaults: sandbox 8788, merchant 8787, page 5173. */
  ports?: Partial<{ sandbox: number; merchant: number; page: number }>
  /** The sandbox runs expiry and notify retries this many times faster. Default 1. */
  timeScale?: number
  /** How long a QR code or pay link lasts, in seconds (300–7200). Default 900. */
  expiresInSeconds?: number
  /** Where QFPAY_* and the store variables are read. Default `process.env`. */
  env?: EnvSource
  /**
   * A SQLite file (kept) or a `postgres://` URL to use; default per `QFPAY_STORE`, then a
   * PostgreSQL `DATABASE_URL`, else a fresh temporary SQLite file.
   */
  storePath?: string
  /** One line per notable event (hooks run, warnings). Default: nothing. */
  log?: (line: string) => void
  /** Vite's own output. Default `warn`. */
  viteLogLevel?: 'info' | 'warn' | 'error' | 'silent'
  /** All three must listen within this, ms. Default 20 000. */
  startTimeoutMs?: number
}

/** A running demo. */
export interface RunningDemo {
  environment: DemoEnvironment
  urls: {
    /** The shop page (Vite). */
    shop: string
    thanks: string
    cashier: string
    console: string
    /** The console with the admin token in the fragment: one click signs in. */
    consoleSignIn: string
    /** The merchant server (the page reaches it through Vite's proxy). */
    merchant: string
    /** The local sandbox; absent for test/live. */
    sandbox?: string
  }
  ports: { page: number; merchant: number; sandbox?: number }
  /** Staff token for the console, the cashier and `/api/admin` (Bearer). Demo-only. */
  adminToken: string
  /** The local sandbox's control token (`Authorization: Bearer` on POST/PUT `/__sandbox/…`). */
  sandboxToken?: string
  /** The merchant credentials in use; `key` only when the demo generated it. */
  credentials: { appcode: string; key?: string; generated: boolean }
  /** The store: SQLite (its file, and whether it is a throwaway one) or PostgreSQL (its URL, password masked). */
  store: { kind: 'sqlite' | 'postgres'; path: string; temporary: boolean }
  /** The `onPaid` hook's record (the e2e tests read it through `/api/admin/hooks` too). */
  hooks: HookLog
  /** Stops all three servers and closes the store; safe to call twice. */
  stop(): Promise<void>
}

/** Starts the demo. Rejects (after stopping whatever had started) if anything fails. */
export async function startDemo(options: StartDemoOptions = {}): Promise<RunningDemo> {
  const env = options.env ?? process.env
  const environment = readEnvironment(env)
  const host = options.host ?? '127.0.0.1'
  // 0.0.0.0 listens everywhere; links must still name one address a browser can reach.
  const publicHost = host === '0.0.0.0' ? (lanAddress() ?? '127.0.0.1') : host
  const ports = { ...DEFAULT_PORTS, ...options.ports }
  const log = options.log ?? (() => {})

  // Cleanups run newest first. One registered after stop() began (a start that outlived its
  // timeout) runs at once, so nothing keeps listening after a failed start.
  const cleanups: (() => Promise<void> | void)[] = []
  let stopped: Promise<void> | undefined
  const runCleanup = async (cleanup: () => Promise<void> | void) => {
    try {
      await cleanup()
    } catch (error) {
      log(`stop: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const track = (cleanup: () => Promise<void> | void) => {
    if (stopped) void runCleanup(cleanup)
    else cleanups.push(cleanup)
  }
  const stop = () =>
    (stopped ??= (async () => {
      for (const cleanup of cleanups.reverse()) await runCleanup(cleanup)
    })())

  const start = async (): Promise<RunningDemo> => {
    const opened: OpenedStore = openDemoStore(env, options.storePath)
    track(() => opened.close())

    const merchantServer: Listening = await listen(ports.merchant, host, 'merchant server')
    track(() => merchantServer.close())
    const merchantUrl = `http://${publicHost}:${merchantServer.port}`

    const vite: { server: ViteDevServer; port: number } = await startVite({
      host,
      port: ports.page,
      merchantUrl,
      logLevel: options.viteLogLevel ?? 'warn',
    })
    track(() => vite.server.close())
    const pageUrl = `http://${publicHost}:${vite.port}`

    let sandbox: LocalSandbox | undefined
    if (environment === 'local') {
      sandbox = await startLocalSandbox({
        host,
        publicHost,
        port: ports.sandbox,
        env,
        timeScale: options.timeScale ?? 1,
        // One notify URL and one return URL per appcode (QFPay 2017), both on the public mount.
        notifyUrl: `${merchantUrl}/qfpay/notify`,
        returnUrl: `${merchantUrl}/qfpay/return`,
      })
      track(() => sandbox!.close())
    }

    const adminToken = newAdminToken()
    const hooks = createHookLog(log)
    const allowedOrigins = [
      ...new Set([pageUrl, `http://127.0.0.1:${vite.port}`, `http://localhost:${vite.port}`]),
    ]
    const app: MerchantApp = createMerchantApp({
      gateway: sandbox
        ? {
            environment: 'local',
            appcode: sandbox.appcode,
            key: sandbox.key,
            baseUrl: sandbox.url,
            ...(env['QFPAY_MCHID'] ? { mchid: env['QFPAY_MCHID'] } : {}),
          }
        : {
            environment,
            appcode: env['QFPAY_APPCODE'],
            key: env['QFPAY_KEY'],
            mchid: env['QFPAY_MCHID'],
            baseUrl: env['QFPAY_BASE_URL'],
          },
      store: opened.store,
      adminToken,
      allowedOrigins,
      // The gateway's notify/return URLs: the sandbox's are configured above; for test/live
      // QFPay needs a public URL (QFPAY_PUBLIC_URL), else only the reconciler learns outcomes.
      publicUrl: env['QFPAY_PUBLIC_URL']?.replace(/\/+$/, '') ?? merchantUrl,
      returnPage: `${pageUrl}/thanks.html`,
      hooks,
      log,
      ...(options.expiresInSeconds ? { expiresInSeconds: options.expiresInSeconds } : {}),
    })
    track(() => app.close())
    merchantServer.setHandler(app.fetch)

    return {
      environment,
      urls: {
        shop: `${pageUrl}/`,
        thanks: `${pageUrl}/thanks.html`,
        cashier: `${pageUrl}/cashier.html`,
        console: `${pageUrl}/console.html`,
        consoleSignIn: `${pageUrl}/console.html#token=${adminToken}`,
        merchant: merchantUrl,
        ...(sandbox ? { sandbox: sandbox.url } : {}),
      },
      ports: {
        page: vite.port,
        merchant: merchantServer.port,
        ...(sandbox ? { sandbox: sandbox.port } : {}),
      },
      adminToken,
      ...(sandbox ? { sandboxToken: sandbox.controlToken } : {}),
      credentials: sandbox
        ? {
            appcode: sandbox.appcode,
            generated: sandbox.generated,
            ...(sandbox.generated ? { key: sandbox.key } : {}),
          }
        : { appcode: env['QFPAY_APPCODE'] ?? '', generated: false },
      store: { kind: opened.kind, path: opened.path, temporary: opened.temporary },
      hooks,
      stop,
    }
  }

  const timeoutMs = options.startTimeoutMs ?? 20_000
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `Failed to start the demo: the servers did not all listen within ${timeoutMs / 1000} s.`
          )
        ),
      timeoutMs
    )
  })
  try {
    return await Promise.race([start(), timeout])
  } catch (error) {
    await stop()
    throw error
  } finally {
    clearTimeout(timer)
  }
}
