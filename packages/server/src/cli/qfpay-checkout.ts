#!/usr/bin/env node
/**
 * `qfpay-checkout <command>`: operations on a running shop from a shell. Each command lives in
 * its own module and returns an exit code; this file only dispatches.
 */
import { RECONCILE_USAGE, runReconcileCommand } from './reconcile-command.ts'

const USAGE = `Usage: qfpay-checkout <command> [options]

Commands:
  reconcile --date YYYY-MM-DD [--json]   compare QFPay's day with the store

Run \`qfpay-checkout <command> --help\` for a command's options.`

const io = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
}

/** Runs the command named by `argv[0]`; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'reconcile':
      return runReconcileCommand(rest, io)
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout(`${USAGE}\n\n${RECONCILE_USAGE}\n`)
      return command === undefined ? 2 : 0
    default:
      io.stderr(`Unknown command "${command}".\n\n${USAGE}\n`)
      return 2
  }
}

process.exitCode = await main(process.argv.slice(2))
