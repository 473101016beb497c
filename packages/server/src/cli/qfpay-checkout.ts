#!/usr/bin/env node
/**
 * `qfpay-checkout <command>`: the server package's command line. Each subcommand lives in its
 * own module and is loaded only when run; registering one is one entry in `SUBCOMMANDS`.
 */
import type { CommandIo } from './reconcile-command.ts'

/** A subcommand: what `--help` says about it, and how to run it (resolves with the exit code). */
interface Subcommand {
  /** How it is called, as `--help` lists it. */
  usage: string
  summary: string
  run: (args: string[], io: CommandIo) => Promise<number>
}

/** The subcommands, in the order `--help` lists them. */
const SUBCOMMANDS: Record<string, Subcommand> = {
  doctor: {
    usage: 'doctor [--public-url URL] [--pay-types A,B] [--currency CUR]',
    summary: 'check a live set-up before the first real shopper',
    run: async (args) => (await import('./doctor.ts')).run(args),
  },
  reconcile: {
    usage: 'reconcile --date YYYY-MM-DD [--json]',
    summary: "compare QFPay's day with the store",
    run: async (args, io) => (await import('./reconcile-command.ts')).runReconcileCommand(args, io),
  },
}

const USAGE = `Usage: qfpay-checkout <command> [options]

Commands:
${Object.entries(SUBCOMMANDS)
  .map(([, command]) => `  ${command.usage}\n      ${command.summary}`)
  .join('\n')}

Run "qfpay-checkout <command> --help" for a command's options.`

const io: CommandIo = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
}

/** Runs the command named by `argv[0]`; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${USAGE}\n`)
    return name === undefined ? 2 : 0
  }
  const command = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined
  if (!command) {
    io.stderr(`qfpay-checkout: unknown command "${name}".\n\n${USAGE}\n`)
    return 2
  }
  return command.run(rest, io)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    io.stderr(`qfpay-checkout: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  }
)
