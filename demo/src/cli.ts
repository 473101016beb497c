#!/usr/bin/env node
/**
 * `pnpm demo`: starts the sandbox, the merchant server and the shop page, prints where they
 * are, and stops all three on Ctrl-C. See `demo-config.ts` for the variables and flags.
 */
import { HelpRequested, readCliConfig, USAGE } from './demo-config.ts'
import { startDemo, type RunningDemo } from './start-demo.ts'

/** The summary printed once everything listens. Never contains a key the user gave. */
export function describeDemo(demo: RunningDemo, timeScale: number): string {
  const { urls, credentials } = demo
  const where = demo.environment === 'local' ? 'local sandbox' : `QFPay ${demo.environment} gateway`
  return [
    `qfpay-checkout demo, against the ${where}`,
    `  shop:        ${urls.shop}`,
    `  cashier:     ${urls.cashier}`,
    `  console:     ${urls.consoleSignIn}`,
    `  admin token: ${demo.adminToken}   (demo-only; for the console, the cashier and /api/admin)`,
    `  merchant:    ${urls.merchant}   (/qfpay, /qfpay-pos, /api)`,
    ...(urls.sandbox
      ? [
          `  sandbox:     ${urls.sandbox}   (orders: ${urls.sandbox}/__sandbox/orders)`,
          `  sandbox control token: ${demo.sandboxToken}   (POST/PUT /__sandbox/…: Authorization: Bearer <token>)`,
        ]
      : []),
    `  appcode:     ${credentials.appcode}${credentials.generated ? ' (generated)' : ''}`,
    // Only a key the demo generated is shown; a given one stays where the user put it.
    `  key:         ${credentials.key ? `${credentials.key} (generated)` : '(given, not shown)'}`,
    `  store:       ${demo.store.path}${demo.store.temporary ? ' (fresh for this run, deleted on exit; set QFPAY_STORE to keep one)' : ''}`,
    ...(timeScale !== 1
      ? [`  time scale:  ${timeScale}x (sandbox expiry and notify retries)`]
      : []),
    'Press Ctrl-C to stop all three.',
  ].join('\n')
}

async function main(): Promise<void> {
  let config
  try {
    config = readCliConfig(process.argv.slice(2), process.env)
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(USAGE)
      return
    }
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  let demo: RunningDemo
  try {
    demo = await startDemo({
      host: config.host,
      ports: config.ports,
      timeScale: config.timeScale,
      log: (line) => console.log(`[demo] ${line}`),
      viteLogLevel: 'warn',
    })
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
    return
  }
  console.log(describeDemo(demo, config.timeScale))
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping the demo…`)
    // Open connections (event streams, keep-alive) must not hold the exit hostage.
    setTimeout(() => process.exit(0), 5_000).unref()
    demo.stop().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

await main()
