/**
 * Debian's Chromium through playwright-core (toolchain.md trap 4: as root it needs
 * `--no-sandbox`; a browser download is not possible here, so the system one is used).
 */
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
} from 'playwright-core'

/** The flags of toolchain.md trap 4. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** `CHROMIUM_PATH`, else `command -v chromium`, else the Debian path. */
export function chromiumPath(): string {
  if (process.env['CHROMIUM_PATH']) return process.env['CHROMIUM_PATH']
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

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  })
}

/** A desktop shopper: mouse, wide window. */
export const DESKTOP: BrowserContextOptions = {
  viewport: { width: 1280, height: 900 },
  deviceScaleFactor: 1,
  locale: 'en-US',
}

/** A phone (design.md §7: coarse pointer and width <= 768 px → the widget redirects). */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'en-US',
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
}

/**
 * A new context that fails the test on a page error or a CSP violation: the demo serves a
 * strict CSP, and the element must live with it (no inline scripts, no eval).
 */
export async function newContext(
  browser: Browser,
  options: BrowserContextOptions,
  problems: string[]
): Promise<BrowserContext> {
  const context = await browser.newContext(options)
  context.on('page', (page) => {
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`))
    page.on('console', (message) => {
      const text = message.text()
      if (
        message.type() === 'error' &&
        /Content Security Policy|Refused to (execute|evaluate|load)/i.test(text)
      )
        problems.push(`CSP: ${text}`)
    })
  })
  return context
}
