// Debian's WebKitGTK for the browser suites (widget tests, e2e): the engine of Safari and of
// every browser on an iPhone (WeChat's and Alipay's in-app browsers included). WebKitWebDriver
// (package webkit2gtk-driver) drives MiniBrowser over WebDriver classic. MiniBrowser has no
// headless mode, so the suites run under Xvfb (`xvfb-run`, package xvfb + xauth).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'

/** `xvfb-run` arguments: a free display, a screen big enough for a desktop window, no TCP. */
export const XVFB_RUN_ARGS = Object.freeze(['-a', '-s', '-screen 0 1280x1024x24 -nolisten tcp'])

/** `MINIBROWSER_PATH`, else MiniBrowser of Debian's webkit2gtk (4.1, then 4.0); throws when none. */
export function miniBrowserPath() {
  if (process.env.MINIBROWSER_PATH) return process.env.MINIBROWSER_PATH
  for (const lib of ['/usr/lib', ...safeList('/usr/lib').map((d) => `/usr/lib/${d}`)]) {
    for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0']) {
      const path = `${lib}/${api}/MiniBrowser`
      if (existsSync(path)) return path
    }
  }
  throw new Error(
    'Failed to find MiniBrowser: install it (apt-get install -y webkit2gtk-driver) or set MINIBROWSER_PATH.'
  )
}

function safeList(dir) {
  try {
    return readdirSync(dir).filter((d) => d.endsWith('-linux-gnu'))
  } catch {
    return []
  }
}

/**
 * WebDriver capabilities for MiniBrowser, with `extraArgs` for its command line. webdriverio
 * must speak WebDriver classic to it (WebKitWebDriver has no BiDi: without
 * `enforceWebDriverClassic` it fails to match them).
 */
export function miniBrowserCapabilities(extraArgs = []) {
  return {
    browserName: 'MiniBrowser',
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': {
      binary: miniBrowserPath(),
      args: ['--automation', ...extraArgs],
    },
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts WebKitWebDriver on a free loopback port and waits until it answers `/status`.
 * Needs an X display (DISPLAY) for the MiniBrowser it launches: run under `xvfb-run`.
 * @returns {Promise<{ port: number, stop(): void }>}
 */
export async function startWebKitDriver() {
  if (!process.env.DISPLAY)
    throw new Error(
      `MiniBrowser needs an X display: run under xvfb-run ${XVFB_RUN_ARGS.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}.`
    )
  const port = await freePort()
  const child = spawn('WebKitWebDriver', [`--port=${port}`, '--host=local'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = () => {
    if (child.exitCode === null) child.kill()
  }
  process.once('exit', stop)
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`WebKitWebDriver exited (${child.exitCode}) before it answered.`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`)
      if (response.ok) return { port, stop }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop()
      throw new Error('WebKitWebDriver did not answer /status within 15 s.')
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
