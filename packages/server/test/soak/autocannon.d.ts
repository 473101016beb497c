/** The few parts of autocannon's API the soak uses (it ships no types). */
declare module 'autocannon' {
  interface Histogram {
    average: number
    p50: number
    p90: number
    p99: number
    p99_9: number
    max: number
  }
  interface Result {
    latency: Histogram
    requests: Histogram & { total: number; sent: number }
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
    duration: number
  }
  interface Request {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
    setupRequest?: (request: Request, context: Record<string, unknown>) => Request
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    overallRate?: number
    idReplacement?: boolean
    requests?: Request[]
    headers?: Record<string, string>
    method?: string
    body?: string
    timeout?: number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
