/**
 * What every consumer scenario shares: where the packed tarballs and the merchant projects live
 * (under the system temp directory, outside the workspace, so nothing resolves from it), and
 * helpers to run commands and processes in those projects.
 *
 * `src/prepare.ts` packs and installs once per run and writes `state.json`; each test file reads
 * it with `state()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Everything this suite writes: outside the workspace. */
export const WORK = join(tmpdir(), 'qfpay-checkout-consumer')
/** One npm cache for every install of every run: the second install of a package is local. */
export const NPM_CACHE = join(WORK, 'npm-cache')
const STATE_FILE = join(WORK, 'run', 'state.json')

/** One packed tarball, as `npm pack --json` described it. */
export interface Tarball {
  name: string
  path: string
  /** Bytes of the .tgz. */
  size: number
  unpackedSize: number
  entryCount: number
  files: string[]
}

/** What prepare.ts made. */
export interface State {
  server: Tarball
  widget: Tarball
  /** A merchant project with both packages and every framework and tool the scenarios use. */
  app: string
  /** A project with only the server package, hono and @hono/node-server: no optional peers. */
  bare: string
}

export function writeState(s: State): void {
  mkdirSync(dirname(STATE_FILE), { recursive: true })
  writeFileSync(STATE_FILE, JSON.stringify(s, null, 2))
}

export function state(): State {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as State
}

/** A fresh directory for one scenario inside a project (so it resolves that project's packages). */
export function scenarioDir(project: string, name: string, files: Record<string, string> = {}) {
  const dir = join(project, 'scenarios', name)
  mkdirSync(dir, { recursive: true })
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  return dir
}

/** Environment for a merchant's process: no workspace conditions, no colour, no inherited QFPay setup, and not inside our test runner (a nested `node --test` would skip its files). */
export function merchantEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
  for (const key of Object.keys(env))
    if (/^(QFPAY_|NODE_OPTIONS$|NODE_TEST_CONTEXT$|npm_)/.test(key)) delete env[key]
  return { ...env, npm_config_cache: NPM_CACHE, npm_config_update_notifier: 'false', ...extra }
}

/** Runs a command to completion; returns its exit status and output. */
export function run(cmd: string, args: string[], cwd: string, env = merchantEnv()) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` }
}

/** Like `run`, but throws with the output when the command fails. */
export function mustRun(cmd: string, args: string[], cwd: string, env = merchantEnv()): string {
  const r = run(cmd, args, cwd, env)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${r.out}`)
  return r.out
}

/** A long-running process whose output is collected, with a way to wait for a line. */
export interface Proc {
  child: ChildProcess
  output(): string
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>
}

/**
 * Starts `cmd` in its own process group: `stop()` signals the whole group, so a wrapper such as
 * npx cannot leave the real process running (and holding our pipes open) behind it.
 */
export function start(cmd: string, args: string[], cwd: string, env = merchantEnv()): Proc {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  const waiters = new Set<() => void>()
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let done = false
  void exited.then(() => {
    done = true
    for (const w of waiters) w()
  })
  const take = (chunk: Buffer) => {
    out += chunk.toString('utf8')
    for (const w of waiters) w()
  }
  child.stdout!.on('data', take)
  child.stderr!.on('data', take)
  return {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`Timed out waiting for ${pattern} from ${cmd}; output:\n${tail(out)}`))
        }, timeoutMs)
        const check = () => {
          const m = out.match(pattern)
          if (m || done) {
            clearTimeout(timer)
            waiters.delete(check)
            if (m) resolve(m)
            else reject(new Error(`${cmd} exited before printing ${pattern}; output:\n${out}`))
          }
        }
        waiters.add(check)
        check()
      })
    },
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        // The group is gone already.
      }
      return exited
    },
  }
}

/** The fenced code block that follows `heading` in a Markdown file. */
export function codeBlockAfter(markdown: string, heading: string, lang = '(?:js|ts)'): string {
  const at = markdown.indexOf(heading)
  if (at < 0) throw new Error(`No heading "${heading}" in the README`)
  const m = new RegExp('```' + lang + '\\n([^]*?)\\n```').exec(markdown.slice(at))
  if (!m) throw new Error(`No \`\`\`${lang} block after "${heading}"`)
  return m[1]!
}

/** The last 40 lines of a process's output: enough to see why, without flooding the test log. */
function tail(out: string, lines = 40): string {
  const all = out.split('\n')
  return all.length <= lines
    ? out
    : [`… (${all.length - lines} lines before)`, ...all.slice(-lines)].join('\n')
}
