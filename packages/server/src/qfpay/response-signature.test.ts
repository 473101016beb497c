/**
 * Response signatures as a host may send them: each scheme QFPay's sources describe, none, or a
 * wrong one, in each `responseSignature` mode. The sandbox signs its answers the way its
 * `responseSignature` knob says; the client must keep working whichever scheme a host uses.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createSandbox } from '../sandbox/index.ts'
import { createQfpayClient } from './client.ts'
import type { QfpayClientOptions } from './client-options.ts'
import { QfpayResponseError } from './errors.ts'
import {
  RESPONSE_SIGN_SCHEMES,
  responseFieldsString,
  signResponse,
  type ResponseSignScheme,
} from './response-signature.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
const APPCODE = 'APPCODE0123456789ABCDEF012345678'

function setup(
  scheme: ResponseSignScheme | 'none',
  options: Partial<QfpayClientOptions> = {},
  tamper?: (response: Response) => Promise<Response>
) {
  const sandbox = createSandbox({
    appcode: APPCODE,
    key: KEY,
    knobs: { responseSignature: scheme },
  })
  const logged: { message: string; fields: Record<string, unknown> | undefined }[] = []
  const client = createQfpayClient({
    appcode: APPCODE,
    key: KEY,
    baseUrl: 'http://sandbox.test',
    fetch: async (input, init) => {
      const response = await sandbox.fetch(new Request(input, init))
      return tamper ? tamper(response) : response
    },
    logger: { error: (message, fields) => void logged.push({ message, fields }) },
    ...options,
  })
  return { sandbox, client, logged }
}

/** Replaces the answer's signature with a wrong one of the same length. */
async function wrongSignature(response: Response): Promise<Response> {
  const headers = new Headers(response.headers)
  headers.set('X-QF-SIGN', '0'.repeat(headers.get('X-QF-SIGN')?.length ?? 32))
  return new Response(await response.text(), { status: response.status, headers })
}

describe('response signature schemes', () => {
  for (const scheme of RESPONSE_SIGN_SCHEMES) {
    it(`a host signing with ${scheme} keeps working, in "require" mode too`, async () => {
      const { client, logged } = setup(scheme, { responseSignature: 'require' })
      const created = await client.payment({
        pay_type: '800201',
        out_trade_no: `RS-${scheme}`,
        txamt: 100,
        txcurrcd: 'HKD',
      })
      assert.equal(created.status, 'created')
      assert.equal(created.signature, 'verified')
      assert.equal(created.signatureScheme, scheme)
      const queried = await client.query({ out_trade_no: `RS-${scheme}` })
      assert.equal(queried.rows[0]?.respcd, '1143')
      assert.equal(queried.signatureScheme, scheme)
      assert.deepEqual(logged, [])
    })
  }

  it('the fields scheme signs the sorted text and number fields, not the raw bytes', () => {
    const body = '{"respcd": "0000", "txamt": 100, "data": [], "resperr": ""}'
    assert.equal(responseFieldsString(body), 'respcd=0000&txamt=100')
    assert.notEqual(signResponse(body, KEY, 'md5-fields'), signResponse(body, KEY, 'md5-body'))
    assert.equal(
      responseFieldsString('{"respcd": "0000", "data": {"b": "2", "a": "1"}}'),
      'a=1&b=2',
      'a data object is what gets signed when there is one'
    )
  })
})

describe('responseSignature modes', () => {
  it('"verify" (default): a mismatch is logged once, with what was tried, and calls go on', async () => {
    const { client, logged } = setup('md5-body', {}, wrongSignature)
    const first = await client.payment({
      pay_type: '800201',
      out_trade_no: 'RS-V1',
      txamt: 100,
      txcurrcd: 'HKD',
    })
    assert.equal(first.status, 'created')
    assert.equal(first.signature, 'mismatch')
    assert.equal((await client.query({ out_trade_no: 'RS-V1' })).signature, 'mismatch')
    assert.equal(logged.length, 1, 'logged once, not per call')
    assert.match(logged[0]?.message ?? '', /md5-body, md5-fields, sha256-body, sha256-fields/)
    assert.doesNotMatch(JSON.stringify(logged), new RegExp(KEY))
  })

  it('"verify" honours X-QF-SIGNTYPE: a SHA256 answer is not checked against MD5', async () => {
    const { client, logged } = setup('sha256-body', {}, wrongSignature)
    await client.query({ out_trade_no: 'nothing' })
    assert.deepEqual(logged[0]?.fields?.['tried'], ['sha256-body', 'sha256-fields'])
    assert.equal(logged[0]?.fields?.['signType'], 'SHA256')
  })

  it('"require": a wrong or missing signature fails the call', async () => {
    const wrong = setup('md5-body', { responseSignature: 'require' }, wrongSignature)
    await assert.rejects(
      wrong.client.query({ out_trade_no: 'x' }),
      (e: unknown) => e instanceof QfpayResponseError && /any scheme tried/.test(e.message)
    )
    const unsigned = setup('none', { responseSignature: 'require' })
    await assert.rejects(
      unsigned.client.query({ out_trade_no: 'x' }),
      (e: unknown) => e instanceof QfpayResponseError && /no X-QF-SIGN/.test(e.message)
    )
  })

  it('"off": nothing is checked, nothing logged', async () => {
    const { client, logged } = setup('md5-body', { responseSignature: 'off' }, wrongSignature)
    assert.equal((await client.query({ out_trade_no: 'x' })).signature, 'unchecked')
    assert.deepEqual(logged, [])
  })

  it('an unsigned answer is accepted in "verify" mode', async () => {
    const { client } = setup('none')
    assert.equal((await client.query({ out_trade_no: 'x' })).signature, 'absent')
  })
})
