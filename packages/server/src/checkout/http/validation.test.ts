import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { createMemoryStore } from '../../store/memory.ts'
import { newCheckoutId } from '../../store/ids.ts'
import type { Store } from '../../store/store.ts'
import { createBrowserTestApp, seedCheckout } from '../../../test/support/browser-test-app.ts'
import { CHECKOUT_ID_PATTERN } from './validation.ts'

const json = { 'content-type': 'application/json' }

function post(
  app: ReturnType<typeof createBrowserTestApp>['app'],
  body: string,
  headers: Record<string, string> = json
) {
  return app.request('/checkouts', { method: 'POST', body, headers })
}

describe('create body validation', () => {
  it('passes a valid body through and strips unknown fields such as amount', async () => {
    const { app } = createBrowserTestApp()
    const res = await post(
      app,
      JSON.stringify({ payType: '800151', order: 'A-1001', amount: 1, url: 'https://evil.example' })
    )
    assert.equal(res.status, 201)
    assert.deepEqual(await res.json(), { received: { payType: '800151', order: 'A-1001' } })
  })

  it('keeps a well-formed authCode', async () => {
    const { app } = createBrowserTestApp()
    const res = await post(
      app,
      JSON.stringify({ payType: '800108', order: 'A-1', authCode: '134567890123456789' })
    )
    assert.deepEqual(await res.json(), {
      received: { payType: '800108', order: 'A-1', authCode: '134567890123456789' },
    })
  })

  const bad: Array<[string, unknown, string]> = [
    ['a missing payType', { order: 'A-1' }, 'payType'],
    ['a 5-digit payType', { payType: '80015', order: 'A-1' }, 'payType'],
    ['a numeric payType', { payType: 800151, order: 'A-1' }, 'payType'],
    ['an empty order', { payType: '800151', order: '' }, 'order'],
    ['a 129-character order', { payType: '800151', order: 'x'.repeat(129) }, 'order'],
    ['an order with a newline', { payType: '800151', order: 'A-1\nX' }, 'order'],
    ['an order with a bidi override', { payType: '800151', order: 'A-1\u202e' }, 'order'],
    [
      'an authCode with letters',
      { payType: '800108', order: 'A-1', authCode: '12345abcde12' },
      'authCode',
    ],
    ['a 9-digit authCode', { payType: '800108', order: 'A-1', authCode: '123456789' }, 'authCode'],
  ]
  for (const [what, body, field] of bad) {
    it(`answers 400 invalid_request naming the field for ${what}`, async () => {
      const { app } = createBrowserTestApp()
      const res = await post(app, JSON.stringify(body))
      assert.equal(res.status, 400)
      const { error } = (await res.json()) as {
        error: { code: string; field: string; message: string }
      }
      assert.equal(error.code, 'invalid_request')
      assert.equal(error.field, field)
      assert.match(error.message, new RegExp(`^Failed to create the checkout: ${field} .+\\.$`))
    })
  }

  it('says "is required" for a missing field', async () => {
    const { app } = createBrowserTestApp()
    const { error } = (await (await post(app, JSON.stringify({ payType: '800151' }))).json()) as {
      error: { message: string }
    }
    assert.equal(error.message, 'Failed to create the checkout: order is required.')
  })

  it('answers 400 invalid_request without a field for a body that is not an object', async () => {
    const { app } = createBrowserTestApp()
    const res = await post(app, '[1,2]')
    assert.equal(res.status, 400)
    const { error } = (await res.json()) as { error: { code: string; field?: string } }
    assert.equal(error.code, 'invalid_request')
    assert.equal(error.field, undefined)
  })

  it('answers 400 invalid_json for malformed JSON and for an empty body', async () => {
    const { app } = createBrowserTestApp()
    for (const body of ['{"payType": "800151",', '']) {
      const res = await post(app, body)
      assert.equal(res.status, 400)
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_json')
    }
  })

  it('answers 415 unsupported_media_type for form, text and missing content types', async () => {
    const { app } = createBrowserTestApp()
    const body = JSON.stringify({ payType: '800151', order: 'A-1' })
    const origin = { origin: 'http://localhost' }
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', undefined]) {
      const res = await post(app, body, type ? { ...origin, 'content-type': type } : origin)
      assert.equal(res.status, 415)
      assert.equal(
        ((await res.json()) as { error: { code: string } }).error.code,
        'unsupported_media_type'
      )
    }
  })

  it('accepts JSON with a charset parameter', async () => {
    const { app } = createBrowserTestApp()
    const res = await post(app, JSON.stringify({ payType: '800151', order: 'A-1' }), {
      'content-type': 'application/json; charset=utf-8',
    })
    assert.equal(res.status, 201)
  })

  it('lets cancel through with an empty body but refuses a non-JSON one', async () => {
    const { app } = createBrowserTestApp()
    const url = `/checkouts/${newCheckoutId()}/cancel`
    const origin = { origin: 'http://localhost' }
    assert.equal((await app.request(url, { method: 'POST', headers: origin })).status, 200)
    assert.equal((await app.request(url, { method: 'POST', headers: json })).status, 200)
    const form = { ...origin, 'content-type': 'application/x-www-form-urlencoded' }
    assert.equal(
      (await app.request(url, { method: 'POST', body: 'a=1', headers: form })).status,
      415
    )
  })
})

/** Counts store reads, to prove malformed ids never reach the store. */
function countingStore(): { store: Store; reads: () => number } {
  const inner = createMemoryStore()
  let reads = 0
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'get') return (id: string) => ((reads += 1), target.get(id))
      return Reflect.get(target, key, receiver)
    },
  })
  return { store, reads: () => reads }
}

describe('checkout id validation', () => {
  it('matches every id the store hands out', () => {
    for (let i = 0; i < 200; i += 1) assert.match(newCheckoutId(), CHECKOUT_ID_PATTERN)
  })

  it('answers byte-identical 404s for unknown, random and malformed ids on every id route', async () => {
    const { store, reads } = countingStore()
    const { app } = createBrowserTestApp({ store })
    const known = await seedCheckout(store)
    const malformed = [
      'x',
      'short',
      known.id + 'A',
      known.id.slice(1),
      '%00' + known.id.slice(3),
      'A'.repeat(23) + '!',
      "' OR 1=1 --",
    ]
    const random = Array.from({ length: 5 }, () => randomBytes(18).toString('base64url'))
    const bodies = new Set<string>()
    for (const id of [...malformed, ...random]) {
      for (const path of [
        `/checkouts/${encodeURIComponent(id)}`,
        `/checkouts/${encodeURIComponent(id)}/events`,
      ]) {
        const res = await app.request(path)
        assert.equal(res.status, 404, path)
        bodies.add(await res.text())
      }
    }
    assert.deepEqual(
      [...bodies],
      [
        JSON.stringify({
          error: {
            code: 'checkout_not_found',
            message: 'Failed to find the checkout: no checkout has this id.',
          },
        }),
      ]
    )
    // Only the well-formed random ids were looked up (twice each: status and events).
    assert.equal(reads(), random.length * 2)
    assert.equal((await app.request(`/checkouts/${known.id}`)).status, 200)
  })
})
