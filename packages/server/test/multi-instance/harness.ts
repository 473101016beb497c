/**
 * Support for multi-instance.test.ts (not a test): checkout server instances as child processes
 * (instance-server.ts), a raw-HTTP event-stream client that reconnects with `Last-Event-ID`, and
 * small numeric helpers. Everything runs on 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const SERVER = fileURLToPath(new URL('./instance-server.ts', import.meta.url))

/** One running checkout server instance. */
export interface Instance {
  name: string
  /** `http://127.0.0.1:<port>` */
  base: string
  child: ChildProcess
  /** onPaid calls by checkout id (every call, so a double shows as 2). */
  onPaid: Map<string, number>
  /** All onPaid calls this instance made. */
  onPaidCalls: number
  /** Warning and error lines, by message. */
  logs: Map<string, number>
  /** The last lines of output, for a failure message. */
  tail: string[]
  stats(): Promise<{ resyncs: number }>
  stop(): Promise<void>
}

/** Starts an instance and resolves once it listens (store ready). */
export function startInstance(
  name: string,
  env: Record<string, string>,
  timeoutMs = 30_000
): Promise<Instance> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      env: { ...process.env, ...env, INSTANCE: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const instance: Instance = {
      name,
      base: '',
      child,
      onPaid: new Map(),
      onPaidCalls: 0,
      logs: new Map(),
      tail: [],
      async stats() {
        return (await (await fetch(`${instance.base}/__test/stats`)).json()) as { resyncs: number }
      },
      stop: () => stopChild(child),
    }
    const timer = setTimeout(() => {
      void stopChild(child)
      reject(
        new Error(
          `instance ${name} did not listen within ${timeoutMs} ms:\n${instance.tail.join('\n')}`
        )
      )
    }, timeoutMs)
    const remember = (text: string) => {
      instance.tail.push(text)
      if (instance.tail.length > 40) instance.tail.shift()
    }
    let buffered = ''
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk
      let nl: number
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        const [kind, a, b] = text.split(' ', 3)
        if (kind === 'hook' && a === 'onPaid') {
          instance.onPaidCalls += 1
          instance.onPaid.set(b!, (instance.onPaid.get(b!) ?? 0) + 1)
        } else if (kind === 'listening') {
          instance.base = `http://127.0.0.1:${a}`
          clearTimeout(timer)
          resolve(instance)
        } else if (kind === 'log') {
          remember(text)
          const message = (JSON.parse(text.slice(`log ${a} `.length)) as { message: string })
            .message
          const key = `${a}: ${message}`
          instance.logs.set(key, (instance.logs.get(key) ?? 0) + 1)
        } else remember(text)
      }
    })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (chunk: string) => remember(chunk.trimEnd()))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(
        new Error(`instance ${name} exited early (${signal ?? code}):\n${instance.tail.join('\n')}`)
      )
    })
  })
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child is gone. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** One `event: status` frame as the client saw it. */
export interface Frame {
  version: number
  status: string
  /** performance.now() when the frame was parsed. */
  at: number
  /** The instance base URL that sent it. */
  from: string
}

const sseAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity })

/**
 * Follows `GET {base}/qfpay/checkouts/:id/events` like an EventSource: parses frames, and when the
 * stream ends or fails before a final status, reconnects with `Last-Event-ID` (backoff 100 ms
 * doubling to 1 s). 204 (final already seen) ends it too.
 */
export class StatusStream {
  readonly frames: Frame[] = []
  /** Connections after the first. */
  reconnects = 0
  /** Failed connection attempts (refused, 5xx). */
  failures = 0
  readonly opened: Promise<void>
  readonly final: Promise<Frame>
  #openedResolve!: () => void
  #finalResolve!: (frame: Frame) => void
  #request: http.ClientRequest | undefined
  #stopped = false
  #done = false
  #timer: NodeJS.Timeout | undefined

  /** The base URL of the current (or last) connection. */
  connectedTo = ''

  /** `base`: an instance URL, or a function that picks one per connection (a load balancer). */
  constructor(
    readonly base: string | (() => string),
    readonly id: string
  ) {
    this.opened = new Promise((resolve) => (this.#openedResolve = resolve))
    this.final = new Promise((resolve) => (this.#finalResolve = resolve))
    this.#connect(0)
  }

  /** The version of the last frame seen. */
  get lastVersion(): number {
    return this.frames.at(-1)?.version ?? 0
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#request?.destroy()
  }

  #connect(attempt: number): void {
    if (this.#stopped || this.#done) return
    const headers: Record<string, string> = { Accept: 'text/event-stream' }
    if (this.frames.length > 0) headers['Last-Event-ID'] = String(this.lastVersion)
    const base = typeof this.base === 'function' ? this.base() : this.base
    const request = http.get(`${base}/qfpay/checkouts/${this.id}/events`, {
      agent: sseAgent,
      headers,
    })
    this.#request = request
    let failed = false
    const retry = () => {
      if (failed || this.#stopped || this.#done) return
      failed = true
      this.reconnects += 1
      const delay = Math.min(1_000, 100 * 2 ** attempt)
      this.#timer = setTimeout(() => this.#connect(Math.min(attempt + 1, 4)), delay)
    }
    request.on('error', () => {
      this.failures += 1
      retry()
    })
    request.on('response', (res) => {
      if (res.statusCode === 204) {
        res.resume()
        this.#done = true
        return
      }
      if (res.statusCode !== 200) {
        this.failures += 1
        res.resume()
        res.on('end', retry)
        return
      }
      res.setEncoding('utf8')
      this.connectedTo = base
      let buffer = ''
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          this.#frame(block, base)
        }
      })
      // A good stream resets the backoff; an ended one without a final status reconnects.
      res.on('end', () => ((attempt = 0), retry()))
      res.on('error', retry)
    })
  }

  #frame(block: string, from: string): void {
    let id: string | undefined
    let data = ''
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim()
      else if (line.startsWith('data:')) data += line.slice(5).trim()
    }
    if (id === undefined || !data) return // a heartbeat comment
    const checkout = JSON.parse(data) as { version: number; status: string }
    const frame = {
      version: checkout.version,
      status: checkout.status,
      at: performance.now(),
      from,
    }
    this.frames.push(frame)
    if (this.frames.length === 1) this.#openedResolve()
    if (checkout.status !== 'pending') {
      this.#done = true
      this.#finalResolve(frame)
    }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** Resolves when `check()` is true; rejects after `ms` with `what`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms: number
): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Rejects after `ms` unless `promise` settles first. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
        ms
      )
    }),
  ]).finally(() => clearTimeout(timer))
}
