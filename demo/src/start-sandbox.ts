/**
 * The local QFPay sandbox as its own HTTP server (docs/decisions.md#local-is-the-default-environment: in the demo,
 * `local` runs the standalone sandbox on SANDBOX_PORT and the merchant server reaches it over
 * HTTP, exactly as it would reach QFPay). It runs in the demo's process so that `startDemo()`
 * can start and stop it programmatically; `pnpm sandbox` runs the same app on its own.
 */
import { createSandbox, type Sandbox } from '@qfpay-checkout/server/sandbox'
import type { EnvSource } from './demo-config.ts'
import { listen } from './listen.ts'

/** Options of {@link startLocalSandbox}. */
export interface LocalSandboxOptions {
  host: string
  /** The address put in URLs (differs from `host` only for 0.0.0.0). */
  publicHost: string
  /** 0 = any free port. */
  port: number
  /** `QFPAY_APPCODE` / `QFPAY_KEY` / `QFPAY_MCHID`; generated when absent. */
  env: EnvSource
  timeScale: number
  notifyUrl: string
  returnUrl: string
}

/** A running sandbox. `key` is for the merchant app only: print it only when `generated`. */
export interface LocalSandbox {
  sandbox: Sandbox
  url: string
  port: number
  appcode: string
  key: string
  /** True when the demo made the credentials up (then they may be printed). */
  generated: boolean
  /** The control API's token (POST/PUT `/__sandbox/…`), printed at start. */
  controlToken: string
  close(): Promise<void>
}

/** Starts the sandbox on `host:port` with one merchant. */
export async function startLocalSandbox(options: LocalSandboxOptions): Promise<LocalSandbox> {
  const server = await listen(options.port, options.host, 'QFPay sandbox')
  const url = `http://${options.publicHost}:${server.port}`
  const appcode = options.env['QFPAY_APPCODE']?.trim() || undefined
  const key = options.env['QFPAY_KEY'] || undefined
  const mchid = options.env['QFPAY_MCHID']?.trim() || undefined
  let sandbox: Sandbox
  try {
    sandbox = createSandbox({
      ...(appcode ? { appcode } : {}),
      ...(key ? { key } : {}),
      ...(mchid ? { mchid } : {}),
      name: 'Tea house (demo)',
      notifyUrl: options.notifyUrl,
      returnUrl: options.returnUrl,
      // Phone-page links name the address a phone can reach, whatever the merchant used.
      publicUrl: url,
      timeScale: options.timeScale,
      onInternalError: (error) =>
        console.error('[sandbox] internal error:', error instanceof Error ? error.message : error),
    })
  } catch (error) {
    await server.close()
    throw error
  }
  server.setHandler((request) => sandbox.fetch(request))
  const view = sandbox.merchants()[0]!
  return {
    sandbox,
    url,
    port: server.port,
    appcode: view.appcode,
    // A given key stays the user's; the sandbox hands back only one it generated.
    key: key ?? sandbox.generated.key!,
    generated: !key,
    controlToken: sandbox.controlToken,
    async close() {
      sandbox.close()
      await server.close()
    },
  }
}
