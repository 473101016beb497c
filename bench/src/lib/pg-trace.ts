/**
 * Where a notify's time goes on a PostgreSQL instance under test (bench 7): every SQL statement
 * the pool sends is counted by its first word (postgres.js `debug` hook), and the phases of the
 * notify path are timed by wrapping the store's reads and writes and the gateway fetch. Read
 * with `report()` over a window opened by `reset()`; the counts are divided by the notifies
 * that arrived in that window.
 */
import type { Store } from '@qfpay-checkout/server'
import { summarize } from './stats.ts'

type Timed = 'getByOutTradeNo' | 'transition' | 'gateway' | 'notify'

/** A tracer; `debug` goes to postgres(), `wrapStore`/`wrapFetch` around what the app uses. */
export function createPgTrace() {
  let statements = new Map<string, number>()
  let times = new Map<Timed, number[]>()
  let moments: [number, number][] = []
  let connections: number[] = []
  const time = (name: Timed, ms: number) => {
    let list = times.get(name)
    if (!list) times.set(name, (list = []))
    list.push(ms)
  }
  const timed = async <T>(name: Timed, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now()
    try {
      return await run()
    } finally {
      time(name, performance.now() - t0)
    }
  }
  return {
    /** postgres.js `debug` option: called once per statement sent. */
    debug(_connection: number, query: string) {
      const word = /^\s*(?:WITH\s+\w+\s+AS\s*\(\s*)?(\w+)/i.exec(query)?.[1]?.toUpperCase() ?? '?'
      statements.set(word, (statements.get(word) ?? 0) + 1)
    },
    wrapStore<S extends Store>(store: S): S {
      const get = store.getByOutTradeNo.bind(store)
      const transition = store.transition.bind(store)
      store.getByOutTradeNo = (no) => timed('getByOutTradeNo', () => get(no))
      store.transition = (id, input) => timed('transition', () => transition(id, input))
      return store
    },
    wrapFetch(inner: typeof fetch): typeof fetch {
      return ((input, init) => timed('gateway', () => inner(input, init))) as typeof fetch
    },
    /** Times a `/notify` request from arrival to answer (and keeps both moments, epoch ms). */
    async notify<T>(run: () => Promise<T>): Promise<T> {
      const arrived = performance.timeOrigin + performance.now()
      try {
        return await timed('notify', run)
      } finally {
        moments.push([arrived, performance.timeOrigin + performance.now()])
      }
    },
    reset() {
      statements = new Map()
      times = new Map()
      moments = []
      connections = []
    },
    /** Call on each accepted connection. */
    connected() {
      connections.push(performance.timeOrigin + performance.now())
    },
    /** When connections were accepted since `reset()`, epoch ms. */
    connections: () => connections,
    /** When each notify arrived and was answered, epoch ms (to set beside the sender's clock). */
    moments: () => moments,
    /** Statements per notify by kind, and p50/p99 ms per phase. */
    report() {
      const notifies = times.get('notify')?.length ?? 0
      const per = Object.fromEntries(
        [...statements].map(([word, n]) => [word, notifies ? n / notifies : Number.NaN])
      )
      const phases = Object.fromEntries(
        [...times].map(([name, list]) => {
          const s = summarize(list)
          return [name, { n: s.n, p50: s.p50, p99: s.p99 }]
        })
      )
      return { notifies, statementsPerNotify: per, phases }
    },
  }
}
