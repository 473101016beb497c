/**
 * `GET {base}/config`: the enabled ways to pay, in the merchant's order. The
 * widget loads it once per `endpoint`, so a short cache spares a request per page view.
 */
import type { Hono } from 'hono'
import type { CheckoutConfig, PayMethod } from '../../contract.ts'
import { payTypeInfo } from '../../qfpay/pay-types.ts'
import { type CheckoutDeps, type CheckoutEnv, flowOf } from '../app/context.ts'

/** How long a browser may reuse `/config`, in seconds. */
const CONFIG_MAX_AGE_SECONDS = 60

/**
 * The config body for `settings`: one method per enabled pay type, in order. A pay type whose
 * wallet the contract cannot name (QFPay's "any wallet" codes) is left out; the settings already
 * refuse unavailable ones.
 */
export function checkoutConfig(settings: CheckoutDeps['settings']): CheckoutConfig {
  const methods: PayMethod[] = []
  for (const payType of settings.payTypes) {
    const info = payTypeInfo(payType)
    const wallet = info?.wallet
    if (wallet !== 'alipay' && wallet !== 'wechat') continue
    methods.push({
      payType,
      wallet,
      flow: flowOf(payType),
      ...(info?.display === 'qr-or-iframe' ? { qrOnly: true } : {}),
    })
  }
  return { currency: settings.currency, methods }
}

/**
 * Registers `GET /config`. The body is computed once: settings do not change while the app
 * runs. A cashier mount's answer is `private`, since it sits behind `authorize`.
 */
export function registerConfigRoute(
  app: Hono<CheckoutEnv>,
  deps: Pick<CheckoutDeps, 'settings'>
): void {
  const body = checkoutConfig(deps.settings)
  const cacheControl = `${deps.settings.mode === 'cashier' ? 'private' : 'public'}, max-age=${CONFIG_MAX_AGE_SECONDS}`
  app.get('/config', (c) => {
    c.header('Cache-Control', cacheControl)
    return c.json(body)
  })
}
