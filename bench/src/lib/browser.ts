/** Debian's Chromium through playwright-core, headless, with the flags toolchain.md lists. */
import { execSync } from 'node:child_process'
import { chromium, type Browser } from 'playwright-core'

export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) return fromEnv
  try {
    return execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim()
  } catch {
    return '/usr/bin/chromium'
  }
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // Several pages run at once: none of them may be throttled as a background tab.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  })
}
