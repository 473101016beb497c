#!/usr/bin/env node
/**
 * `pnpm sandbox`: the QFPay sandbox as a standalone server on 127.0.0.1.
 *
 * Flags (env): --port (SANDBOX_PORT, default 8788; 0 = any free port), --host (default
 * 127.0.0.1), --appcode (QFPAY_APPCODE), --key (QFPAY_KEY), --mchid (QFPAY_MCHID),
 * --notify-url (SANDBOX_NOTIFY_URL), --return-url (SANDBOX_RETURN_URL), --time-scale
 * (SANDBOX_TIME_SCALE), --public-url (SANDBOX_PUBLIC_URL: origin used in phone-page URLs,
 * default the origin each request came to), --profile (SANDBOX_PROFILE: `seed`, the default, or
 * `current`, today's QFPay gateway; see `PROFILE_KNOBS`), --control-token (SANDBOX_CONTROL_TOKEN;
 * default a random one). Missing credentials are generated and printed; a key the user gave is
 * never printed. The control token is printed: every POST/PUT to `/__sandbox/…` needs it.
 */
import { parseArgs } from 'node:util'
import { serve } from '@hono/node-server'
import { createSandbox } from './create-sandbox.ts'

const USAGE = `Usage: pnpm sandbox [--port 8788] [--host 127.0.0.1] [--appcode X] [--key X] [--mchid X]
                    [--notify-url URL] [--return-url URL] [--time-scale N]
                    [--public-url URL] [--profile seed|current] [--control-token X]
Env: SANDBOX_PORT, QFPAY_APPCODE, QFPAY_KEY, QFPAY_MCHID, SANDBOX_NOTIFY_URL, SANDBOX_RETURN_URL, SANDBOX_TIME_SCALE, SANDBOX_PUBLIC_URL, SANDBOX_PROFILE, SANDBOX_CONTROL_TOKEN
Profiles: seed (the 2017 /trade/v1 documents) or current (today's gateway: /query searches one
month without a window, the 2026 close/reversal rules, sorted-fields response signatures,
per-pay-type payment rules, every current pay type enabled)`

/** Reads flags over env over defaults; exits with the usage on a bad value. */
function readConfig() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      appcode: { type: 'string' },
      key: { type: 'string' },
      mchid: { type: 'string' },
      'notify-url': { type: 'string' },
      'return-url': { type: 'string' },
      'time-scale': { type: 'string' },
      'public-url': { type: 'string' },
      profile: { type: 'string' },
      'control-token': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const env = process.env
  const port = Number(values.port ?? env.SANDBOX_PORT ?? 8788)
  const timeScale = Number(values['time-scale'] ?? env.SANDBOX_TIME_SCALE ?? 1)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail('--port must be an integer from 0 to 65535.')
  if (!(timeScale > 0)) fail('--time-scale must be a positive number.')
  const profile = values.profile ?? env.SANDBOX_PROFILE ?? 'seed'
  if (profile !== 'seed' && profile !== 'current') fail('--profile must be seed or current.')
  return {
    port,
    host: values.host ?? '127.0.0.1',
    timeScale,
    appcode: values.appcode ?? env.QFPAY_APPCODE,
    key: values.key ?? env.QFPAY_KEY,
    mchid: values.mchid ?? env.QFPAY_MCHID,
    notifyUrl: values['notify-url'] ?? env.SANDBOX_NOTIFY_URL,
    returnUrl: values['return-url'] ?? env.SANDBOX_RETURN_URL,
    publicUrl: values['public-url'] ?? env.SANDBOX_PUBLIC_URL,
    profile: profile as 'seed' | 'current',
    controlToken: values['control-token'] ?? env.SANDBOX_CONTROL_TOKEN,
  }
}

function fail(message: string): never {
  console.error(`qfpay-sandbox: ${message}\n${USAGE}`)
  process.exit(2)
}

function main(): void {
  let config: ReturnType<typeof readConfig>
  try {
    config = readConfig()
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  const { port, host, timeScale, publicUrl, profile, controlToken, ...merchant } = config
  let sandbox: ReturnType<typeof createSandbox>
  try {
    // Phone-page URLs take the origin the merchant server used to reach us, unless --public-url.
    sandbox = createSandbox({
      ...merchant,
      ...(publicUrl ? { publicUrl } : {}),
      ...(controlToken ? { controlToken } : {}),
      timeScale,
      profile,
      onInternalError: (error) =>
        console.error(
          '[qfpay-sandbox] internal error:',
          error instanceof Error ? error.message : error
        ),
    })
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  const server = serve(
    { fetch: (request) => sandbox.fetch(request), port, hostname: host },
    (info) => {
      const shownHost = info.address.includes(':') ? `[${info.address}]` : info.address
      const baseUrl = `http://${shownHost}:${info.port}`
      const [view] = sandbox.merchants()
      const lines = [
        `QFPay sandbox listening on ${baseUrl}`,
        `  appcode: ${view?.appcode ?? ''}${sandbox.generated.appcode ? ' (generated)' : ''}`,
        // Only a generated key is shown; a given one stays where the user put it.
        `  key:     ${sandbox.generated.key ? `${sandbox.generated.key} (generated)` : '(given, not shown)'}`,
        ...(view?.mchid ? [`  mchid:   ${view.mchid}`] : []),
        `  notify:  ${view?.notifyUrl ?? '(none: notifies are logged, not sent)'}`,
        `  return:  ${view?.returnUrl ?? '(none)'}`,
        `  control: ${baseUrl}/__sandbox/orders`,
        `  profile: ${profile}`,
        `  control token: ${sandbox.controlToken}   (POST/PUT /__sandbox/…: Authorization: Bearer <token>)`,
        ...(timeScale !== 1 ? [`  time scale: ${timeScale}x`] : []),
      ]
      console.log(lines.join('\n'))
    }
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    sandbox.close()
    server.close(() => process.exit(0))
    // Open keep-alive connections must not hold the exit hostage.
    setTimeout(() => process.exit(0), 2_000).unref()
    console.log(`qfpay-sandbox: ${signal}, stopping`)
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  server.on('error', (error) => fail(`cannot listen on ${host}:${port}: ${error.message}`))
}

main()
