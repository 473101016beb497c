#!/usr/bin/env node
/**
 * `qfpay-checkout <command>`: the server package's command line. Each subcommand lives in its
 * own module and is loaded only when run; registering one is one line in `SUBCOMMANDS`.
 *
 * A subcommand module exports `run(args: string[]): Promise<number>`, the process's exit code.
 */

/** A subcommand: what `--help` says about it, and how to load it. */
interface Subcommand {
  summary: string
  load: () => Promise<{ run: (args: string[]) => Promise<number> }>
}

/** The subcommands, in the order `--help` lists them. */
const SUBCOMMANDS: Record<string, Subcommand> = {
  doctor: {
    summary: 'check a live set-up before the first real shopper',
    load: () => import('./doctor.ts'),
  },
}

const USAGE = `Usage: qfpay-checkout <command> [options]

Commands:
${Object.entries(SUBCOMMANDS)
  .map(([name, command]) => `  ${name.padEnd(12)}${command.summary}`)
  .join('\n')}

Run "qfpay-checkout <command> --help" for a command's options.`

/** Runs the command line; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE)
    return name === undefined ? 2 : 0
  }
  const command = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined
  if (!command) {
    console.error(`qfpay-checkout: unknown command "${name}".\n\n${USAGE}`)
    return 2
  }
  const module = await command.load()
  return module.run(rest)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`qfpay-checkout: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
)
