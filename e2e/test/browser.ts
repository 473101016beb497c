/**
 * Debian's Chromium through playwright-core (launch flags from scripts/chromium.mjs: as root it needs
 * `--no-sandbox`; a browser download is not possible here, so the system one is used).
 */
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
} from 'playwright-core'
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/chromium.mjs'

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 30_000,
  })
}

/** A desktop shopper: mouse, wide window. */
export const DESKTOP: BrowserContextOptions = {
  viewport: { width: 1280, height: 900 },
  deviceScaleFactor: 1,
  locale: 'en-US',
}

/** A phone (coarse pointer and width <= 768 px → the widget redirects). */
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
