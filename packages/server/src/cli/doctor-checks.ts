/**
 * The checks `qfpay-checkout doctor` runs besides the gateway's (doctor-gateway.ts): publicUrl,
 * pay types and currency, the store. Each returns checklist lines; a failing line says how to
 * fix it.
 */
import { access, constants, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { GatewayConfig } from '../checkout/app/gateway-config.ts'
import { CURRENT_CODES_HINT } from '../checkout/app/live-choices.ts'
import { payTypeInfo } from '../qfpay/pay-types.ts'
import { QFPAY_REGIONS } from '../qfpay/regions.ts'

/** One line of the checklist. */
export interface CheckResult {
  name: string
  status: 'pass' | 'warn' | 'fail' | 'skip'
  detail: string
  fix?: string
}

/** What the checks read besides the gateway configuration. */
export interface DoctorInput {
  gateway: GatewayConfig
  publicUrl: string | undefined
  payTypes: string[] | undefined
  currency: string | undefined
  store: string | undefined
  fetch: typeof globalThis.fetch
  now: () => Date
}

/** `publicUrl`: https, and the notify and return routes of this app answer there. */
export async function checkPublicUrl(input: DoctorInput): Promise<CheckResult[]> {
  const live = input.gateway.environment !== 'local'
  if (!input.publicUrl)
    return [
      {
        name: 'publicUrl',
        status: live ? 'fail' : 'skip',
        detail: 'not given: QFPay is not told where to notify or send the shopper back',
        fix: 'pass --public-url https://shop.example/qfpay (QFPAY_PUBLIC_URL), the mount of the checkout',
      },
    ]
  let url: URL
  try {
    url = new URL(input.publicUrl)
  } catch {
    return [
      {
        name: 'publicUrl',
        status: 'fail',
        detail: `"${input.publicUrl}" is not a URL`,
        fix: 'give the absolute https:// URL of the checkout mount',
      },
    ]
  }
  const base = input.publicUrl.replace(/\/+$/, '')
  const results: CheckResult[] = [
    url.protocol === 'https:'
      ? { name: 'publicUrl', status: 'pass', detail: `${base} is https` }
      : {
          name: 'publicUrl',
          status: live ? 'fail' : 'warn',
          detail: `${base} is not https`,
          fix: 'serve the checkout over https on port 443 (QFPay notifies only ports 80/443)',
        },
  ]
  results.push(
    await probe(input, 'notify route', `${base}/notify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      // An unsigned notify is refused with 400 (and recorded as such): the route is there.
      expect: (status, text) => status === 400 && !text.includes('SUCCESS'),
      wanted: '400 for an unsigned notify',
    }),
    await probe(input, 'return route', `${base}/return`, {
      method: 'GET',
      expect: (status) => status === 200 || status === 303,
      wanted: '200 or 303',
    })
  )
  return results
}

async function probe(
  input: DoctorInput,
  name: string,
  url: string,
  options: {
    method: string
    headers?: Record<string, string>
    body?: string
    expect: (status: number, text: string) => boolean
    wanted: string
  }
): Promise<CheckResult> {
  try {
    const res = await input.fetch(url, {
      method: options.method,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
    const text = await res.text()
    if (options.expect(res.status, text))
      return { name, status: 'pass', detail: `${url} answers ${res.status}` }
    return {
      name,
      status: 'fail',
      detail: `${url} answers ${res.status}, not ${options.wanted}`,
      fix: 'mount the checkout app at publicUrl (app.route(path, checkout)) and let /notify and /return through any proxy',
    }
  } catch (error) {
    return {
      name,
      status: 'fail',
      detail: `${url} could not be reached from here (${error instanceof Error ? error.message : String(error)})`,
      fix: 'publicUrl must be reachable from the internet; if this machine cannot see it, check it from outside',
    }
  }
}

/** The pay types and currency against today's lists and the region's currency. */
export function checkPayTypes(input: DoctorInput): CheckResult[] {
  const live = input.gateway.environment !== 'local'
  const region = QFPAY_REGIONS[input.gateway.region]
  if (!input.payTypes || !input.currency)
    return [
      {
        name: 'pay types and currency',
        status: live ? 'fail' : 'skip',
        detail:
          'not stated: live and test refuse to start on the 2017 defaults (800151, 800201, CNY)',
        fix: `pass --pay-types and --currency (QFPAY_PAY_TYPES, QFPAY_CURRENCY) as in createCheckout; ${CURRENT_CODES_HINT}; ${region.name}: ${region.currencies[0]}`,
      },
    ]
  const currency = input.currency.toUpperCase()
  const problems: string[] = []
  const notes: string[] = []
  for (const code of input.payTypes) {
    const info = payTypeInfo(code)
    if (!info) problems.push(`${code} is not a pay type QFPay documents`)
    else if (!info.current) problems.push(`${code} (${info.name}) is in no current QFPay list`)
    else if (!info.available || info.flow === 'none')
      problems.push(`${code} (${info.name}) cannot be offered on a web page`)
    else if (info.currencies && !info.currencies.includes(currency))
      problems.push(`${code} takes only ${info.currencies.join(', ')}`)
    else if (info.swipe) notes.push(`${code} is swipe-card: cashier mounts only`)
  }
  const results: CheckResult[] = [
    problems.length === 0
      ? {
          name: 'pay types',
          status: notes.length === 0 ? 'pass' : 'warn',
          detail: `${input.payTypes.join(', ')}${notes.length ? ` (${notes.join('; ')})` : ''}`,
        }
      : {
          name: 'pay types',
          status: 'fail',
          detail: problems.join('; '),
          fix: CURRENT_CODES_HINT,
        },
  ]
  results.push(
    (region.currencies as readonly string[]).includes(currency)
      ? { name: 'currency', status: 'pass', detail: `${currency} (${region.name})` }
      : {
          name: 'currency',
          status: 'warn',
          detail: `${currency} is not the usual currency of ${region.name} (${region.currencies.join(', ')})`,
          fix: 'confirm with QFPay that your pay types take this currency ("verify before non-HKD" in Hong Kong)',
        }
  )
  return results
}

/** The store: a PostgreSQL URL answers, or the SQLite file (or its directory) is writable. */
export async function checkStore(input: DoctorInput): Promise<CheckResult> {
  const setting = input.store?.trim()
  if (setting && /^postgres(ql)?:\/\//i.test(setting)) {
    const { createPostgresStore } = await import('../store/postgres.ts')
    const store = createPostgresStore({ url: setting })
    try {
      await store.ready
      await store.list({ limit: 1 })
      return { name: 'store', status: 'pass', detail: 'PostgreSQL answers and has the schema' }
    } catch (error) {
      return {
        name: 'store',
        status: 'fail',
        detail: `PostgreSQL: ${error instanceof Error ? error.message.replace(setting, '<url>') : String(error)}`,
        fix: 'check QFPAY_STORE (the URL, the user’s rights to create tables) and that the server is reachable',
      }
    } finally {
      await store.close().catch(() => undefined)
    }
  }
  const file = resolve(setting || './qfpay-checkout.db')
  const exists = await stat(file).then(
    () => true,
    () => false
  )
  try {
    await access(exists ? file : dirname(file), constants.W_OK)
    return {
      name: 'store',
      status: 'pass',
      detail: exists
        ? `SQLite ${file} is writable`
        : `SQLite ${file} will be created (directory writable)`,
    }
  } catch {
    return {
      name: 'store',
      status: 'fail',
      detail: `SQLite ${file} is not writable`,
      fix: 'point QFPAY_STORE at a file on a persistent, writable disk (or a postgres:// URL)',
    }
  }
}
