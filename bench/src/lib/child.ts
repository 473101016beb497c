/**
 * The servers under test run in child processes (their own event loop, and their own RSS for
 * the fan-out benchmark). Parent and child talk over Node's IPC channel: the child says
 * `{ type: 'ready', port }` once it listens, then answers `{ __id, cmd, ...args }` requests with
 * `{ __id, result }` or `{ __id, error }`. Every child is killed when the bench ends, even on failure.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

const live = new Set<ChildProcess>()
const killAll = () => {
  for (const child of live) child.kill('SIGKILL')
}
process.on('exit', killAll)

export interface ServerChild {
  port: number
  pid: number
  call<T = unknown>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>
  kill(): Promise<void>
}

/** Forks `src/servers/<name>.ts` with tsx and waits (at most `readyMs`) for it to listen. */
export async function startServer(
  name: string,
  args: Record<string, unknown> = {},
  readyMs = 60_000
): Promise<ServerChild> {
  const child = fork(join(benchDir, 'src', 'servers', `${name}.ts`), [JSON.stringify(args)], {
    cwd: benchDir,
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      '--max-old-space-size=4096',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  live.add(child)
  let nextId = 1
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  let exited = false
  const exitedP = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true
      live.delete(child)
      for (const p of pending.values())
        p.reject(new Error(`server ${name} exited (${signal ?? code})`))
      pending.clear()
      resolve()
    })
  )
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server ${name} not ready in ${readyMs} ms`)),
      readyMs
    )
    child.on('message', (message: any) => {
      if (message?.type === 'ready') {
        clearTimeout(timer)
        resolve(message.port as number)
      } else if (message?.__id !== undefined) {
        const p = pending.get(message.__id)
        pending.delete(message.__id)
        if (message.error) p?.reject(new Error(`${name}: ${message.error}`))
        else p?.resolve(message.result)
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server ${name} exited before ready (${code})`))
    })
  }).catch((error) => {
    child.kill('SIGKILL')
    throw error
  })
  return {
    port,
    pid: child.pid!,
    call(cmd, callArgs = {}, timeoutMs = 120_000) {
      if (exited) return Promise.reject(new Error(`server ${name} is gone`))
      const id = nextId++
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error(`${name}.${cmd} timed out after ${timeoutMs} ms`))
        }, timeoutMs)
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        })
        child.send({ ...callArgs, __id: id, cmd })
      })
    },
    async kill() {
      if (exited) return
      // Disconnecting lets the child exit by itself (and write a CPU profile when asked for);
      // SIGKILL if it does not within 3 s.
      if (child.connected) child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
      await exitedP
      clearTimeout(timer)
    },
  }
}

/** Child side: announce the port and serve IPC commands. */
export function serveIpc(port: number, handlers: Record<string, (args: any) => unknown>): void {
  handlers = { ...profilerHandlers(), ...handlers }
  process.on('message', async (message: any) => {
    const handler = handlers[message?.cmd]
    try {
      if (!handler) throw new Error(`unknown command ${message?.cmd}`)
      const result = await handler(message)
      process.send!({ __id: message.__id, result })
    } catch (error) {
      process.send!({
        __id: message.__id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      })
    }
  })
  // The parent going away (even by SIGKILL) ends the child: no orphaned servers.
  process.on('disconnect', () => process.exit(0))
  process.send!({ type: 'ready', port })
}

/** RSS after a full GC, in bytes (children run with --expose-gc). */
export function settledRss(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  return process.memoryUsage().rss
}

/** `profStart` / `profStop {file}`: a CPU profile of a window of the child's life (development aid). */
function profilerHandlers(): Record<string, (args: any) => unknown> {
  let session: import('node:inspector').Session | undefined
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session!.post(method, params ?? {}, (error, result) =>
        error ? reject(error) : resolve(result)
      )
    )
  return {
    async profStart() {
      const inspector = await import('node:inspector')
      session = new inspector.Session()
      session.connect()
      await post('Profiler.enable')
      await post('Profiler.start')
    },
    async heapSnapshot(m: { file: string }) {
      const { writeHeapSnapshot } = await import('node:v8')
      writeHeapSnapshot(m.file)
    },
    async profStop(m: { file: string }) {
      const { profile } = await post('Profiler.stop')
      const { writeFileSync } = await import('node:fs')
      writeFileSync(m.file, JSON.stringify(profile))
      session!.disconnect()
    },
  }
}
