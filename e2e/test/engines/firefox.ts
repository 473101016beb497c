/**
 * Firefox ESR (Debian's) through puppeteer-core over WebDriver BiDi; headless. A desktop and a
 * phone are two Firefox instances: the phone's is told its pointer is coarse (Firefox's
 * `ui.*PointerCapabilities` preferences), which puppeteer cannot emulate over BiDi, so the
 * widget's own phone detection (`(pointer: coarse)` and ≤ 768 px) is what decides.
 */
import * as puppeteer from 'puppeteer-core'
import type { Browser, Page } from 'puppeteer-core'
import { FIREFOX_PREFS, firefoxPath } from '../../../scripts/firefox.mjs'
import { STEP_TIMEOUT_MS } from '../harness.ts'
import {
  DESKTOP_SIZE,
  PHONE_SIZE,
  TAKE_PROBLEMS,
  WATCH_PAGE,
  type Device,
  type Engine,
  type Tab,
} from './engine.ts'

/** Firefox's pointer media features: 1 = coarse, 2 = fine, 4 = hover. */
const COARSE_POINTER = { 'ui.primaryPointerCapabilities': 1, 'ui.allPointerCapabilities': 1 }

const CSP_TEXT = /Content[- ]Security[- ]Policy|Refused to (execute|evaluate|load)/i

/** What WATCH_PAGE saw in a page (nothing when the page is gone). */
function take(page: Page): Promise<string[]> {
  return (page.evaluate(`(${TAKE_PROBLEMS})()`) as Promise<string[]>).catch(() => [])
}

function launch(device: Device): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    timeout: 30_000,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...(device === 'phone' ? COARSE_POINTER : {}) },
  })
}

/** Starts Firefox (each device's instance on first use). */
export async function launchFirefox(): Promise<Engine> {
  const browsers = new Map<Device, Promise<Browser>>()
  const pages: Page[] = []
  const seen: string[] = []

  function tab(page: Page): Tab {
    return {
      async goto(url) {
        seen.push(...(await take(page)))
        await page.goto(url, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS })
        await page.evaluate(`(${WATCH_PAGE})()`)
      },
      evaluate: <T>(fn: string, ...args: unknown[]) =>
        page.evaluate(`(${fn})(...${JSON.stringify(args)})`) as Promise<T>,
      clickAt: (x, y) => page.mouse.click(x, y),
      press: (key) => page.keyboard.press(key as puppeteer.KeyInput),
      async screenshot(clip) {
        // puppeteer's clip is in document coordinates; the tab's are the viewport's.
        const [sx, sy] = await page.evaluate(() => [scrollX, scrollY] as const)
        return Buffer.from(
          await page.screenshot({ type: 'png', clip: { ...clip, x: clip.x + sx, y: clip.y + sy } })
        )
      },
    }
  }

  return {
    name: 'firefox',
    phoneHasCoarsePointer: true,
    async open(device) {
      if (!browsers.has(device)) browsers.set(device, launch(device))
      const browser = await browsers.get(device)!
      // A window of its own: Firefox hides a background tab (and clamps its timers).
      const page = await browser.newPage({ type: 'window' })
      page.setDefaultTimeout(STEP_TIMEOUT_MS)
      const size = device === 'phone' ? PHONE_SIZE : DESKTOP_SIZE
      await page.setViewport({ ...size, deviceScaleFactor: device === 'phone' ? 2 : 1 })
      page.on('pageerror', (error) =>
        seen.push(`page error on ${page.url()}: ${(error as Error).message}`)
      )
      page.on('console', (message) => {
        if (message.type() === 'error' && CSP_TEXT.test(message.text()))
          seen.push(`CSP: ${message.text()}`)
      })
      pages.push(page)
      return tab(page)
    },
    async problems() {
      for (const page of pages) seen.push(...(await take(page)))
      return [...new Set(seen)]
    },
    async close() {
      for (const browser of browsers.values()) await (await browser).close().catch(() => {})
    },
  }
}
