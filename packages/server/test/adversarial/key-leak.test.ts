/**
 * Adversarial: the client key over a whole run. Pass: absent from the widget bundle, every
 * response, SSE frame, log line and error.
 *
 * One loopback run through every route of both mounts, happy and failing: config, creations,
 * polls, SSE streams read to their end (with and without Last-Event-ID), payment and refund
 * notifies, forged / unsigned / mismatching / signed-but-malformed notifies, the return
 * redirect, cancels, refunds, bad bodies, a foreign Origin, unknown ids, and every gateway
 * fault (timeout, reset, 5xx, HTML, malformed JSON, 429) on create, cancel, poll and refund.
 * Captured: each response's status line, headers and body; every SSE frame; the app's log
 * lines; anything written to the console; every error thrown to the merchant's code (message,
 * stack, JSON, causes); the merchant's answers to the sandbox's notifies; the sandbox's own
 * control API. Searched for: the key in any case, its base64, and the signature the key would
 * give each forged notify (a signing oracle leaks the key's power without the key).
 * Then the widget is built (both library passes, into a temp dir) with the key in the build
 * environment, and its output searched too. checkout-secrets.test.ts covers the in-process
 * sandbox mode without SSE or faults.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { signBody } from '../../src/qfpay/sign.ts'
import { signNotifyForTest } from '../../src/testing/index.ts'
import { bedBehindProxy, type Fault, paymentNotifyFields, TEST_KEY } from './helpers.ts'
import { listRejectedNotifies } from '../support/store-queries.ts'

/** Every form in which the key must not appear. */
function forbidden(key: string): string[] {
  return [
    key.toUpperCase(),
    key.toLowerCase(),
    Buffer.from(key).toString('base64'),
    Buffer.from(key).toString('hex').toUpperCase(),
  ]
}

describe('the client key', () => {
  it(
    'never appears in a response, SSE frame, log line, console line or error over a whole run',
    { timeout: 90_000 },
    async (t) => {
      const seen: string[] = []
      const oracle: string[] = [] // signatures of forged bodies under the real key
      const restore = {
        log: console.log,
        warn: console.warn,
        error: console.error,
        info: console.info,
        debug: console.debug,
      }
      for (const level of Object.keys(restore) as Array<keyof typeof restore>) {
        console[level] = (...args: unknown[]) =>
          void seen.push(
            `console.${level} ${args.map((a) => (a instanceof Error ? `${a.stack} ${JSON.stringify(a)}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`
          )
      }
      t.after(() => Object.assign(console, restore))
      const { b, proxy } = await bedBehindProxy(t, {
        checkout: {
          gatewayTimeoutMs: 600,
          publicUrl: 'https://shop.example/qfpay',
          allowedOrigins: ['https://shop.example'],
          // One client opens a checkout per fault; the per-client cap has its own test.
          maxPendingPerClient: 1_000,
        },
        amounts: { 'K-1': 1000 },
      })

      /** Sends a request and records the whole answer, SSE streams read to their end. */
      const call = async (
        path: string,
        init: RequestInit = {}
      ): Promise<{ status: number; text: string }> => {
        const res = await fetch(`${path.startsWith('http') ? '' : b.appUrl}${path}`, {
          redirect: 'manual',
          ...init,
        })
        const text = await res.text()
        seen.push(
          `${init.method ?? 'GET'} ${path} -> ${res.status} ${JSON.stringify([...res.headers])}\n${text}`
        )
        return { status: res.status, text }
      }
      const json = { 'Content-Type': 'application/json' }
      const create = async (
        order: string,
        payType = '800201',
        mount = '/qfpay',
        extra: Record<string, unknown> = {}
      ) => {
        const r = await call(`${mount}/checkouts`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ payType, order, ...extra }),
        })
        return JSON.parse(r.text) as { id: string; status: string; error?: unknown }
      }
      const captureError = async (work: () => Promise<unknown>) => {
        try {
          await work()
        } catch (error) {
          for (
            let e: unknown = error, depth = 0;
            e && depth < 5;
            e = (e as { cause?: unknown }).cause, depth++
          ) {
            seen.push(
              `thrown ${String(e)} ${(e as Error).stack ?? ''} ${JSON.stringify(e)} ${JSON.stringify((e as { toJSON?: () => unknown }).toJSON?.() ?? null)}`
            )
          }
        }
      }
      const notify = async (body: string, headers: Record<string, string>) =>
        call('/qfpay/notify', { method: 'POST', headers, body })

      // Happy path: config, create, stream, poll, pay, return, refunds, cancel.
      await call('/qfpay/config')
      await create('K-0', '800201') // warm-up: the first gateway call of a process is the slowest
      const paid = await create('K-1', '800151')
      assert.ok(paid.id, JSON.stringify(paid))
      const stream = call(`/qfpay/checkouts/${paid.id}/events`)
      await call(`/qfpay/checkouts/${paid.id}`)
      await b.pay(paid.id)
      await stream
      await call(`/qfpay/checkouts/${paid.id}/events`, { headers: { 'Last-Event-ID': '1' } })
      await call(`/qfpay/checkouts/${paid.id}/events`, { headers: { 'Last-Event-ID': '999' } })
      const record = await b.get(paid.id)
      await call(
        `/qfpay/return?out_trade_no=${record.outTradeNo}&syssn=${record.syssn}&respcd=0000`
      )
      await captureError(() => b.checkout.merchant.refund(paid.id, { amount: 400 }))
      await captureError(() => b.checkout.merchant.refund(paid.id, { amount: 4000 }))
      await captureError(() => b.checkout.merchant.refund('nope', { amount: 1 }))
      await captureError(() => b.checkout.merchant.cancel(paid.id))
      await b.sandbox.drain() // refund notifies
      const pending = await create('K-2', '800201')
      await call(`/qfpay/checkouts/${pending.id}/cancel`, {
        method: 'POST',
        headers: json,
        body: '{}',
      })
      await call(`/qfpay/checkouts/${paid.id}/cancel`, {
        method: 'POST',
        headers: json,
        body: '{}',
      })
      const till = await create('K-3', '800108', '/qfpay-pos', { authCode: '130000000000000000' })
      await call(`/qfpay-pos/checkouts/${till.id}/events`)
      await call(`/qfpay/checkouts/${till.id}`)

      // Notifies an attacker sends.
      const fields = paymentNotifyFields(record)
      for (const key of ['0'.repeat(32), TEST_KEY.toLowerCase(), '']) {
        const forged = signNotifyForTest({ ...fields, txamt: 1 }, key)
        oracle.push(signBody(forged.body, TEST_KEY))
        await notify(forged.body, forged.headers)
      }
      const unsignedBody = JSON.stringify(fields)
      oracle.push(signBody(unsignedBody, TEST_KEY))
      await notify(unsignedBody, json)
      const mismatching = signNotifyForTest({ ...fields, txamt: 1 }, TEST_KEY)
      await notify(mismatching.body, mismatching.headers)
      const malformed = signNotifyForTest('not json {', TEST_KEY)
      await notify(malformed.body, malformed.headers)
      const refundNotify = signNotifyForTest(
        { notify_type: 'refund', respcd: '0000', syssn: '1', out_trade_no: 'R0', txamt: 1 },
        TEST_KEY
      )
      await notify(refundNotify.body, refundNotify.headers)

      // Bad requests.
      await call('/qfpay/checkouts', { method: 'POST', headers: json, body: '{' })
      await call('/qfpay/checkouts', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: 'x',
      })
      await call('/qfpay/checkouts', {
        method: 'POST',
        headers: { ...json, Origin: 'https://evil.example' },
        body: '{}',
      })
      await call('/qfpay/checkouts', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ payType: '800201', order: 'K-4', pad: 'x'.repeat(20_000) }),
      })
      await call('/qfpay/checkouts', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ payType: '800207', order: 'K-4' }),
      })
      await call('/qfpay/checkouts', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ payType: '800201', order: 'missing-1' }),
      })
      await call('/qfpay/checkouts/AAAAAAAAAAAAAAAAAAAAAAAA/events')
      await call('/qfpay/return?out_trade_no=nope')
      await call('/qfpay/nope')
      await call('/qfpay/checkouts', {
        method: 'OPTIONS',
        headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
      })

      // Every gateway fault, on create, cancel, poll, refund and the merchant's own calls.
      // The slow faults (black hole, trickle, 429 with its back-off) only on /payment, so the run
      // does not wait out the budget on every call; the fast ones on every call.
      const faults: Array<{ fault?: Fault; only?: string; knobs?: Record<string, number> }> = [
        { fault: 'hang', only: 'payment' },
        { fault: 'trickle', only: 'payment' },
        { fault: 'http_429', only: 'payment' },
        { fault: 'reset' },
        { fault: 'reset_after' },
        { fault: 'http_500' },
        { knobs: { serverErrorRate: 1 } },
        { knobs: { htmlErrorRate: 1 } },
        { knobs: { malformedJsonRate: 1 } },
      ]
      for (const [i, f] of faults.entries()) {
        const open = await create(`K-F${i}`, '800151')
        proxy.decide = (endpoint) =>
          f.fault && (!f.only || f.only === endpoint) ? f.fault : 'pass'
        b.sandbox.setKnobs({
          serverErrorRate: 0,
          htmlErrorRate: 0,
          malformedJsonRate: 0,
          ...f.knobs,
        })
        await create(`K-G${i}`, '800201')
        await call(`/qfpay/checkouts/${open.id}/cancel`, {
          method: 'POST',
          headers: json,
          body: '{}',
        })
        await b.clock.advance(10_000)
        await call(`/qfpay/checkouts/${open.id}`)
        const signed = signNotifyForTest(paymentNotifyFields(await b.get(open.id)), TEST_KEY)
        await notify(signed.body, signed.headers)
        await captureError(() => b.checkout.merchant.cancel(open.id))
        await captureError(() => b.checkout.merchant.refund(paid.id, { amount: 10 }))
        await captureError(() => b.checkout.merchant.reconcile())
        proxy.decide = () => 'pass'
        b.sandbox.setKnobs({ serverErrorRate: 0, htmlErrorRate: 0, malformedJsonRate: 0 })
      }
      await b.checkout.merchant.reconcile()
      await b.settleHooks()

      // The merchant's answers to the gateway's notifies, and the sandbox's own control API.
      for (const n of b.sandbox.notifies()) seen.push(`notify answer ${JSON.stringify(n.attempts)}`)
      for (const path of [
        '/__sandbox/merchants',
        '/__sandbox/orders',
        '/__sandbox/notifies',
        '/__sandbox/knobs',
        '/__sandbox/health',
      ])
        await call(`${b.sandboxUrl}${path}`)
      seen.push(...b.logs.map((line) => `log ${line}`))
      for (const rejected of await listRejectedNotifies(b.store, { limit: 500 }))
        seen.push(`stored rejected notify ${JSON.stringify(rejected)}`)

      t.diagnostic(
        `searched ${seen.length} captured responses, frames, log lines and errors (${seen.reduce((n, s) => n + s.length, 0)} characters)`
      )
      assert.ok(
        seen.some((s) => s.includes('event: status')),
        'SSE frames were captured'
      )
      assert.ok(
        seen.some((s) => s.startsWith('log ') && s.includes('"level":"error"')),
        'error log lines were captured'
      )
      assert.ok(
        seen.some((s) => s.startsWith('thrown ') && s.includes('gateway')),
        'gateway errors were captured'
      )
      const needles = [...forbidden(TEST_KEY), ...oracle.flatMap((sig) => [sig, sig.toLowerCase()])]
      for (const line of seen) {
        for (const needle of needles)
          assert.ok(
            !line.includes(needle),
            `leaked ${needle === TEST_KEY ? 'the key' : 'a key-derived value'}: ${line.slice(0, 300)}`
          )
      }
    }
  )

  it(
    'is absent from the built widget, even when it sits in the build environment',
    { timeout: 120_000 },
    async (t) => {
      const widget = fileURLToPath(new URL('../../../widget/', import.meta.url))
      const vite = join(widget, 'node_modules', '.bin', 'vite')
      if (!existsSync(vite)) return t.skip('the widget package is not installed')
      const out = mkdtempSync(join(tmpdir(), 'qfpay-widget-'))
      t.after(() => rmSync(out, { recursive: true, force: true }))
      const sentinel = 'F00DFACE0FF1C1A0BEEF5EC2E7D00D1E'
      // A bundler that inlines env (define, import.meta.env) would carry these into the output.
      const env = {
        ...process.env,
        QFPAY_KEY: sentinel,
        VITE_QFPAY_KEY: sentinel,
        QFPAY_APPCODE: 'LEAKCHECKAPPCODE',
      }
      for (const mode of ['production', 'define']) {
        const built = spawnSync(
          vite,
          [
            'build',
            '--mode',
            mode,
            '--outDir',
            join(out, mode),
            '--emptyOutDir',
            '--logLevel',
            'error',
          ],
          { cwd: widget, env, encoding: 'utf8', timeout: 100_000 }
        )
        assert.equal(built.status, 0, `vite build --mode ${mode} failed: ${built.stderr}`)
      }
      const files: string[] = []
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name)
          if (statSync(path).isDirectory()) walk(path)
          else files.push(path)
        }
      }
      walk(out)
      const scripts = files.filter((f) => f.endsWith('.js'))
      assert.ok(scripts.length >= 2, `built ${files.length} files`)
      for (const file of files) {
        const text = readFileSync(file, 'utf8')
        for (const needle of [
          ...forbidden(sentinel),
          ...forbidden(TEST_KEY),
          'QFPAY_KEY',
          'LEAKCHECKAPPCODE',
          'client_key',
        ]) {
          assert.ok(!text.includes(needle), `${file.slice(out.length)} contains ${needle}`)
        }
      }
      t.diagnostic(
        `searched ${scripts.length} built scripts (${scripts.reduce((n, f) => n + statSync(f).size, 0)} bytes)`
      )
    }
  )
})
