/**
 * Helpers for the sandbox's own tests (not a test file): a sandbox on a manual clock with a
 * capturing fetch, and signed `/trade/v1` calls.
 */
import { sign, type SignType } from '../../src/qfpay/sign.ts'
import { formatTxdtm } from '../../src/qfpay/txdtm.ts'
import { createManualClock, type ManualClock } from '../../src/sandbox/clock.ts'
import type { SandboxOptions } from '../../src/sandbox/core.ts'
import { createSandbox, type Sandbox } from '../../src/sandbox/create-sandbox.ts'

/** A throwaway key for tests only. */
export const TEST_KEY = 'SANDBOX-TEST-KEY-not-a-secret'
export const TEST_APPCODE = 'TESTAPPCODE'
export const NOTIFY_URL = 'http://merchant.test/qfpay/notify'
export const RETURN_URL = 'http://merchant.test/qfpay/return?shop=1'

/** One notify the capturing fetch saw. */
export interface CapturedNotify {
  url: string
  headers: Headers
  body: string
}

/** A sandbox plus what a test needs around it. */
export interface TestBed {
  sandbox: Sandbox
  clock: ManualClock
  captured: CapturedNotify[]
  /** How the fake merchant answers notifies; default 200 `SUCCESS`. */
  answer: { status: number; body: string }
  call(endpoint: string, params: Record<string, string>, options?: CallOptions): Promise<CallResult>
  /** A pre-order or swipe payment with defaults; returns the parsed answer. */
  pay(params?: Record<string, string>): Promise<Record<string, string>>
}

export interface CallOptions {
  signType?: SignType
  key?: string
  appcode?: string
  method?: 'GET' | 'POST'
  lowerCase?: boolean
}

export interface CallResult {
  status: number
  raw: string
  json: Record<string, unknown>
  headers: Headers
}

let counter = 0
/** A fresh out_trade_no. */
export function tradeNo(prefix = 'ORDER'): string {
  return `${prefix}-${++counter}-${Date.now()}`
}

/** Builds a sandbox on a manual clock whose notifies land in `captured`. */
export function testBed(options: SandboxOptions = {}): TestBed {
  const clock = createManualClock()
  const captured: CapturedNotify[] = []
  const answer = { status: 200, body: 'SUCCESS' }
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const body =
      init?.body instanceof Uint8Array
        ? new TextDecoder().decode(init.body)
        : String(init?.body ?? '')
    captured.push({ url: String(input), headers: new Headers(init?.headers), body })
    return new Response(answer.body, { status: answer.status })
  }) as typeof globalThis.fetch
  const appcode = options.appcode ?? options.merchants?.[0]?.appcode ?? TEST_APPCODE
  const key = options.key ?? options.merchants?.[0]?.key ?? TEST_KEY
  const sandbox = createSandbox({
    appcode: TEST_APPCODE,
    key: TEST_KEY,
    notifyUrl: NOTIFY_URL,
    returnUrl: RETURN_URL,
    clock,
    fetch,
    ...options,
  })
  const bed: TestBed = {
    sandbox,
    clock,
    captured,
    answer,
    async call(endpoint, params, options = {}) {
      const signature = await sign(params, options.key ?? key, options.signType ?? 'MD5')
      const headers: Record<string, string> = {
        'X-QF-APPCODE': options.appcode ?? appcode,
        'X-QF-SIGN': options.lowerCase ? signature.toLowerCase() : signature,
      }
      if (options.signType === 'SHA256') headers['X-QF-SIGNTYPE'] = 'SHA256'
      const form = new URLSearchParams(params).toString()
      const method = options.method ?? 'POST'
      const response =
        method === 'GET'
          ? await sandbox.request(`/trade/v1/${endpoint}?${form}`, { headers })
          : await sandbox.request(`/trade/v1/${endpoint}`, {
              method,
              headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
              body: form,
            })
      const raw = await response.text()
      let json: Record<string, unknown> = {}
      try {
        json = JSON.parse(raw) as Record<string, unknown>
      } catch {
        // left empty: the test looks at raw
      }
      return { status: response.status, raw, json, headers: response.headers }
    },
    async pay(params = {}) {
      const result = await bed.call('payment', {
        txamt: '100',
        txcurrcd: 'HKD',
        pay_type: '800201',
        out_trade_no: tradeNo(),
        txdtm: formatTxdtm(clock.now()),
        goods_name: 'Coffee',
        ...params,
      })
      return result.json as Record<string, string>
    },
  }
  return bed
}

/** The auth code of a swipe-card test with the given ending (18 digits). */
export function authCode(ending: string): string {
  return '13' + '0'.repeat(16 - ending.length) + ending
}
