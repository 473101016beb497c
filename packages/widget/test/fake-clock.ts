import type { Clock } from '../src/pay/status-stream.ts'

/** A clock that only moves when a test says so. */
export interface FakeClock extends Clock {
  /** Move time forward, firing due timers in order. */
  advance(ms: number): void
  /** Timers waiting to fire. */
  readonly pending: number
}

/** Start a fake clock at `start` (ms since the epoch; default: the real now). */
export function createFakeClock(start = Date.now()): FakeClock {
  let now = start
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => now,
    setTimeout(fn, ms) {
      seq += 1
      timers.set(seq, { at: now + Math.max(0, ms), fn })
      return seq
    },
    clearTimeout(id) {
      timers.delete(id as number)
    },
    advance(ms) {
      const end = now + ms
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined
        for (const entry of timers)
          if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry
        if (!next) break
        timers.delete(next[0])
        now = next[1].at
        next[1].fn()
      }
      now = end
    },
    get pending() {
      return timers.size
    },
  }
}
