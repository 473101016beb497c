/**
 * Time for the sandbox: one injectable clock drives expiry, notify retries and latency, so a
 * test can move time forward instead of waiting.
 */

/** What the sandbox needs of time. Handles are opaque. */
export interface SandboxClock {
  /** Milliseconds since the epoch. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The real clock. Timers are unref'd so a forgotten sandbox never keeps a process alive. */
export const systemClock: SandboxClock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    // Node caps timers at 2^31-1 ms (~24.8 days); longer waits are clamped rather than fired at once.
    const timer = setTimeout(callback, Math.min(Math.max(0, ms), 2 ** 31 - 1))
    timer.unref?.()
    return timer
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** A clock that only moves when told to: `advance(ms)` runs the timers that fall due, in order. */
export interface ManualClock extends SandboxClock {
  /** Moves time forward, firing due timers one by one and letting their promises settle. */
  advance(ms: number): Promise<void>
  /** Moves time to an absolute instant (never backwards). */
  advanceTo(at: number): Promise<void>
  /** How many timers are waiting. */
  pending(): number
}

interface ManualTimer {
  id: number
  at: number
  callback: () => void
}

/**
 * Creates a manual clock for tests.
 *
 * @example
 * const clock = createManualClock(Date.parse('2024-05-01T02:30:00Z'))
 * const sandbox = createSandbox({ clock })
 * await clock.advance(2 * 60_000) // the first notify retry runs now
 */
export function createManualClock(start = Date.parse('2024-05-01T02:30:00Z')): ManualClock {
  let now = start
  let nextId = 1
  let timers: ManualTimer[] = []
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve))
  const clock: ManualClock = {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { id: nextId++, at: now + Math.max(0, ms), callback }
      timers.push(timer)
      return timer.id
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer.id !== handle)
    },
    pending: () => timers.length,
    async advance(ms) {
      await clock.advanceTo(now + ms)
    },
    async advanceTo(at) {
      await settle()
      for (;;) {
        const due = timers
          .filter((timer) => timer.at <= at)
          .sort((a, b) => a.at - b.at || a.id - b.id)[0]
        if (!due) break
        timers = timers.filter((timer) => timer !== due)
        now = Math.max(now, due.at)
        due.callback()
        // A notify attempt awaits fetch; let it finish (and schedule its retry) before going on.
        for (let i = 0; i < 5; i++) await settle()
      }
      now = Math.max(now, at)
    },
  }
  return clock
}
