/**
 * autocannon, in process, on loopback. Latencies are autocannon's (ms, from writing a request
 * to reading its whole response); with `overallRate` they are corrected for coordinated
 * omission (autocannon's default), so a stall counts against every request it delayed.
 */
import autocannon from 'autocannon'

export interface LoadRequest {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
}

export interface LoadOptions {
  url: string
  /** Called once per request, in order; the index counts from 0 across all connections. */
  next: (index: number) => LoadRequest
  connections: number
  overallRate?: number
  durationS?: number
  amount?: number
  /** Hard stop, ms, whatever happens. */
  capMs: number
}

export interface LoadResult {
  requests: number
  durationS: number
  rps: number
  p50: number
  p99: number
  max: number
  errors: number
  timeouts: number
  non2xx: number
  statusCodes: Record<string, number>
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  let index = 0
  // Wall time of the run, to the last response: autocannon's own `duration` is counted in its
  // one-second ticks (a fixed-count run also ends on a tick), which makes a 1,500-request run
  // that takes 1.4 s or 2.6 s read as 2 or 3 s.
  const started = performance.now()
  let lastResponse = started
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    timeout: 10,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    ...(options.amount ? { amount: options.amount } : { duration: options.durationS ?? 10 }),
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => {
          const r = options.next(index++)
          return {
            ...request,
            method: r.method,
            path: r.path,
            headers: { ...(r.headers ?? {}) },
            body: r.body,
          }
        },
      },
    ],
  } as never)
  ;(instance as unknown as NodeJS.EventEmitter).on('response', () => {
    lastResponse = performance.now()
  })
  const cap = setTimeout(() => instance.stop(), options.capMs)
  const result = (await instance) as any
  const elapsedS = (lastResponse - started) / 1000
  clearTimeout(cap)
  const statusCodes: Record<string, number> = {}
  for (const [code, n] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = (n as { count: number }).count
  const requests = result.requests.total as number
  return {
    requests,
    durationS: elapsedS,
    rps: requests / elapsedS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  }
}
