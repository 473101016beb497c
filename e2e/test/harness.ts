/**
 * One end-to-end scene: the demo's three real servers on free loopback ports, a real Chromium
 * (engines/ drives Firefox and WebKit), and helpers that act like the shopper, the shopper's
 * phone and the shop's staff.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startDemo, type RunningDemo } from '@qfpay-checkout/demo'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DESKTOP, launchBrowser, newContext, PHONE } from './browser.ts'

/** Screenshots of key states (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url))

/** Generous bounds: a loaded CI machine with two cores, Vite compiling on first visit. */
export const STEP_TIMEOUT_MS = 20_000

/** The demo's servers and what tests ask of them, whatever drives the browser. */
export interface DemoScene {
  demo: RunningDemo
  /** Server-side log lines (warnings, hook runs). */
  logs: string[]
  /** `/api/admin/…` with the admin token. */
  admin<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T>
  /** The sandbox's control API (`/__sandbox/…`). */
  sandbox<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T>
  close(): Promise<void>
}

/** How to start the demo for a test file. */
export interface SceneOptions {
  timeScale?: number
  expiresInSeconds?: number
  /** Overrides of the demo's environment (e.g. a given QFPAY_KEY), applied last. */
  env?: Record<string, string>
}

/** What a test file works with: the demo and a Chromium driven by playwright-core. */
export interface Scene extends DemoScene {
  browser: Browser
  /** Page errors and CSP violations seen so far; each test asserts it stays empty. */
  problems: string[]
  desktop(): Promise<BrowserContext>
  phone(): Promise<BrowserContext>
  shot(page: Page, name: string): Promise<void>
}

/** Starts the demo, all ports free ones, with the local sandbox as the gateway. */
export async function startDemoScene(options: SceneOptions = {}): Promise<DemoScene> {
  const logs: string[] = []
  // QFPAY_* of the developer's shell must not leak into tests: always the local sandbox here.
  const env = {
    ...process.env,
    QFPAY_ENV: 'local',
    QFPAY_APPCODE: '',
    QFPAY_KEY: '',
    QFPAY_MCHID: '',
    QFPAY_STORE: '',
    DATABASE_URL: '',
    ...options.env,
  }
  const demo = await startDemo({
    ports: { sandbox: 0, merchant: 0, page: 0 },
    timeScale: options.timeScale ?? 1,
    ...(options.expiresInSeconds ? { expiresInSeconds: options.expiresInSeconds } : {}),
    env,
    log: (line) => logs.push(line),
    viteLogLevel: process.env['E2E_VITE_LOG'] === 'info' ? 'info' : 'error',
  })
  const json = async <T>(
    url: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}
  ) => {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    })
    const text = await response.text()
    if (!response.ok)
      throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`)
    return (text ? JSON.parse(text) : undefined) as T
  }
  return {
    demo,
    logs,
    admin: (path, init) =>
      json(`${demo.urls.merchant}/api/admin${path}`, {
        ...init,
        headers: { authorization: `Bearer ${demo.adminToken}` },
      }),
    sandbox: (path, init) =>
      json(`${demo.urls.sandbox}/__sandbox${path}`, {
        ...init,
        headers: { authorization: `Bearer ${demo.sandboxToken}` },
      }),
    close: () => demo.stop(),
  }
}

/** Starts the demo (all ports free ones) and a Chromium. */
export async function openScene(name: string, options: SceneOptions = {}): Promise<Scene> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const scene = await startDemoScene(options)
  let browser: Browser
  try {
    browser = await launchBrowser()
  } catch (error) {
    await scene.close()
    throw error
  }
  const problems: string[] = []
  const contexts: BrowserContext[] = []
  return {
    ...scene,
    browser,
    problems,
    async desktop() {
      const context = await newContext(browser, DESKTOP, problems)
      context.setDefaultTimeout(STEP_TIMEOUT_MS)
      contexts.push(context)
      return context
    },
    async phone() {
      const context = await newContext(browser, PHONE, problems)
      context.setDefaultTimeout(STEP_TIMEOUT_MS)
      contexts.push(context)
      return context
    },
    async shot(page, step) {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${step}.png`), fullPage: true })
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {})
      await browser.close().catch(() => {})
      await scene.close()
    },
  }
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = STEP_TIMEOUT_MS
): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > end)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`
      )
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
