/**
 * Adversarial: the browser sends an amount, URLs, unknown fields, huge bodies, wrong content
 * types, a disallowed Origin; ids are guessed or enumerated. Pass: ignored or rejected with a
 * 4xx; the gateway only ever sees server-decided values; unknown ids give 404 with no timing or
 * content difference that reveals existence.
 *
 * Every `/trade/v1` call the checkout makes is captured (a wrapping `gatewayFetch`), so "the
 * gateway only ever sees server-decided values" is checked on the wire, field by field.
 * Covered in part by checkout-errors.test.ts (one amount, one unknown field), security.test.ts
 * (origins, body limit, content types, on a stand-in app) and validation.test.ts; here it is
 * generated, over loopback, against the real money routes.
 */
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../support/replay.ts'
import type { Bed } from '../support/checkout-test-bed.ts'
import { bed } from './helpers.ts'

const PUBLIC_URL = 'https://shop.example/qfpay'
/** What a `/payment` of a pre-order may carry, all decided by the server. */
const PAYMENT_FIELDS = new Set([
  'pay_type',
  'out_trade_no',
  'txamt',
  'txcurrcd',
  'goods_name',
  'expired_time',
  'notify_url',
  'return_url',
  'txdtm',
])

async function capturingBed(t: Parameters<typeof bed>[0]) {
  const calls: Array<{ endpoint: string; params: URLSearchParams }> = []
  const b = await bed(t, {
    checkout: {
      publicUrl: PUBLIC_URL,
      gateway: {
        fetch: (input, init) => {
          calls.push({
            endpoint: String(input).replace(/^.*\/trade\/v1\//, ''),
            params: new URLSearchParams(String(init?.body ?? '')),
          })
          return fetch(input, init)
        },
      },
      http: {
        perClient: {
          // Hundreds of property runs from one address: the pending cap has its own test.
          pendingCheckouts: 100_000,
        },
      },
    },
  })
  return { b, calls }
}

/** A POST on its own connection (`Connection: close`), read even if the server stops reading. */
function rawPost(
  b: Bed,
  path: string,
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {}
): Promise<Response> {
  const url = new URL(`${b.appUrl}${path}`)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          Connection: 'close',
          ...headers,
          ...(typeof body === 'string'
            ? { 'Content-Length': String(Buffer.byteLength(body)) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0 }))
        )
      }
    )
    req.on('error', (error) => (req.writableEnded ? undefined : reject(error)))
    if (typeof body === 'string') return void req.end(body)
    void (async () => {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>)
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r))
      req.end()
    })().catch(() => undefined)
  })
}

function post(
  b: Bed,
  path: string,
  body: BodyInit | null,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
  extra: RequestInit = {}
) {
  return fetch(`${b.appUrl}${path}`, { method: 'POST', headers, body, ...extra })
}

describe('browser input', () => {
  it(
    'ignores every browser-sent amount, URL and unknown field: the gateway sees only what the server decided',
    { timeout: 60_000 },
    async (t) => {
      const { b, calls } = await capturingBed(t)
      const names = fc.constantFrom(
        'amount',
        'txamt',
        'currency',
        'txcurrcd',
        'notify_url',
        'return_url',
        'notifyUrl',
        'returnUrl',
        'publicUrl',
        'out_trade_no',
        'outTradeNo',
        'goods_name',
        'goodsName',
        'payUrl',
        'mchid',
        'expired_time',
        'expiresAt',
        'expiresIn',
        'status',
        'id',
        'syssn',
        'auth_code',
        '__proto__',
        'constructor',
        'prototype'
      )
      const extras = fc.array(
        fc.tuple(
          fc.oneof(
            names,
            fc
              .string({ maxLength: 12 })
              .filter((k) => k !== 'payType' && k !== 'order' && k !== 'authCode')
          ),
          fc.jsonValue({ maxDepth: 2 })
        ),
        { maxLength: 8 }
      )
      let run = 0
      await assertProperty(
        fc.asyncProperty(extras, fc.constantFrom('800151', '800201'), async (pairs, payType) => {
          const order = `B-${++run}`
          // Written by hand so that keys like __proto__ really travel in the JSON text.
          const text = `{${[...pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`), `"payType":"${payType}"`, `"order":"${order}"`].join(',')}}`
          const from = calls.length
          const res = await post(b, '/qfpay/checkouts', text)
          assert.equal(res.status, 201, await res.clone().text())
          const body = (await res.json()) as Record<string, unknown>
          assert.equal(body['amount'], 1000)
          assert.equal(body['currency'], 'CNY')
          assert.equal(body['order'], order)
          const payments = calls.slice(from).filter((c) => c.endpoint === 'payment')
          assert.equal(payments.length, 1)
          const p = payments[0]!.params
          assert.deepEqual(
            [...p.keys()].filter((k) => !PAYMENT_FIELDS.has(k)),
            [],
            'no browser field reached the gateway'
          )
          assert.equal(p.get('txamt'), '1000')
          assert.equal(p.get('txcurrcd'), 'CNY')
          assert.equal(p.get('pay_type'), payType)
          assert.equal(p.get('goods_name'), 'Tea')
          assert.equal(p.get('notify_url'), `${PUBLIC_URL}/notify`)
          assert.equal(p.get('return_url'), `${PUBLIC_URL}/return/${p.get('out_trade_no')}`)
          // Today's docs allow expired_time for 800201, not for 800151.
          assert.equal(p.get('expired_time'), payType === '800201' ? '15' : null)
          assert.match(p.get('out_trade_no') ?? '', /^P[0-9a-f]{30}$/)
          assert.equal(
            ({} as Record<string, unknown>)['amount'],
            undefined,
            'Object.prototype polluted'
          )
        }),
        { numRuns: 120 }
      )
    }
  )

  it('refuses huge bodies, wrong content types, bad JSON and bad fields with a 4xx, before the gateway hears of it', async (t) => {
    const { b, calls } = await capturingBed(t)
    const valid = JSON.stringify({ payType: '800201', order: 'B-X' })
    const padded = (bytes: number) =>
      JSON.stringify({ payType: '800201', order: 'B-X', pad: 'x'.repeat(bytes) })
    const stream = (bytes: number) =>
      new ReadableStream({
        start(controller) {
          for (let sent = 0; sent < bytes; sent += 8192)
            controller.enqueue(new TextEncoder().encode('x'.repeat(8192)))
          controller.close()
        },
      })
    const cases: Array<[string, () => Promise<Response>, number, string]> = [
      // Huge bodies go on a connection of their own: the server answers 413 without reading
      // them and then drops the connection, which a pooled client would otherwise reuse.
      [
        '16 KiB + 1 declared',
        () => rawPost(b, '/qfpay/checkouts', padded(16 * 1024)),
        413,
        'payload_too_large',
      ],
      [
        '5 MB declared',
        () => rawPost(b, '/qfpay/checkouts', padded(5 * 1024 * 1024)),
        413,
        'payload_too_large',
      ],
      [
        '1 MB chunked, no length',
        () => rawPost(b, '/qfpay/checkouts', stream(1024 * 1024)),
        413,
        'payload_too_large',
      ],
      [
        '1 MB notify',
        () => rawPost(b, '/qfpay/notify', padded(1024 * 1024), { 'X-QF-SIGN': '0'.repeat(32) }),
        413,
        'payload_too_large',
      ],
      [
        'text/plain',
        () => post(b, '/qfpay/checkouts', valid, { 'Content-Type': 'text/plain' }),
        415,
        'unsupported_media_type',
      ],
      [
        'form',
        () =>
          post(b, '/qfpay/checkouts', 'payType=800201&order=B-X', {
            'Content-Type': 'application/x-www-form-urlencoded',
          }),
        415,
        'unsupported_media_type',
      ],
      [
        'multipart',
        () =>
          post(b, '/qfpay/checkouts', valid, { 'Content-Type': 'multipart/form-data; boundary=x' }),
        415,
        'unsupported_media_type',
      ],
      [
        'no content type',
        () => post(b, '/qfpay/checkouts', new Blob([valid]), {}),
        415,
        'unsupported_media_type',
      ],
      [
        'xml',
        () => post(b, '/qfpay/checkouts', '<order/>', { 'Content-Type': 'application/xml' }),
        415,
        'unsupported_media_type',
      ],
      [
        'cancel as text',
        () =>
          post(b, '/qfpay/checkouts/AAAAAAAAAAAAAAAAAAAAAAAA/cancel', 'x', {
            'Content-Type': 'text/plain',
          }),
        415,
        'unsupported_media_type',
      ],
      ['malformed JSON', () => post(b, '/qfpay/checkouts', '{"payType":'), 400, 'invalid_json'],
      ['JSON array', () => post(b, '/qfpay/checkouts', '[1,2]'), 400, 'invalid_request'],
      ['JSON null', () => post(b, '/qfpay/checkouts', 'null'), 400, 'invalid_request'],
      [
        'amount as payType',
        () => post(b, '/qfpay/checkouts', JSON.stringify({ payType: 1, order: 'B-X' })),
        400,
        'invalid_request',
      ],
      [
        'order of 129 characters',
        () =>
          post(
            b,
            '/qfpay/checkouts',
            JSON.stringify({ payType: '800201', order: 'x'.repeat(129) })
          ),
        400,
        'invalid_request',
      ],
      [
        'order with a line break',
        () => post(b, '/qfpay/checkouts', JSON.stringify({ payType: '800201', order: 'B\nX' })),
        400,
        'invalid_request',
      ],
      [
        'swipe type on the public mount',
        () =>
          post(
            b,
            '/qfpay/checkouts',
            JSON.stringify({ payType: '800108', order: 'B-X', authCode: '130000000000000000' })
          ),
        400,
        'pay_type_not_enabled',
      ],
      [
        'order the merchant does not know',
        () =>
          post(b, '/qfpay/checkouts', JSON.stringify({ payType: '800201', order: 'missing-1' })),
        404,
        'order_not_found',
      ],
    ]
    for (const [name, send, status, code] of cases) {
      const res = await send().catch((error: unknown) =>
        assert.fail(`${name}: ${String(error)} ${String((error as { cause?: unknown }).cause)}`)
      )
      const text = await res.text()
      // A non-JSON POST without an Origin has the shape of a legacy cross-site form: Hono's csrf
      // guard refuses it (403) before the media-type check (415) would. Either is a refusal.
      const csrf = status === 415 && res.status === 403 && text.includes('origin_not_allowed')
      assert.ok(res.status === status || csrf, `${name}: ${res.status} ${text.slice(0, 200)}`)
      if (!name.includes('notify') && !csrf)
        assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, code, name)
    }
    assert.deepEqual(calls, [], 'the gateway heard of none of them')
  })

  it('refuses a disallowed Origin (and cross-site fetches) on every state-changing route', async (t) => {
    const { b, calls } = await capturingBed(t)
    const { body } = await b.create('B-O', '800201')
    calls.length = 0
    const json = { 'Content-Type': 'application/json' }
    for (const headers of [
      { ...json, Origin: 'https://evil.example' },
      { ...json, Origin: 'null' },
      { ...json, Origin: 'https://shop.example.evil.example' },
      { ...json, Origin: 'http://shop.example' }, // publicUrl is https
      { ...json, 'Sec-Fetch-Site': 'cross-site' },
      { ...json, 'Sec-Fetch-Site': 'same-site' },
      { 'Content-Type': 'text/plain' }, // a legacy cross-site form without an Origin
    ]) {
      for (const [path, payload] of [
        ['/qfpay/checkouts', JSON.stringify({ payType: '800151', order: 'B-O2' })],
        [`/qfpay/checkouts/${body.id}/cancel`, '{}'],
      ] as const) {
        const res = await post(b, path, payload, headers)
        assert.ok(
          res.status === 403 || res.status === 415,
          `${JSON.stringify(headers)} ${path}: ${res.status}`
        )
        assert.equal(res.headers.get('access-control-allow-origin'), null)
      }
    }
    assert.deepEqual(calls, [])
    assert.equal((await b.get(body.id)).status, 'pending')
    // The allowed origin passes (control).
    const ok = await post(b, `/qfpay/checkouts/${body.id}/cancel`, '{}', {
      ...json,
      Origin: 'https://shop.example',
    })
    assert.equal(ok.status, 200)
  })
})

describe('guessed and enumerated ids', () => {
  it(
    'answers the same 404, byte for byte, for malformed, unknown and other-mount ids, and changes nothing',
    { timeout: 60_000 },
    async (t) => {
      const b = await bed(t, { checkout: { publicUrl: PUBLIC_URL } })
      // A till's swipe-card checkout, still pending (its code answers 1143 for three queries).
      const till = await b.create('B-T', '800108', '130000000000001143')
      assert.equal(till.body.status, 'pending')
      const tillRecord = await b.get(till.body.id)
      const reference = await fetch(`${b.appUrl}/qfpay/checkouts/AAAAAAAAAAAAAAAAAAAAAAAA`)
      const referenceBody = await reference.text()
      assert.equal(reference.status, 404)
      const headerNames = (r: Response) =>
        [...r.headers.keys()]
          .filter((h) => h !== 'date')
          .sort()
          .join(',')
      const referenceHeaders = headerNames(reference)
      const ids = fc.oneof(
        fc
          .string({ maxLength: 40 })
          .filter(
            (s) =>
              s.length > 0 &&
              !s.includes('/') &&
              !s.includes('?') &&
              !s.includes('#') &&
              s !== '.' &&
              s !== '..'
          ),
        fc.stringMatching(/^[A-Za-z0-9_-]{24}$/),
        fc.constant(till.body.id)
      )
      await assertProperty(
        fc.asyncProperty(ids, fc.constantFrom('status', 'events', 'cancel'), async (id, route) => {
          const path = `/qfpay/checkouts/${encodeURIComponent(id)}${route === 'events' ? '/events' : route === 'cancel' ? '/cancel' : ''}`
          const res =
            route === 'cancel' ? await post(b, path, '{}') : await fetch(`${b.appUrl}${path}`)
          const text = await res.text()
          assert.equal(
            res.status,
            404,
            `${route} ${JSON.stringify(id)}: ${res.status} ${text.slice(0, 120)}`
          )
          assert.equal(text, referenceBody)
          assert.equal(headerNames(res), referenceHeaders)
        }),
        { numRuns: 200 }
      )
      // The till's checkout was neither read nor reversed through the public mount.
      assert.equal((await b.get(till.body.id)).status, 'pending')
      assert.equal(b.sandbox.order(tillRecord.syssn as string)?.cancel, '0')
      const own = await fetch(`${b.appUrl}/qfpay-pos/checkouts/${till.body.id}`)
      assert.equal(own.status, 200, 'the cashier mount still serves it')
    }
  )

  it(
    'takes as long to say 404 for an id that exists on another mount as for one that does not exist',
    { timeout: 60_000 },
    async (t) => {
      // What this proves, and what it does not: both answers run the same code path (validate the
      // format, read the store once, refuse), so the difference is one comparison; the medians of
      // interleaved rounds are compared coarsely (within 2x) so a loaded machine cannot flake it.
      // A malformed id is refused before the store read: that reveals the id format (public:
      // 24 base64url characters), not whether any checkout exists.
      const b = await bed(t)
      const till = await b.create('B-TT', '800108', '130000000000001143')
      const unknown = 'BBBBBBBBBBBBBBBBBBBBBBBB'
      const samples: Record<'other' | 'unknown', number[]> = { other: [], unknown: [] }
      for (let round = 0; round < 150; round++) {
        for (const [kind, id] of (round % 2
          ? [
              ['other', till.body.id],
              ['unknown', unknown],
            ]
          : [
              ['unknown', unknown],
              ['other', till.body.id],
            ]) as Array<['other' | 'unknown', string]>) {
          const started = performance.now()
          const res = await fetch(`${b.appUrl}/qfpay/checkouts/${id}`)
          await res.text()
          samples[kind].push(performance.now() - started)
          assert.equal(res.status, 404)
        }
      }
      const median = (xs: number[]) =>
        [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number
      const [other, missing] = [median(samples.other), median(samples.unknown)]
      t.diagnostic(
        `median 404: other mount ${other.toFixed(3)} ms, unknown ${missing.toFixed(3)} ms`
      )
      assert.ok(
        Math.max(other, missing) / Math.min(other, missing) < 2,
        `medians ${other} vs ${missing}`
      )
    }
  )

  it('does not hand out checkout ids to /return callers who guess syssns', async (t) => {
    const b = await bed(t)
    const { body } = await b.create('B-R', '800151')
    await b.pay(body.id)
    const record = await b.get(body.id)
    const byOutTradeNo = await fetch(`${b.appUrl}/qfpay/return?out_trade_no=${record.outTradeNo}`, {
      redirect: 'manual',
    })
    assert.equal(byOutTradeNo.status, 303, 'control: the real return works')
    // The gateway's syssn is a date and a counter: the next few are easy to guess.
    const base = BigInt(record.syssn as string)
    for (let d = -3n; d <= 3n; d++) {
      const res = await fetch(`${b.appUrl}/qfpay/return?syssn=${base + d}&respcd=0000`, {
        redirect: 'manual',
      })
      assert.equal(res.status, 303, `syssn ${base + d}`)
      assert.equal(res.headers.get('location'), `${b.appUrl}/shop/thanks`, 'no checkout named')
      assert.ok(!(res.headers.get('location') ?? '').includes(body.id))
      assert.ok(!(await res.text()).includes(body.id))
    }
  })
})
