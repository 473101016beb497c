/**
 * Test helper (not exported): a `fetch` that behaves like QFPay's gateway at the protocol level.
 * It decodes the form body, checks `X-QF-APPCODE` and the signature with sign.ts exactly as the
 * gateway would (MD5 unless `X-QF-SIGNTYPE: SHA256`; 1108 on mismatch), records each request,
 * and answers canned Python-style JSON (optionally signed with MD5(body + key)).
 */
import { payTypeInfo } from '../../src/qfpay/pay-types.ts'
import { signBody, verifySignature, type SignType } from '../../src/qfpay/sign.ts'

/** One request as the fake gateway saw it. */
export interface SeenRequest {
  endpoint: string
  method: string
  fields: Record<string, string>
  headers: Headers
  signType: SignType
  signatureOk: boolean
}

/** What a handler may answer: a JSON object (sent as Python-style JSON), a Response, or a throw. */
export type FakeAnswer = Record<string, unknown> | Response

/** The fake's credentials and behaviour. */
export interface FakeGatewayOptions {
  /** The client key it verifies requests (and signs answers) with. */
  key: string
  /** The only `X-QF-APPCODE` it accepts. */
  appcode: string
  /** Overrides the canned answer; return `undefined` to fall back to it. */
  respond?: (
    request: SeenRequest,
    attempt: number
  ) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>
  /** Sign answers with `X-QF-SIGN` = MD5(body + key). Default false. */
  signResponses?: boolean
}

/** Creates the fake; `fetch` goes into the client's options, `requests` is what it received. */
export function createFakeGateway(options: FakeGatewayOptions) {
  const requests: SeenRequest[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const headers = new Headers(init?.headers)
    const fields = Object.fromEntries(new URLSearchParams(String(init?.body ?? '')))
    const signType: SignType = headers.get('X-QF-SIGNTYPE') === 'SHA256' ? 'SHA256' : 'MD5'
    const signatureOk =
      headers.get('X-QF-APPCODE') === options.appcode &&
      (await verifySignature(fields, options.key, headers.get('X-QF-SIGN') ?? '', signType))
    const endpoint = url.pathname.replace(/^.*\/trade\/v1\//, '')
    const seen: SeenRequest = {
      endpoint,
      method: init?.method ?? 'GET',
      fields,
      headers,
      signType,
      signatureOk,
    }
    requests.push(seen)
    const custom = await options.respond?.(seen, requests.length)
    if (custom instanceof Response) return custom
    const answer =
      custom ?? (signatureOk ? canned(seen) : { respcd: '1108', resperr: '签名错误', respmsg: '' })
    const body = pythonJson(answer)
    const responseHeaders: Record<string, string> = { 'Content-Type': 'application/json' }
    if (options.signResponses) responseHeaders['X-QF-SIGN'] = signBody(body, options.key)
    return new Response(body, { status: 200, headers: responseHeaders })
  }
  return { fetch, requests }
}

/** The happy-path answer of each endpoint, echoing the request as QFPay does. */
export function canned(request: SeenRequest): Record<string, unknown> {
  const f = request.fields
  const base = {
    resperr: '交易成功',
    respmsg: '',
    sysdtm: '2024-05-01 10:30:01',
    txdtm: f['txdtm'] ?? '',
    txcurrcd: f['txcurrcd'] ?? 'HKD',
  }
  switch (request.endpoint) {
    case 'payment': {
      const info = payTypeInfo(f['pay_type'] ?? '')
      const link =
        info?.returns === 'qrcode'
          ? { qrcode: 'weixin://wxpay/bizpayurl?pr=abc' }
          : info?.returns === 'pay_url'
            ? { pay_url: 'https://pay.example/p/1' }
            : {}
      return {
        ...base,
        respcd: '0000',
        syssn: '20240501000200020012345678',
        out_trade_no: f['out_trade_no'],
        pay_type: f['pay_type'],
        txamt: f['txamt'],
        ...link,
      }
    }
    case 'refund':
    case 'close':
    case 'reversal':
      return {
        ...base,
        respcd: '0000',
        syssn: '20240501000200020099999999',
        orig_syssn: f['syssn'] ?? '20240501000200020012345678',
        out_trade_no: f['out_trade_no'],
        txamt: f['txamt'],
      }
    case 'query': {
      const ids = (f['out_trade_no'] ?? 'ORDER-0001').split(',')
      return {
        respcd: '0000',
        resperr: '请求成功',
        respmsg: '',
        page: f['page'] ?? '1',
        page_size: f['page_size'] ?? '10',
        data: ids.map((id, i) => ({
          syssn: `2024050100020002001234567${i}`,
          out_trade_no: id,
          pay_type: '800201',
          order_type: 'payment',
          txamt: '100',
          txcurrcd: 'HKD',
          txdtm: '2024-05-01 10:30:00',
          sysdtm: '2024-05-01 10:30:01',
          respcd: '0000',
          errmsg: '交易成功',
          cancel: '0',
        })),
      }
    }
    default:
      return { respcd: '1104', resperr: 'unknown endpoint', respmsg: '' }
  }
}

/** Python `json.dumps` style: `", "` and `": "` separators, non-ASCII as `\uXXXX` (QFPay's notify bytes). */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
      .join(', ')}}`
  }
  return (JSON.stringify(value) ?? 'null').replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** A fetch failure as Node's undici reports a refused connection. */
export function connectionRefused(): TypeError {
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
    code: 'ECONNREFUSED',
  })
  return new TypeError('fetch failed', { cause })
}

/** A fetch failure after the request may have been written (socket reset mid-exchange). */
export function connectionReset(): TypeError {
  const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
  return new TypeError('fetch failed', { cause })
}

/** A fetch that never answers; rejects when aborted only if `honourAbort`. */
export function neverAnswering(honourAbort = true) {
  let calls = 0
  const fetch = (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls++
    return new Promise((_resolve, reject) => {
      if (honourAbort)
        init?.signal?.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError'))
        )
    })
  }
  return { fetch, calls: () => calls }
}
