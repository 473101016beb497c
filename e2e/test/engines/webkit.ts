/**
 * WebKitGTK (Debian's MiniBrowser) through webdriverio over WebDriver classic, under Xvfb (run
 * the flows with `xvfb-run`). Each tab is a MiniBrowser of its own (its own cookies).
 *
 * Limits of this engine here, which the flows work with: MiniBrowser's narrowest window
 * leaves a 447 × 806 px viewport for the "phone" (an iPhone Pro Max is 430 px wide), and
 * WebKitGTK under Xvfb has a mouse, so it never counts as a coarse pointer: a phone flow sets
 * the element's `mode` (the merchant's documented override) where Chromium and Firefox detect
 * the phone. WebDriver classic reports no console or page errors: WATCH_PAGE does.
 */
import { remote } from 'webdriverio'
import { PNG } from 'pngjs'
import { miniBrowserCapabilities, startWebKitDriver } from '../../../scripts/webkit.mjs'
import {
  DESKTOP_SIZE,
  PHONE_SIZE,
  TAKE_PROBLEMS,
  WATCH_PAGE,
  type Engine,
  type Tab,
} from './engine.ts'

type Session = Awaited<ReturnType<typeof remote>>

/** WebDriver's code for the Enter key. */
const KEYS: Record<string, string> = { Enter: '\uE007' }

/** Crops a PNG of the whole viewport to `clip` (CSS px, scaled to the image's pixels). */
function crop(
  png: Buffer,
  clip: { x: number; y: number; width: number; height: number },
  scale: number
) {
  const full = PNG.sync.read(png)
  const x = Math.max(0, Math.floor(clip.x * scale))
  const y = Math.max(0, Math.floor(clip.y * scale))
  const width = Math.min(full.width - x, Math.ceil(clip.width * scale))
  const height = Math.min(full.height - y, Math.ceil(clip.height * scale))
  if (width <= 0 || height <= 0)
    throw new Error(`Failed to take a picture of ${JSON.stringify(clip)}: outside the screenshot.`)
  const out = new PNG({ width, height })
  PNG.bitblt(full, out, x, y, width, height, 0, 0)
  return PNG.sync.write(out)
}

/**
 * The WebKit engine. Each tab is a WebKitWebDriver of its own (it holds one session at a
 * time) with its MiniBrowser.
 */
export async function launchWebKit(): Promise<Engine> {
  const drivers: { stop(): void }[] = []
  const sessions: Session[] = []
  const seen: string[] = []

  function tab(session: Session): Tab {
    const evaluate = <T>(fn: string, ...args: unknown[]) =>
      session.execute(`return (${fn})(...arguments)`, ...args) as Promise<T>
    return {
      async goto(url) {
        seen.push(...(await evaluate<string[]>(TAKE_PROBLEMS).catch(() => [])))
        await session.url(url)
        await evaluate(WATCH_PAGE)
      },
      evaluate,
      async clickAt(x, y) {
        await session
          .action('pointer', { parameters: { pointerType: 'mouse' } })
          .move({ x: Math.round(x), y: Math.round(y), origin: 'viewport' })
          .down({ button: 0 })
          .up({ button: 0 })
          .perform()
      },
      async press(key) {
        // One key down and up at a time: WebKitWebDriver drops a repeated key that goes down
        // before the previous one came up.
        const code = KEYS[key] ?? key
        await session.action('key').down(code).up(code).perform()
      },
      async screenshot(clip) {
        // The picture is of the last frame painted: let a scroll just made reach the screen.
        await evaluate(
          '() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))'
        )
        const png = Buffer.from(await session.takeScreenshot(), 'base64')
        const width = await evaluate<number>('() => innerWidth')
        return crop(png, clip, PNG.sync.read(png).width / width)
      },
    }
  }

  return {
    name: 'webkit',
    phoneHasCoarsePointer: false,
    async open(device) {
      const driver = await startWebKitDriver()
      drivers.push(driver)
      const session = await remote({
        hostname: '127.0.0.1',
        port: driver.port,
        logLevel: 'warn',
        connectionRetryTimeout: 60_000,
        capabilities: miniBrowserCapabilities() as WebdriverIO.Capabilities,
      })
      sessions.push(session)
      const size = device === 'phone' ? PHONE_SIZE : DESKTOP_SIZE
      await session.setWindowSize(size.width, size.height)
      return tab(session)
    },
    async problems() {
      for (const session of sessions)
        seen.push(
          ...(await (session.execute(`return (${TAKE_PROBLEMS})()`) as Promise<string[]>).catch(
            () => []
          ))
        )
      return [...new Set(seen)]
    },
    async close() {
      for (const session of sessions) await session.deleteSession().catch(() => {})
      for (const driver of drivers) driver.stop()
    },
  }
}
