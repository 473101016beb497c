import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createQfpayClient } from './client.ts'
import type { QfpayClientOptions } from './client-options.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
const APPCODE = 'APPCODE0123456789ABCDEF012345678'
const base: QfpayClientOptions = { appcode: APPCODE, key: KEY, environment: 'test' }

/** Records the URL the client calls. */
function urlOf(options: QfpayClientOptions): Promise<string> {
  let seen = ''
  const fetch = async (input: RequestInfo | URL) => {
    seen = String(input)
    return new Response('{"respcd": "0000", "data": []}')
  }
  return createQfpayClient({ ...options, fetch })
    .query({})
    .then(() => seen)
}

describe('createQfpayClient options', () => {
  it('targets the named QFPay environments and any base URL', async () => {
    assert.equal(
      await urlOf({ ...base, environment: 'live' }),
      'https://openapi-hk.qfapi.com/trade/v1/query'
    )
    assert.equal(
      await urlOf({ ...base, environment: 'test' }),
      'https://test-openapi-hk.qfapi.com/trade/v1/query'
    )
    const { environment: _, ...noEnv } = base
    assert.equal(
      await urlOf({ ...noEnv, baseUrl: 'http://127.0.0.1:8787/' }),
      'http://127.0.0.1:8787/trade/v1/query'
    )
  })

  it('refuses to guess an environment, since both named ones move real money', () => {
    assert.throws(
      () => createQfpayClient({ appcode: APPCODE, key: KEY }),
      /^TypeError: Failed to create QFPay client: give baseUrl/
    )
    assert.throws(() => createQfpayClient({ ...base, baseUrl: 'http://x' }), /not both/)
    assert.throws(
      () => createQfpayClient({ ...base, environment: 'sandbox' as 'test' }),
      /environment must be 'live' or 'test'/
    )
  })

  it('rejects an empty or malformed key without repeating it', () => {
    assert.throws(() => createQfpayClient({ ...base, key: '' }), {
      message: 'Failed to create QFPay client: key is missing or empty.',
    })
    for (const key of [` ${KEY}`, `${KEY}\n`]) {
      assert.throws(
        () => createQfpayClient({ ...base, key }),
        (e: Error) =>
          /key has leading or trailing white space/.test(e.message) && !e.message.includes(KEY)
      )
    }
    // Not QFPay's shape: refused when the client is made, not with 1108 on every call.
    for (const key of ['KEY WITH SPACE', 'secret-but-short', 'G'.repeat(32)]) {
      assert.throws(
        () => createQfpayClient({ ...base, key }),
        (e: Error) =>
          /key must be the 32 hex characters QFPay issued/.test(e.message) &&
          !e.message.includes(key)
      )
    }
    assert.throws(
      () => createQfpayClient({ ...base, key: undefined as unknown as string }),
      /key is missing/
    )
  })

  it('rejects a bad appcode, mchid, signType, timeout and attempt count', () => {
    assert.throws(() => createQfpayClient({ ...base, appcode: '' }), /appcode is missing/)
    assert.throws(
      () => createQfpayClient({ ...base, appcode: 'SHOP-A' }),
      /appcode must be 8–64 letters and digits/
    )
    assert.throws(() => createQfpayClient({ ...base, mchid: '' }), /mchid, when given/)
    assert.throws(
      () => createQfpayClient({ ...base, signType: 'sha256' as 'SHA256' }),
      /signType must be 'MD5' or 'SHA256'/
    )
    assert.throws(() => createQfpayClient({ ...base, timeoutMs: 0 }), RangeError)
    assert.throws(
      () => createQfpayClient({ ...base, maxAttempts: 4 }),
      /maxAttempts must be an integer from 1 to 3/
    )
    assert.throws(
      () => createQfpayClient({ ...base, baseUrl: 'not a url', environment: undefined }),
      /baseUrl must be an absolute http\(s\) URL/
    )
  })
})
