/**
 * Picks and starts the engine a flow file runs in. Kept apart from engine.ts, which the
 * engine drivers import, so that the drivers are loaded only here (by dynamic import) and no
 * module imports itself through them.
 */
import type { Engine, EngineName } from './engine.ts'

/** The engine the flow files run in: `E2E_ENGINE` (firefox or webkit). */
export function engineFromEnv(): EngineName {
  const name = process.env['E2E_ENGINE']
  if (name === 'firefox' || name === 'webkit') return name
  throw new Error(`E2E_ENGINE must be firefox or webkit, got ${name ?? 'nothing'}.`)
}

/** Starts an engine by name. */
export async function launchEngine(name: EngineName): Promise<Engine> {
  if (name === 'firefox') return (await import('./firefox.ts')).launchFirefox()
  return (await import('./webkit.ts')).launchWebKit()
}
