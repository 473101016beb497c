/**
 * `qfpay-checkout doctor`: a pre-flight a merchant runs with the real `QFPAY_ENV` and
 * credentials before the first real shopper. It prints a pass/fail checklist, with the fix for
 * each failure, and exits 1 if anything failed (0 otherwise; warnings do not fail it).
 *
 * Checked: the configuration (as `createCheckout` reads it), a signed `/query` over a past
 * window (no money moves; the order number asked for cannot exist) and the scheme of the
 * answer's signature, `publicUrl` (https; the notify and return routes answer there, seen from
 * this machine), the pay types and currency against today's lists and the region, the store.
 */
import { parseArgs } from 'node:util'
import {
  processEnv,
  resolveGatewayConfig,
  type GatewayConfig,
} from '../checkout/app/gateway-config.ts'
import { checkGateway } from './doctor-gateway.ts'
import {
  checkPayTypes,
  checkPublicUrl,
  checkStore,
  type CheckResult,
  type DoctorInput,
} from './doctor-checks.ts'

const HELP = `Usage: qfpay-checkout doctor [options]

Checks a QFPay set-up with the credentials of the environment (nothing is charged):
QFPAY_ENV, QFPAY_APPCODE, QFPAY_KEY, QFPAY_MCHID, QFPAY_REGION, QFPAY_BASE_URL,
QFPAY_SIGN_TYPE, QFPAY_RESPONSE_SIGNATURE, QFPAY_STORE.

Options (or env):
  --public-url URL     the checkout mount's public URL (QFPAY_PUBLIC_URL)
  --pay-types A,B      the pay types createCheckout enables (QFPAY_PAY_TYPES)
  --currency CUR       the currency createCheckout uses (QFPAY_CURRENCY)
  --store PATH|URL     the store (QFPAY_STORE; default ./qfpay-checkout.db)
  -h, --help           this text

Exit code: 0 when nothing failed, 1 when a check failed, 2 on bad options.`

const MARK: Record<CheckResult['status'], string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'SKIP',
}

/** Runs the doctor; resolves with the exit code. */
export async function run(
  args: string[],
  deps: { env?: Readonly<Record<string, string | undefined>>; fetch?: typeof fetch } = {}
): Promise<number> {
  let values
  try {
    values = parseArgs({
      args,
      options: {
        'public-url': { type: 'string' },
        'pay-types': { type: 'string' },
        currency: { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values
  } catch (error) {
    console.error(`qfpay-checkout doctor: ${(error as Error).message}\n\n${HELP}`)
    return 2
  }
  if (values.help) {
    console.log(HELP)
    return 0
  }
  const env = deps.env ?? processEnv()
  let gateway: GatewayConfig
  try {
    gateway = resolveGatewayConfig({}, env)
  } catch (error) {
    print([
      {
        name: 'configuration',
        status: 'fail',
        detail: (error as Error).message,
        fix: 'set QFPAY_ENV, QFPAY_APPCODE and QFPAY_KEY as issued by QFPay',
      },
    ])
    return 1
  }
  const payTypes = (values['pay-types'] ?? env['QFPAY_PAY_TYPES'])
    ?.split(',')
    .map((code) => code.trim())
    .filter(Boolean)
  const input: DoctorInput = {
    gateway,
    publicUrl: values['public-url'] ?? env['QFPAY_PUBLIC_URL'],
    payTypes: payTypes && payTypes.length > 0 ? payTypes : undefined,
    currency: values.currency ?? env['QFPAY_CURRENCY'],
    store: values.store ?? env['QFPAY_STORE'],
    fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
    now: () => new Date(),
  }
  console.log(
    `qfpay-checkout doctor: QFPAY_ENV=${gateway.environment}, region ${gateway.region}, host ${gateway.baseUrl ?? '(in-process sandbox)'}\n`
  )
  const results: CheckResult[] = [
    {
      name: 'configuration',
      status: gateway.generatedCredentials ? 'warn' : 'pass',
      detail: gateway.generatedCredentials
        ? 'no credentials: the app would run the in-process sandbox (no real payments)'
        : `credentials read; signing with ${gateway.signType}, response signatures '${gateway.responseSignature}'`,
      ...(gateway.generatedCredentials
        ? { fix: 'set QFPAY_ENV=live (or test), QFPAY_APPCODE and QFPAY_KEY' }
        : {}),
    },
    ...(await checkGateway(input)),
    ...(await checkPublicUrl(input)),
    ...checkPayTypes(input),
    await checkStore(input),
  ]
  print(results)
  return results.some((r) => r.status === 'fail') ? 1 : 0
}

function print(results: CheckResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length))
  for (const r of results) {
    console.log(`${MARK[r.status]}  ${r.name.padEnd(width)}  ${r.detail}`)
    if (r.fix && r.status !== 'pass') console.log(`      ${' '.repeat(width)}  fix: ${r.fix}`)
  }
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length
  console.log(`\n${count('fail')} failed, ${count('warn')} warnings, ${count('pass')} passed`)
}
