import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../../test/support/replay.ts'
import { sign, verifyBodySignature } from '../qfpay/sign.ts'
import { TEST_APPCODE, TEST_KEY, testBed, tradeNo } from '../../test/support/sandbox-kit.ts'

const query = (outTradeNo: string) => ({ out_trade_no: outTradeNo })

describe('trade routes: authentication', () => {
  const bed = testBed()
  after(() => bed.sandbox.close())

  it('accepts an upper-case MD5 signature and signs its answer with MD5(body + key)', async () => {
    const res = await bed.call('query', query('X-1'))
    assert.equal(res.json.respcd, '0000')
    assert.ok(verifyBodySignature(res.raw, TEST_KEY, res.headers.get('x-qf-sign') ?? ''))
    assert.match(res.raw, /^\{"respcd": "0000", /)
  })

  it('accepts a lower-case MD5 signature', async () => {
    assert.equal((await bed.call('query', query('X-1'), { lowerCase: true })).json.respcd, '0000')
  })

  it('accepts SHA-256 announced with X-QF-SIGNTYPE, in either case', async () => {
    assert.equal(
      (await bed.call('query', query('X-1'), { signType: 'SHA256' })).json.respcd,
      '0000'
    )
    assert.equal(
      (await bed.call('query', query('X-1'), { signType: 'SHA256', lowerCase: true })).json.respcd,
      '0000'
    )
  })

  it('accepts a signature computed with empty values kept (the 2016 worked example)', async () => {
    const params = { out_trade_no: 'X-1', udid: '' }
    const signature = await sign(params, TEST_KEY, 'MD5', { keepEmpty: true })
    const res = await bed.sandbox.request('/trade/v1/query', {
      method: 'POST',
      headers: {
        'X-QF-APPCODE': TEST_APPCODE,
        'X-QF-SIGN': signature,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'out_trade_no=X-1&udid=',
    })
    assert.equal(((await res.json()) as { respcd: string }).respcd, '0000')
  })

  it('refuses a wrong signature with 1108 and does not sign the refusal', async () => {
    const res = await bed.call('query', query('X-1'), { key: 'wrong-key' })
    assert.equal(res.status, 200)
    assert.equal(res.json.respcd, '1108')
    assert.equal(res.headers.get('x-qf-sign'), null)
  })

  it('refuses a SHA-256 signature sent without X-QF-SIGNTYPE (it is checked as MD5)', async () => {
    const signature = await sign(query('X-1'), TEST_KEY, 'SHA256')
    const res = await bed.sandbox.request('/trade/v1/query', {
      method: 'POST',
      headers: {
        'X-QF-APPCODE': TEST_APPCODE,
        'X-QF-SIGN': signature,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'out_trade_no=X-1',
    })
    assert.equal(((await res.json()) as { respcd: string }).respcd, '1108')
  })

  it('answers an unknown or missing appcode with the signature error 1108', async () => {
    assert.equal((await bed.call('query', query('X-1'), { appcode: 'NOPE' })).json.respcd, '1108')
    const res = await bed.sandbox.request('/trade/v1/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    })
    assert.equal(((await res.json()) as { respcd: string }).respcd, '1108')
  })

  it('answers 1108 for a missing signature or an unknown sign type', async () => {
    const base = {
      'X-QF-APPCODE': TEST_APPCODE,
      'Content-Type': 'application/x-www-form-urlencoded',
    }
    const missing = await bed.sandbox.request('/trade/v1/query', {
      method: 'POST',
      headers: base,
      body: 'a=1',
    })
    assert.equal(((await missing.json()) as { respcd: string }).respcd, '1108')
    const sha1 = await bed.sandbox.request('/trade/v1/query', {
      method: 'POST',
      headers: { ...base, 'X-QF-SIGN': 'AA', 'X-QF-SIGNTYPE': 'SHA1' },
      body: 'a=1',
    })
    assert.equal(((await sha1.json()) as { respcd: string }).respcd, '1108')
  })
})

describe('trade routes: mchid', () => {
  const withMchid = testBed({ mchid: 'ZaMVg12345' })
  const without = testBed()
  after(() => (withMchid.sandbox.close(), without.sandbox.close()))

  it('requires the issued mchid and refuses another one with 1104 naming mchid', async () => {
    assert.equal(
      (await withMchid.call('query', { mchid: 'ZaMVg12345', out_trade_no: 'A' })).json.respcd,
      '0000'
    )
    const missing = await withMchid.call('query', { out_trade_no: 'A' })
    assert.equal(missing.json.respcd, '1104')
    assert.match(String(missing.json.respmsg), /mchid/)
    assert.equal(
      (await withMchid.call('query', { mchid: 'OTHER', out_trade_no: 'A' })).json.respcd,
      '1104'
    )
  })

  it('refuses mchid from a merchant that was not issued one', async () => {
    const res = await without.call('query', { mchid: 'ZaMVg12345', out_trade_no: 'A' })
    assert.equal(res.json.respcd, '1104')
    assert.match(String(res.json.respmsg), /mchid must not be sent/)
  })
})

describe('trade routes: malformed requests', () => {
  const bed = testBed({ bodyLimit: 64 * 1024 })
  after(() => bed.sandbox.close())
  const headers = { 'X-QF-APPCODE': TEST_APPCODE, 'X-QF-SIGN': 'AA' }

  it('answers a wrong content type with 1103', async () => {
    const res = await bed.sandbox.request('/trade/v1/payment', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: '{"txamt":"1"}',
    })
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as { respcd: string }).respcd, '1103')
  })

  it('answers bad percent-encoding and invalid UTF-8 with 1103', async () => {
    const form = { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }
    const bad = await bed.sandbox.request('/trade/v1/query', {
      method: 'POST',
      headers: form,
      body: 'out_trade_no=%E0%A4%A',
    })
    assert.equal(((await bad.json()) as { respcd: string }).respcd, '1103')
    const bytes = await bed.sandbox.request('/trade/v1/query', {
      method: 'POST',
      headers: form,
      body: new Uint8Array([0x61, 0x3d, 0xff, 0xfe]),
    })
    assert.equal(((await bytes.json()) as { respcd: string }).respcd, '1103')
  })

  it('refuses a field given twice with 1104 naming it', async () => {
    const res = await bed.sandbox.request('/trade/v1/query', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'syssn=1&syssn=2',
    })
    const json = (await res.json()) as { respcd: string; respmsg: string }
    assert.equal(json.respcd, '1104')
    assert.match(json.respmsg, /syssn/)
  })

  it('answers a body over the limit with 413 and a QFPay-shaped error', async () => {
    const res = await bed.sandbox.request('/trade/v1/payment', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=' + 'x'.repeat(70_000),
    })
    assert.equal(res.status, 413)
    assert.equal(((await res.json()) as { respcd: string }).respcd, '1103')
  })

  it('answers unknown paths with 404 JSON and wrong methods with 405', async () => {
    const missing = await bed.sandbox.request('/nope')
    assert.equal(missing.status, 404)
    assert.equal(((await missing.json()) as { respcd: string }).respcd, '1103')
    const endpoint = await bed.sandbox.request('/trade/v1/nope', { method: 'POST' })
    assert.equal(endpoint.status, 404)
    const method = await bed.sandbox.request('/trade/v1/payment')
    assert.equal(method.status, 405)
    assert.equal(method.headers.get('allow'), 'POST')
  })

  it('accepts GET as well as POST for close and reversal', async () => {
    const order = await bed.pay({ out_trade_no: tradeNo() })
    const res = await bed.call(
      'close',
      { syssn: order.syssn as string, txamt: '100', txdtm: '2024-05-01 10:30:00' },
      { method: 'GET' }
    )
    assert.equal(res.json.respcd, '0000')
    assert.equal(
      (
        await bed.call(
          'reversal',
          { syssn: '1', txamt: '1', txdtm: '2024-05-01 10:30:00' },
          { method: 'GET' }
        )
      ).json.respcd,
      '1268'
    )
  })

  it('always answers random bodies and headers with JSON carrying a respcd, never a 500', async () => {
    const paths = fc.constantFrom(
      '/trade/v1/payment',
      '/trade/v1/query',
      '/trade/v1/refund',
      '/trade/v1/close',
      '/trade/v1/reversal',
      '/trade/v1/x',
      '/',
      '/trade'
    )
    const headerValue = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constant(TEST_APPCODE),
      fc.constant('SHA256'),
      fc.constant('application/x-www-form-urlencoded')
    )
    await assertProperty(
      fc.asyncProperty(
        paths,
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.dictionary(
          fc.constantFrom('X-QF-APPCODE', 'X-QF-SIGN', 'X-QF-SIGNTYPE', 'Content-Type', 'X-Other'),
          headerValue
        ),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
          fc.webQueryParameters()
        ),
        async (path, method, rawHeaders, body) => {
          const headers = new Headers()
          for (const [name, value] of Object.entries(rawHeaders)) {
            try {
              headers.set(name, value)
            } catch {
              /* not a valid header value: leave it out */
            }
          }
          const res = await bed.sandbox.request(path, {
            method,
            headers,
            ...(method === 'GET' ? {} : { body }),
          })
          assert.ok(res.status < 500, `status ${res.status}`)
          const json = (await res.json()) as { respcd?: unknown }
          assert.equal(typeof json.respcd, 'string')
        }
      ),
      { numRuns: 300 }
    )
  })

  it('always answers correctly signed random fields with a signed JSON respcd, never a 500', async () => {
    const names = fc.constantFrom(
      'txamt',
      'txcurrcd',
      'pay_type',
      'out_trade_no',
      'txdtm',
      'auth_code',
      'expired_time',
      'goods_name',
      'udid',
      'syssn',
      'page',
      'page_size',
      'respcd',
      'start_time',
      'end_time',
      'notify_url',
      'return_url',
      '__proto__',
      'constructor'
    )
    const values = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '800201',
        '800151',
        '800108',
        '800208',
        '800207',
        '100',
        'HKD',
        '2024-05-01 10:30:00',
        '130000000000001143',
        '0',
        '101',
        '-1',
        '1e3'
      )
    )
    await assertProperty(
      fc.asyncProperty(
        fc.constantFrom('payment', 'query', 'refund', 'close', 'reversal'),
        fc.dictionary(names, values),
        async (endpoint, params) => {
          const res = await bed.call(endpoint, params)
          assert.ok(res.status < 500, `status ${res.status}`)
          assert.equal(typeof res.json.respcd, 'string')
          assert.ok(verifyBodySignature(res.raw, TEST_KEY, res.headers.get('x-qf-sign') ?? ''))
        }
      ),
      { numRuns: 300 }
    )
  })
})
