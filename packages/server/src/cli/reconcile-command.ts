/**
 * `qfpay-checkout reconcile --date YYYY-MM-DD [--json]`: the daily reconciliation from a shell or
 * a cron job. Reads the gateway and the store from the same environment as the server
 * (`QFPAY_ENV`, `QFPAY_APPCODE`, `QFPAY_KEY`, `QFPAY_MCHID`, `QFPAY_BASE_URL`, `QFPAY_STORE`),
 * prints the table (or the JSON report with `--json`) and exits 0 when QFPay and the store
 * agree, 1 when there were discrepancies (fixed ones included: a lost notify is worth a look),
 * 2 on a usage error or when QFPay or the store could not be read.
 *
 * A payment it fixes gets its `onPaid` entry in the store's outbox; this command never runs
 * hooks itself, so your running server delivers it as it does every other.
 */
import { parseArgs } from 'node:util'
import type { CheckoutApp } from '../checkout/app/create-checkout.ts'
import { formatDayReport } from '../checkout/ops/reconcile-table.ts'

/** Where the command writes, and how it gets the app (tests pass their own). */
export interface CommandIo {
  stdout(text: string): void
  stderr(text: string): void
  /** Builds the app the command runs on; default: `createCheckout()` from the environment. */
  openCheckout?: () => CheckoutApp | Promise<CheckoutApp>
}

export const RECONCILE_USAGE = `Usage: qfpay-checkout reconcile --date YYYY-MM-DD [--json]

Compares QFPay's transactions of one day (UTC+8, as QFPay counts days) with the store.
Payments QFPay has and the store does not are fixed (onPaid is queued for your server).
  --date   the day to reconcile, e.g. 2024-05-01
  --json   print the report as JSON instead of a table
Environment: QFPAY_ENV, QFPAY_APPCODE, QFPAY_KEY, QFPAY_MCHID, QFPAY_BASE_URL, QFPAY_STORE.
Exit: 0 no discrepancies, 1 discrepancies found, 2 usage or connection error.`

/** Runs the subcommand; resolves with the exit code. */
export async function runReconcileCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: { date?: string | undefined; json?: boolean | undefined; help?: boolean | undefined }
  try {
    values = parseArgs({
      args: argv,
      options: {
        date: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${RECONCILE_USAGE}\n`)
    return 2
  }
  if (values.help) {
    io.stdout(`${RECONCILE_USAGE}\n`)
    return 0
  }
  if (!values.date || !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) {
    io.stderr(`Failed to reconcile: --date YYYY-MM-DD is required.\n\n${RECONCILE_USAGE}\n`)
    return 2
  }
  let checkout: CheckoutApp | undefined
  try {
    checkout = await (io.openCheckout ?? openFromEnvironment)()
    if (checkout.sandbox !== undefined && io.openCheckout === undefined) {
      io.stderr(
        'Failed to reconcile: no gateway is configured (set QFPAY_ENV, QFPAY_APPCODE and QFPAY_KEY); the in-process sandbox has nothing to compare.\n'
      )
      return 2
    }
    const report = await checkout.merchant.reconcileDay(values.date)
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDayReport(report)}\n`)
    return report.discrepancies.length === 0 ? 0 : 1
  } catch (error) {
    // The checkout's errors never carry the key; print the message, not a stack.
    io.stderr(`Failed to reconcile: ${error instanceof Error ? error.message : String(error)}\n`)
    return 2
  } finally {
    await checkout?.close()
  }
}

/** The app as the merchant's server would build it from the environment, workers never started. */
async function openFromEnvironment(): Promise<CheckoutApp> {
  const { createCheckout } = await import('../checkout/app/create-checkout.ts')
  const stderr = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`)
  return createCheckout({
    // Never asked: the command creates no checkouts.
    resolveOrder: () => undefined,
    // Never used either, for the same reason; stated because live/test refuse to start on the
    // 2017 defaults (checkout/app/live-choices.ts).
    payTypes: ['800201'],
    currency: 'HKD',
    hooks: {
      // Placeholders so a fix queues both hooks' outbox entries; this process never starts the
      // outbox worker, so your server (which has the real hooks) delivers them.
      onPaid: () => undefined,
      onStatus: () => undefined,
    },
    reconciler: { enabled: false },
    logger: { info: () => undefined, warn: stderr('warn'), error: stderr('error') },
  })
}
