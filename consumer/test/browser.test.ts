/**
 * The widget as installed from its tarball, on a page under a strict Content Security Policy
 * (no inline script or style, nothing but the page's own origin), in Chromium: once bundled by
 * a Vite app, once as the README's no-bundler page loading `dist/define.js` from node_modules.
 * The shopper picks WeChat Pay; the QR the element draws decodes to the embedded sandbox's pay
 * URL; paying it turns the element `paid`. No CSP violation may be reported.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { DESKTOP, launchBrowser } from '../../e2e/test/browser.ts'
import { readQr } from '../../e2e/test/qr.ts'
import { merchantEnv, mustRun, type Proc, scenarioDir, start, state } from '../src/kit.ts'

const { app } = state()

/** The merchant's site: static files under the strict CSP, and the checkout at /qfpay. */
const SITE = `import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { Hono } from 'hono'
import { serve } from '@hono/node-server'
import { createCheckout } from '@qfpay-checkout/server'

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' }
const [root, ...extraRoots] = process.argv.slice(2)
const qfpay = createCheckout({
  resolveOrder: async (order) => (order === 'A-1001' ? { amount: 2500, goodsName: 'Tea set' } : undefined),
  publicUrl: process.env.PUBLIC_URL,
})
const app = new Hono()
app.route('/qfpay', qfpay)
app.get('*', async (c) => {
  const path = normalize(decodeURIComponent(new URL(c.req.url).pathname)).replace(/^(\\.\\.[/\\\\])+/, '')
  const file = path.endsWith('/') ? path + 'index.html' : path
  for (const base of [root, ...extraRoots]) {
    try {
      const body = await readFile(join(base, file))
      return c.body(body, 200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP })
    } catch {}
  }
  return c.notFound()
})
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log('site on ' + info.port))
`

const PAGE_BODY = `<qfpay-checkout endpoint="/qfpay" order="A-1001" pay-types="800201"></qfpay-checkout>
<p id="outcome"></p>`
const LISTENER = `const el = document.querySelector('qfpay-checkout')
el.addEventListener('qfpay-paid', (e) => {
  document.querySelector('#outcome').textContent = 'paid ' + e.detail.amount
})
`

let browser: Browser
before(async () => {
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
})

/** Starts the site over `roots` (the first must hold index.html); returns its origin. */
async function site(dir: string, roots: string[]): Promise<{ origin: string; proc: Proc }> {
  // The port is only known once it listens; PUBLIC_URL needs only the mount path to be right
  // for the sandbox's pay page (the origin is whatever the browser used).
  const proc = start(
    process.execPath,
    ['site.mjs', ...roots],
    dir,
    merchantEnv({
      PUBLIC_URL: 'http://127.0.0.1/qfpay',
    })
  )
  const [, port] = await proc.waitFor(/site on (\d+)/)
  return { origin: `http://127.0.0.1:${port}`, proc }
}

/** Opens the page, pays with WeChat Pay by QR, and checks what the shopper sees. */
async function payOnPage(page: Page, origin: string, proc: Proc) {
  const violations: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text())
  })
  page.on('pageerror', (e) => violations.push(`page error: ${e.message}`))
  await page.goto(`${origin}/`)
  const el = page.locator('qfpay-checkout')
  await el.locator('[part="method"]', { hasText: 'WeChat Pay' }).click()
  await el.locator('[part="pay-button"]').click()
  const { text } = await readQr(page)
  const pay = new URL(text)
  assert.match(
    pay.pathname,
    /^\/qfpay\/sandbox\/pay\//,
    `the QR holds the sandbox pay URL: ${text}`
  )

  const { orders } = (await (await fetch(`${origin}/qfpay/__sandbox/orders`)).json()) as {
    orders: { syssn: string }[]
  }
  // The embedded sandbox printed its control token at start; every control POST needs it.
  const token = /"controlToken":"([0-9a-f]+)"/.exec(proc.output())?.[1]
  assert.ok(token, 'the sandbox control token is printed at start')
  const paid = await fetch(`${origin}/qfpay/__sandbox/orders/${orders[0]!.syssn}/pay`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  })
  assert.equal(paid.status, 200)
  await page.locator('#outcome', { hasText: 'paid 2500' }).waitFor({ timeout: 30_000 })
  assert.deepEqual(violations, [])
}

test('a Vite app bundles the widget and renders a decodable QR under a strict CSP', async () => {
  const dir = scenarioDir(app, 'vite-app', {
    'index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="module" src="/main.js"></script></head><body>${PAGE_BODY}</body></html>`,
    'main.js': `import '@qfpay-checkout/widget/define'\n${LISTENER}`,
    'site.mjs': SITE,
  })
  mustRun(
    process.execPath,
    [join(app, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    dir
  )
  const { origin, proc } = await site(dir, [join(dir, 'dist')])
  const page = await (await browser.newContext(DESKTOP)).newPage()
  try {
    await payOnPage(page, origin, proc)
  } finally {
    await page.context().close()
    await proc.stop()
  }
})

test('a page with no bundler loads dist/define.js from node_modules under a strict CSP', async () => {
  const dir = scenarioDir(app, 'plain-page', {
    'public/index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="module" src="/node_modules/@qfpay-checkout/widget/dist/define.js"></script>
<script type="module" src="/checkout.js"></script></head><body>${PAGE_BODY}</body></html>`,
    'public/checkout.js': LISTENER,
    'site.mjs': SITE,
  })
  // node_modules is served as the README's script tag expects: the project root is a second root.
  const { origin, proc } = await site(dir, [join(dir, 'public'), app])
  const page = await (await browser.newContext(DESKTOP)).newPage()
  try {
    await payOnPage(page, origin, proc)
  } finally {
    await page.context().close()
    await proc.stop()
  }
})
