// Debian's Chromium for every browser suite (widget tests, e2e, bench): one place for the
// launch flags (as root it needs --no-sandbox; background networking
// would hit this machine's closed network) and for finding the binary (no browser download
// is possible here, so the system one is used).
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Chromium's launch flags for every browser suite (why: see the top of this file). */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
])

/** `CHROMIUM_PATH`, else `command -v chromium`, else Debian's path; throws when there is none. */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  try {
    const found = execSync('command -v chromium || command -v chromium-browser', {
      encoding: 'utf8',
      shell: '/bin/sh',
    }).trim()
    if (found) return found
  } catch {
    // fall through to the usual place
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  throw new Error(
    'Failed to find Chromium: install it (apt-get install -y chromium) or set CHROMIUM_PATH.'
  )
}
