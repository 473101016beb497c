/**
 * Test support: random tests that can be replayed. Every property test runs through
 * `assertProperty`, which on failure prints the seed and shrink path fast-check used, as
 * environment variables to set; with `FC_SEED` (and `FC_PATH`) set, fast-check replays exactly
 * that run (its `seed` and `path` parameters). Tests that draw their own random choices use
 * `seededRandom`, which reports its seed and replays it from `TEST_SEED`.
 *
 * @example
 * FC_SEED=1234 FC_PATH=5:1:0 node --import tsx --test --test-name-pattern='never reserves' src/store/memory.test.ts
 */
import type { TestContext } from 'node:test'
import fc from 'fast-check'

/** `seed` and `path` from `FC_SEED` / `FC_PATH`, when set. */
function replayParameters(): { seed?: number; path?: string } {
  const raw = process.env['FC_SEED']
  if (raw === undefined || raw === '') return {}
  const seed = Number(raw)
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, not "${raw}".`)
  const path = process.env['FC_PATH']
  return path ? { seed, path } : { seed }
}

/**
 * `fc.assert`, with the replay made explicit: a failure names `FC_SEED=… FC_PATH=…`, and those
 * variables, when set, make this call replay that run instead of a fresh random one.
 */
export async function assertProperty<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>,
  params: fc.Parameters<Ts> = {}
): Promise<void> {
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, {
    ...params,
    ...replayParameters(),
  })
  if (!details.failed) return
  const report = fc.defaultReportMessage(details) ?? 'Property failed.'
  throw new Error(
    `${report}\n\nReplay it: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath ?? ''}`,
    { cause: details.errorInstance }
  )
}

/** mulberry32: a small seeded PRNG in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A random source in [0, 1) for a test's own choices, seeded from `TEST_SEED` or afresh. The seed
 * is reported as the test's diagnostic (`TEST_SEED=…`), so a failing run can be replayed.
 */
export function seededRandom(t: TestContext): { random: () => number; seed: number } {
  const raw = process.env['TEST_SEED']
  const seed = raw ? Number(raw) : Math.floor(Math.random() * 2 ** 31)
  if (!Number.isInteger(seed)) throw new Error(`TEST_SEED must be an integer, not "${raw}".`)
  t.diagnostic(`TEST_SEED=${seed} replays this run's random choices`)
  return { random: mulberry32(seed), seed }
}
