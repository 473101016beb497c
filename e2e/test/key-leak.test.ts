/**
 * The key-leak search over a whole end-to-end run: the client key is absent from the widget
 * bundle, every response, SSE frame, log line and error.
 *
 * The demo starts with a GIVEN sentinel key and appcode (32 random upper-case hex each, also put
 * in this process's environment as `pnpm demo` would have them). Then a real Chromium does a
 * whole run: WeChat Pay by QR (the phone page's Pay), Alipay on a phone (redirect, Pay, return),
 * a decline, a cancel, error paths (bad orders, unknown checkout ids, forged notifies), the
 * console (sign in, refund part then the rest) and the cashier. Everything the browser and the
 * servers show is captured: every request, response (status, headers, body) and script asset
 * as served, SSE frames (CDP `Network.eventSourceMessageReceived`) plus each checkout's stream
 * read from outside to its end, console messages, page errors, every URL navigated to, storage
 * and cookies, each page's HTML (shadow roots included), the sandbox's control API, the admin
 * API, the servers' log lines and everything written to stdout / stderr / the console.
 *
 * Searched for: the key in any case, base64 (and base64url) of its ASCII, hex of its ASCII,
 * `QFPAY_KEY=`, and the signature the key would give each forged notify (a signing oracle
 * leaks the key's power without the key). packages/server/test/adversarial/
 * packages/server/test/adversarial/key-leak.test.ts is the in-process version (gateway faults, the built widget).
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { format } from 'node:util'
import { signNotifyForTest } from '@qfpay-checkout/server/testing'
import type { BrowserContext, Page, Response } from 'playwright-core'
import { eventually, openScene, STEP_TIMEOUT_MS, type Scene } from './harness.ts'
import { readQr } from './qr.ts'
import { payWith, pressOnPhone, shopFor, waitForWidget } from './shopper.ts'

/** 32 random upper-case hex characters, the shape of QFPay's appcodes and keys. */
const hex32 = () => randomBytes(16).toString('hex').toUpperCase()
const KEY = hex32()
const APPCODE = hex32()

/** A sandbox payment code the gateway confirms at once (cashier.test.ts). */
const PAYS_AT_ONCE = '286512345678900000'

/** One thing seen during the run: `kind` groups the counts, `label` says where it was. */
interface Capture {
  kind: string
  label: string
  text: string
}

/** The strings that would give the key away (for {@link redact}). */
function keyStrings(key: string, oracle: readonly string[]): string[] {
  return [
    key,
    Buffer.from(key).toString('base64').replace(/=+$/, ''),
    Buffer.from(key).toString('base64url'),
    Buffer.from(key).toString('hex'),
    ...oracle,
  ]
}

/** `text` with every form of the key blanked out, so a failure message never repeats one. */
function redact(text: string, key: string, oracle: readonly string[]): string {
  let out = text
  for (const secret of keyStrings(key, oracle)) {
    out = out.replace(new RegExp(secret.replace(/[^A-Za-z0-9]/g, '\\$&'), 'gi'), '[REDACTED]')
  }
  return out
}

/** The forms of the key to look for; each returns true when `text` holds it. */
function keyForms(
  key: string,
  oracle: readonly string[]
): { form: string; in: (text: string) => boolean }[] {
  const lower = key.toLowerCase()
  const [, base64, base64url, hex] = keyStrings(key, oracle) as [string, string, string, string]
  return [
    { form: 'the key (any case)', in: (t) => t.toLowerCase().includes(lower) },
    { form: 'base64 of the key', in: (t) => t.includes(base64) || t.includes(base64url) },
    { form: 'hex of the key', in: (t) => t.toLowerCase().includes(hex.toLowerCase()) },
    { form: 'QFPAY_KEY=', in: (t) => t.toUpperCase().includes('QFPAY_KEY=') },
    {
      form: 'a signature made with the key (signing oracle)',
      in: (t) => oracle.some((sig) => t.toUpperCase().includes(sig.toUpperCase())),
    },
  ]
}

/** Resolves with `work`, or with `fallback` after `ms` (a capture must never hang the run). */
function within<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms)
    }),
  ])
}

describe('the client key over a whole e2e run', { timeout: 120_000 }, () => {
  let scene: Scene | undefined
  const captures: Capture[] = []
  const keep = (kind: string, label: string, text: string) =>
    void captures.push({ kind, label, text })
  /** Response bodies still being read. */
  const pending: Promise<void>[] = []
  const pages: { page: Page; name: string }[] = []
  /** Signatures the real key gives the forged notifies. */
  const oracle: string[] = []
  const restore: (() => void)[] = []

  before(async () => {
    // Everything this process prints: console.* (with errors' stacks and causes) and raw writes.
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[level]
      console[level] = (...args: unknown[]) => {
        keep('console', `console.${level}`, format(...args))
        original.apply(console, args)
      }
      restore.push(() => (console[level] = original))
    }
    for (const [name, stream] of [
      ['stdout', process.stdout],
      ['stderr', process.stderr],
    ] as const) {
      const original = stream.write
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        keep(
          'output',
          name,
          typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
        )
        return Reflect.apply(original, stream, [chunk, ...rest]) as boolean
      }) as typeof stream.write
      restore.push(() => (stream.write = original))
    }
    const onWarning = (warning: Error) => keep('error', 'process warning', format(warning))
    process.on('warning', onWarning)
    restore.push(() => process.off('warning', onWarning))
    // As `pnpm demo` would have them: in the process environment too, not only the demo's.
    const saved = {
      QFPAY_KEY: process.env['QFPAY_KEY'],
      QFPAY_APPCODE: process.env['QFPAY_APPCODE'],
    }
    process.env['QFPAY_KEY'] = KEY
    process.env['QFPAY_APPCODE'] = APPCODE
    restore.push(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    })
    scene = await openScene('key-leak', {
      env: { QFPAY_ENV: 'local', QFPAY_KEY: KEY, QFPAY_APPCODE: APPCODE },
    })
  })

  after(async () => {
    try {
      await scene?.close()
    } finally {
      for (const undo of restore.reverse()) undo()
    }
  })

  /** Records a response: status line, every header, and the body where the browser has one. */
  async function captureResponse(name: string, response: Response): Promise<void> {
    const request = response.request()
    const script = request.resourceType() === 'script'
    const label = `${script ? 'script' : 'response'} on ${name}: ${response.status()} ${request.method()} ${response.url()}`
    const headers = await within(response.allHeaders(), 5_000, response.headers())
    let text = `${response.status()} ${response.statusText()}\n${JSON.stringify(headers)}`
    const status = response.status()
    // An event stream's body is read frame by frame (CDP below); a redirect has none.
    if (
      !/text\/event-stream/.test(headers['content-type'] ?? '') &&
      !(status >= 300 && status < 400)
    ) {
      const body = await within(
        response.body().then((b) => b.toString('utf8')),
        10_000,
        undefined
      ).catch(() => undefined)
      if (body !== undefined) {
        text += `\n${body}`
        keep(script ? 'script' : 'response body', label, body)
      }
    }
    keep(script ? 'script response' : 'response', label, text)
  }

  /** A new page whose every request, response, frame, message and navigation is captured. */
  async function open(context: BrowserContext, name: string): Promise<Page> {
    const page = await context.newPage()
    page.on('request', (request) => {
      const label = `request on ${name}: ${request.method()} ${request.url()}`
      keep(
        'request',
        label,
        `${request.url()}\n${JSON.stringify(request.headers())}\n${request.postData() ?? ''}`
      )
      // Every hop of a navigation, redirects included (a redirect's hops never commit a frame).
      if (request.isNavigationRequest())
        keep('navigation', `navigation request on ${name}`, request.url())
    })
    page.on('response', (response) => void pending.push(captureResponse(name, response)))
    page.on('requestfailed', (request) =>
      keep(
        'error',
        `failed request on ${name}`,
        `${request.url()} ${request.failure()?.errorText ?? ''}`
      )
    )
    page.on('console', (message) =>
      keep(
        'browser console',
        `console on ${name}`,
        `${message.type()} ${message.text()} ${message.location().url}`
      )
    )
    page.on('pageerror', (error) =>
      keep('error', `page error on ${name}`, `${error.message}\n${error.stack ?? ''}`)
    )
    page.on('framenavigated', (frame) => keep('navigation', `navigation on ${name}`, frame.url()))
    page.on('websocket', (socket) => {
      keep('websocket', `websocket on ${name}`, socket.url())
      socket.on('framereceived', (frame) =>
        keep('websocket', `websocket frame on ${name}`, String(frame.payload))
      )
    })
    const cdp = await context.newCDPSession(page)
    cdp.on('Network.eventSourceMessageReceived', (event) =>
      keep(
        'sse',
        `SSE frame on ${name}`,
        `event: ${event.eventName}\nid: ${event.eventId}\ndata: ${event.data}`
      )
    )
    await cdp.send('Network.enable')
    pages.push({ page, name })
    return page
  }

  /** The page's HTML with its shadow roots, its storage, its cookies and the element's data. */
  async function snapshot(page: Page, name: string): Promise<void> {
    // No named functions inside: tsx's keepNames would wrap them in a helper the page lacks.
    const state = await page.evaluate(() => {
      const html = [document.documentElement.outerHTML]
      const roots: (Document | ShadowRoot)[] = [document]
      for (let root = roots.pop(); root; root = roots.pop()) {
        for (const el of root.querySelectorAll('*')) {
          if (!el.shadowRoot) continue
          html.push(`<!-- shadow root of ${el.localName} -->${el.shadowRoot.innerHTML}`)
          roots.push(el.shadowRoot)
        }
      }
      const element = document.querySelector('qfpay-checkout') as
        (Element & { checkout?: unknown; state?: string }) | null
      return {
        html: html.join('\n'),
        storage: JSON.stringify({
          url: location.href,
          local: { ...localStorage },
          session: { ...sessionStorage },
          cookie: document.cookie,
          element: element ? { state: element.state, checkout: element.checkout } : null,
        }),
      }
    })
    keep('html', `HTML of ${name} (${page.url()})`, state.html)
    keep('storage', `storage of ${name}`, state.storage)
    keep('storage', `cookies of ${name}`, JSON.stringify(await page.context().cookies()))
  }

  /** A request from outside the browser (the gateway, an attacker, the test), answer recorded. */
  async function call(
    label: string,
    url: string,
    init: RequestInit & { readFor?: number } = {}
  ): Promise<{ status: number; text: string }> {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), init.readFor ?? STEP_TIMEOUT_MS)
    let status = 0
    let text = ''
    try {
      const response = await fetch(url, { redirect: 'manual', ...init, signal: abort.signal })
      status = response.status
      text = `${response.status} ${JSON.stringify([...response.headers])}\n`
      // Read chunk by chunk, so a stream that stays open still yields what it sent.
      const reader = response.body?.getReader()
      const decoder = new TextDecoder()
      for (;;) {
        const chunk = await reader?.read()
        if (!chunk || chunk.done) break
        text += decoder.decode(chunk.value, { stream: true })
      }
    } catch (error) {
      if (!abort.signal.aborted) keep('error', `error of ${label}`, format(error))
    } finally {
      clearTimeout(timer)
    }
    keep('outside', `${label}: ${init.method ?? 'GET'} ${url} -> ${status}`, text)
    return { status, text: text.slice(text.indexOf('\n') + 1) }
  }

  it('never shows the key in a response, SSE frame, page, log line or error', async (t) => {
    const s = scene!
    const urls = s.demo.urls
    const sandbox = urls.sandbox!
    // A given key is the user's: the demo never hands it back (only a generated one is printed).
    assert.deepEqual(s.demo.credentials, { appcode: APPCODE, generated: false })
    assert.equal(s.demo.environment, 'local')
    const desktop = await s.desktop()
    const phone = await s.phone()

    // 1. WeChat Pay: the QR read from pixels, the phone page's Pay.
    const shop = await open(desktop, 'shop (WeChat Pay)')
    await shopFor(shop, urls.shop, { tea: 1, cake: 1 })
    await payWith(shop, 'WeChat Pay')
    await waitForWidget(shop, 'waiting')
    const { text: wechatUrl } = await readQr(shop)
    assert.ok(wechatUrl.startsWith(`${sandbox}/sandbox/pay/`), wechatUrl)
    const wallet = await open(phone, 'phone page (WeChat Pay)')
    await wallet.goto(wechatUrl)
    await snapshot(wallet, 'phone page before Pay')
    await pressOnPhone(wallet, 'Pay')
    await wallet.getByText('Payment successful').waitFor()
    await waitForWidget(shop, 'paid')
    await shop.locator('#after-payment').waitFor()
    const paid = await shop.evaluate(
      () =>
        (
          document.querySelector('qfpay-checkout') as unknown as {
            checkout: { id: string; amount: number }
          }
        ).checkout
    )
    assert.equal(paid.amount, 3800 + 12800)

    // 2. Alipay on a phone: redirect to the wallet, Pay, the return redirect to the thanks page.
    const mobile = await open(phone, 'shop on a phone (Alipay)')
    await shopFor(mobile, urls.shop, { sample: 2 })
    await Promise.all([mobile.waitForURL(`${sandbox}/sandbox/pay/**`), payWith(mobile, 'Alipay')])
    await mobile.getByRole('button', { name: 'Pay', exact: true }).waitFor()
    await snapshot(mobile, 'Alipay wallet page')
    await pressOnPhone(mobile, 'Pay')
    await mobile.waitForURL(
      (url) => url.href.startsWith(urls.thanks) && url.searchParams.has('checkout')
    )
    await waitForWidget(mobile, 'paid')

    // 3. A decline.
    const declining = await open(desktop, 'shop (declined)')
    await shopFor(declining, urls.shop, { oolong: 1 })
    await payWith(declining, 'WeChat Pay')
    await waitForWidget(declining, 'waiting')
    const { text: declineUrl } = await readQr(declining)
    const declineWallet = await open(phone, 'phone page (Decline)')
    await declineWallet.goto(declineUrl)
    await pressOnPhone(declineWallet, 'Decline')
    await declineWallet.getByText('Payment declined').waitFor()
    await waitForWidget(declining, 'failed')

    // 4. A cancel, then the cancelled order's phone page (409).
    const cancelling = await open(desktop, 'shop (cancelled)')
    await shopFor(cancelling, urls.shop, { cup: 1 })
    await payWith(cancelling, 'Alipay')
    await waitForWidget(cancelling, 'waiting')
    const { text: cancelUrl } = await readQr(cancelling)
    await cancelling.locator('qfpay-checkout').locator('[part="cancel-button"]').click()
    await waitForWidget(cancelling, 'cancelled')
    const cancelWallet = await open(phone, 'phone page (cancelled order)')
    assert.equal((await cancelWallet.goto(cancelUrl))?.status(), 409)

    // 5. Error paths, from the page (same origin, through the page's proxy) and from outside.
    const { orders } = JSON.parse(
      (await call('sandbox orders (for the forged notifies)', `${sandbox}/__sandbox/orders`)).text
    ) as { orders: { syssn: string; out_trade_no: string }[] }
    assert.ok(orders.length >= 4, `the sandbox holds the run's orders, got ${orders.length}`)
    // A notify for a real order, with the amount changed: what an attacker would try.
    const notifyFields = {
      notify_type: 'payment',
      respcd: '0000',
      syssn: orders[0]!.syssn,
      out_trade_no: orders[0]!.out_trade_no,
      txamt: 1,
      txcurrcd: 'CNY',
      pay_type: '800201',
    }
    const forgedWithZeros = signNotifyForTest(notifyFields, '0'.repeat(32))
    const forgedLowerKey = signNotifyForTest(notifyFields, KEY.toLowerCase())
    const unsigned = JSON.stringify(notifyFields)
    oracle.push(
      signNotifyForTest(forgedWithZeros.body, KEY).signature,
      signNotifyForTest(unsigned, KEY).signature
    )
    const errors = await open(desktop, 'error paths')
    await errors.goto(`${urls.thanks}?checkout=AAAAAAAAAAAAAAAAAAAAAAAA`)
    const fromPage = await errors.evaluate(
      async ({ forged, lowerKey, unsigned }) => {
        const json = { 'content-type': 'application/json' }
        const tries: [string, RequestInit?][] = [
          [
            '/qfpay/checkouts',
            {
              method: 'POST',
              headers: json,
              body: JSON.stringify({ payType: '800201', order: 'bad' }),
            },
          ],
          [
            '/qfpay/checkouts',
            {
              method: 'POST',
              headers: json,
              body: JSON.stringify({ payType: '800201', order: 'x/nothing:1' }),
            },
          ],
          [
            '/qfpay/checkouts',
            {
              method: 'POST',
              headers: json,
              body: JSON.stringify({ payType: '999999', order: 'x/tea:1' }),
            },
          ],
          ['/qfpay/checkouts', { method: 'POST', headers: json, body: '{' }],
          ['/qfpay/checkouts/AAAAAAAAAAAAAAAAAAAAAAAA'],
          ['/qfpay/checkouts/AAAAAAAAAAAAAAAAAAAAAAAA/events'],
          [
            '/qfpay/checkouts/AAAAAAAAAAAAAAAAAAAAAAAA/cancel',
            { method: 'POST', headers: json, body: '{}' },
          ],
          ['/qfpay/notify', { method: 'POST', headers: forged.headers, body: forged.body }],
          ['/qfpay/notify', { method: 'POST', headers: lowerKey.headers, body: lowerKey.body }],
          ['/qfpay/notify', { method: 'POST', headers: json, body: unsigned }],
          ['/qfpay/return?out_trade_no=nope'],
          ['/qfpay/nope'],
          ['/qfpay-pos/config'],
          ['/api/admin/checkouts'],
        ]
        const statuses: number[] = []
        for (const [path, init] of tries) {
          const { 'Content-Length': _, ...headers } = (init?.headers ?? {}) as Record<
            string,
            string
          >
          const response = await fetch(path, { ...init, headers, redirect: 'manual' })
          statuses.push(response.status)
          await response.text()
        }
        return statuses
      },
      { forged: forgedWithZeros, lowerKey: forgedLowerKey, unsigned }
    )
    assert.ok(
      fromPage.slice(0, 7).every((status) => status >= 400 && status < 500),
      `4xx: ${fromPage}`
    )
    for (const [label, body, headers] of [
      ['forged notify (zero key)', forgedWithZeros.body, forgedWithZeros.headers],
      ['forged notify (lower-case key)', forgedLowerKey.body, forgedLowerKey.headers],
      ['unsigned notify', unsigned, { 'content-type': 'application/json' }],
      [
        'malformed notify',
        'not json {',
        { 'content-type': 'application/json', 'x-qf-sign': 'A'.repeat(32) },
      ],
    ] as const) {
      const answer = await call(label, `${urls.merchant}/qfpay/notify`, {
        method: 'POST',
        headers,
        body,
      })
      assert.notEqual(answer.status, 200, `${label} is refused`)
    }

    // 6. The console: sign in with the admin token, refund part of the WeChat payment, then the rest.
    const staff = await open(desktop, 'console')
    await staff.goto(urls.consoleSignIn)
    const row = `tr[data-checkout="${paid.id}"]`
    await staff.locator(row).waitFor()
    await staff.locator(`${row} .refund-amount`).fill('10.00')
    await staff.locator(`${row} button.refund`).click()
    await staff.locator(`${row}[data-status="partially_refunded"]`).waitFor()
    await staff.locator(`${row} button.refund-all`).click()
    await staff.locator(`${row}[data-status="refunded"]`).waitFor()

    // 7. The cashier (the staff cookie from the console).
    const till = await open(desktop, 'cashier')
    await till.goto(urls.cashier)
    await till.locator('.product[data-sku="tea"] button.add').click()
    const input = till.locator('qfpay-checkout').locator('[part="cashier-input"]')
    await input.click()
    await till.keyboard.type(PAYS_AT_ONCE, { delay: 5 })
    await till.keyboard.press('Enter')
    await waitForWidget(till, 'paid')

    // 8. The onPaid hook's log lines; every checkout's stream read from outside to its end; the
    //    sandbox's control API and the admin API.
    await eventually('the onPaid hooks', () => s.demo.hooks.stats().paidCheckouts >= 3)
    const admin = { authorization: `Bearer ${s.demo.adminToken}` }
    const { checkouts } = JSON.parse(
      (await call('admin checkouts', `${urls.merchant}/api/admin/checkouts`, { headers: admin }))
        .text
    ) as { checkouts: { id: string }[] }
    assert.ok(checkouts.length >= 5, `the run made its checkouts, got ${checkouts.length}`)
    for (const { id } of checkouts) {
      for (const mount of ['qfpay', 'qfpay-pos']) {
        await call(`stream of ${id}`, `${urls.merchant}/${mount}/checkouts/${id}/events`, {
          headers: { ...admin, 'last-event-id': '0' },
          readFor: 3_000,
        })
        await call(`checkout ${id}`, `${urls.merchant}/${mount}/checkouts/${id}`, {
          headers: admin,
        })
      }
    }
    for (const path of ['merchants', 'orders', 'notifies', 'knobs', 'health'])
      await call(`sandbox ${path}`, `${sandbox}/__sandbox/${path}`)
    for (const path of [
      '/api/admin/hooks',
      '/api/admin/checkouts',
      '/qfpay/config',
      '/api/products',
    ])
      await call(`merchant ${path}`, `${urls.merchant}${path}`, { headers: admin })

    // 9. The final state of every page, the outstanding bodies, the servers' logs.
    for (const { page, name } of pages)
      if (!page.isClosed()) await snapshot(page, `${name} (final)`)
    await within(Promise.allSettled(pending), 15_000, [])
    for (const line of s.logs) keep('log', 'server log line', line)
    for (const problem of s.problems) keep('error', 'page problem', problem)

    const count = (kind: string) => captures.filter((c) => c.kind === kind).length
    const summary = [
      'response',
      'response body',
      'script response',
      'script',
      'request',
      'sse',
      'outside',
      'html',
      'storage',
      'navigation',
      'browser console',
      'log',
      'console',
      'output',
      'error',
      'websocket',
    ].map((kind) => `${kind} ${count(kind)}`)
    const chars = captures.reduce((n, c) => n + c.text.length, 0)
    t.diagnostic(`captured ${captures.length} items, ${chars} characters: ${summary.join(', ')}`)

    // Enough was seen that the search means something.
    assert.ok(count('response') + count('script response') > 50, 'more than 50 responses')
    assert.ok(
      captures.some((c) => c.kind === 'sse' && /"status":"paid"/.test(c.text)),
      'an SSE frame with status paid reached the browser'
    )
    assert.ok(
      captures.some(
        (c) =>
          c.kind === 'outside' && c.label.startsWith('stream of') && /event: ?status/.test(c.text)
      ),
      'the streams read from outside held frames'
    )
    assert.ok(count('log') >= 1, 'server log lines')
    assert.ok(
      captures.some((c) => c.kind === 'script' && /widget/.test(c.label)),
      'the widget modules as served'
    )
    assert.ok(count('html') >= 8, 'the pages HTML')
    assert.ok(
      captures.some((c) => c.kind === 'navigation' && c.text.includes('/qfpay/return')),
      'the return redirect chain'
    )
    assert.ok(
      captures.some((c) => c.label.startsWith('sandbox merchants:') && c.text.includes(APPCODE)),
      'the sandbox merchants'
    )

    // The search: where, never what.
    const forms = keyForms(KEY, oracle)
    const leaks: string[] = []
    for (const capture of captures) {
      for (const form of forms) {
        if (form.in(capture.text) || form.in(capture.label))
          leaks.push(`${form.form} in ${capture.kind}: ${redact(capture.label, KEY, oracle)}`)
      }
    }
    const where = [...new Set(leaks)]
    assert.equal(
      where.length,
      0,
      `the key leaked in ${where.length} captures:\n${where.slice(0, 30).join('\n')}${where.length > 30 ? '\n…' : ''}`
    )
  })
})
