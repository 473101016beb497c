/**
 * Bench 4: SSE fan-out. For 1,000 / 5,000 / 10,000 streams, a fresh server process each time
 * (createCheckout, and a bare Hono streamSSE baseline): open the streams with a lean client
 * (raw TCP sockets speaking HTTP/1.1, no EventSource polyfill), time until every one has its
 * first `event: status`, measure the server's RSS (after a forced GC) before and after, then
 * make one status change (the sandbox pays the checkout) and time until every stream has the
 * `paid` event. The client runs in this process, the server in its own: both fit under the
 * open-file limit (`ulimit -n`, raised by run.sh) with room to spare.
 */
import net from 'node:net'
import type { Benchmark, Row } from './lib/bench.ts'
import { ratio } from './lib/bench.ts'
import { startServer } from './lib/child.ts'
import { HOST } from './lib/constants.ts'
import { percentile, round, sleep } from './lib/stats.ts'

const LEVELS = (process.env.BENCH_FANOUT_LEVELS ?? '1000,5000,10000').split(',').map(Number)
const CONNECT_CONCURRENCY = 256

interface Level {
  streams: number
  connectMs: number
  broadcastMs: number
  broadcastP50: number
  bytesPerStream: number
  received: number
}

async function measure(
  mode: 'checkout' | 'bare',
  dir: string,
  n: number,
  defer: (fn: () => unknown) => void
): Promise<Level> {
  const server = await startServer('sse-server', { dir, mode })
  defer(() => server.kill())
  const id = await server.call<string>('id')
  const path = `/qfpay/checkouts/${id}/events`
  const request = `GET ${path} HTTP/1.1\r\nHost: ${HOST}:${server.port}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n`
  const sockets: net.Socket[] = []
  defer(() => sockets.forEach((s) => s.destroy()))
  // Warm-up: a few streams opened and closed, so JIT and pools are not in the "before" RSS delta.
  await Promise.all(Array.from({ length: 20 }, () => openStream().then((s) => s.socket.destroy())))
  await sleep(200)
  const rssBefore = await server.call<number>('rss')

  let paidCount = 0
  const paidAt: number[] = []
  let resolveAllPaid!: () => void
  const allPaid = new Promise<void>((r) => (resolveAllPaid = r))

  function openStream(track = false): Promise<{ socket: net.Socket }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: HOST, port: server.port })
      socket.setNoDelay(true)
      let seen = ''
      let first = false
      socket.on('connect', () => socket.write(request))
      socket.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString('latin1')).slice(-4096)
        if (!first && seen.includes('event: status')) {
          first = true
          seen = seen.slice(seen.lastIndexOf('event: status') + 1)
          resolve({ socket })
        }
        if (first && track && seen.includes('"status":"paid"')) {
          paidAt.push(performance.now())
          track = false
          socket.destroy()
          if (++paidCount === n) resolveAllPaid()
        }
      })
      socket.on('error', reject)
      socket.setTimeout(60_000, () => reject(new Error('stream timed out')))
    })
  }

  const t0 = performance.now()
  let next = 0
  const worker = async () => {
    while (next < n) {
      next++
      const { socket } = await openStream(true)
      socket.setTimeout(0)
      sockets.push(socket)
    }
  }
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker))
  const connectMs = performance.now() - t0
  await sleep(500)
  const rssAfter = await server.call<number>('rss')
  // BENCH_FANOUT_HEAP=<dir>: a heap snapshot of the server with every stream open.
  if (process.env.BENCH_FANOUT_HEAP)
    await server.call('heapSnapshot', {
      file: `${process.env.BENCH_FANOUT_HEAP}/${mode}-${n}.heapsnapshot`,
    })

  const tPay = performance.now()
  await server.call('pay')
  await Promise.race([allPaid, sleep(30_000)])
  const broadcast = paidAt.map((t) => t - tPay)
  await server.kill()
  return {
    streams: n,
    connectMs,
    broadcastMs: paidCount === n ? Math.max(...broadcast) : Number.NaN,
    broadcastP50: percentile(broadcast, 50),
    bytesPerStream: (rssAfter - rssBefore) / n,
    received: paidCount,
  }
}

export const fanoutBench: Benchmark = {
  id: 'fanout',
  title: '4. SSE fan-out',
  capMs: 180_000,
  async run(ctx) {
    const rows: Row[] = []
    for (const n of LEVELS) {
      if (ctx.signal.aborted) break
      const ours = await measure('checkout', ctx.dir, n, ctx.defer)
      const base = await measure('bare', ctx.dir, n, ctx.defer)
      ctx.log(
        `${n} streams: ours connect ${round(ours.connectMs)} ms, broadcast ${round(ours.broadcastMs)} ms (p50 ${round(ours.broadcastP50)}), ${round(ours.bytesPerStream / 1024)} KB/stream, got ${ours.received}; bare connect ${round(base.connectMs)} ms, broadcast ${round(base.broadcastMs)} ms, ${round(base.bytesPerStream / 1024)} KB/stream`
      )
      const top = n === Math.max(...LEVELS)
      const label = 'bare Hono streamSSE, in-memory broadcast'
      rows.push(
        {
          bench: this.title,
          metric: `${n.toLocaleString('en-US')} streams: time to connect all`,
          goal: '',
          measured: round(ours.connectMs),
          unit: 'ms',
          baseline: round(base.connectMs),
          baselineLabel: label,
          ratio: ratio(ours.connectMs, base.connectMs),
          met: null,
        },
        {
          bench: this.title,
          metric: `${n.toLocaleString('en-US')} streams: one change reaches all`,
          goal: top ? '< 500 ms' : '',
          measured: round(ours.broadcastMs),
          unit: 'ms',
          baseline: round(base.broadcastMs),
          baselineLabel: label,
          ratio: ratio(ours.broadcastMs, base.broadcastMs),
          met: top ? ours.broadcastMs < 500 : null,
          note: `p50 ${round(ours.broadcastP50)} ms; ${ours.received}/${n} streams got it`,
        },
        {
          bench: this.title,
          metric: `${n.toLocaleString('en-US')} streams: server RSS per stream`,
          goal: top ? '< 30 KB' : '',
          measured: round(ours.bytesPerStream / 1024),
          unit: 'KB',
          baseline: round(base.bytesPerStream / 1024),
          baselineLabel: label,
          ratio: ratio(ours.bytesPerStream, base.bytesPerStream),
          met: top ? ours.bytesPerStream < 30 * 1024 : null,
        }
      )
    }
    return rows
  },
}
