/**
 * The choices a merchant must make before real money moves. The defaults (pay types 800151 and
 * 800201, currency CNY) are those of QFPay's 2017 `/trade/v1` document: 800151 appears in no
 * current pay-type list, and on QFPay's Hong Kong host HKD is the norm and many types take
 * nothing else (sdk.qfapi.com `paytypes.md`, `currencies.md`, 2026-02). So with `live` or
 * `test` the app refuses to start until `payTypes` and `currency` are stated, with a message
 * naming today's codes, and refuses HKD-only types with another currency.
 */
import { payTypeInfo } from '../../qfpay/pay-types.ts'
import type { GatewayConfig } from './gateway-config.ts'
import type { CheckoutOptions } from './options.ts'

/** Today's online codes, as the refusal names them. */
export const CURRENT_CODES_HINT =
  "today's online codes: Alipay web 801101 (overseas) / 801514 (AlipayHK), Alipay WAP 801107 / 801512, Alipay QR 800101 / 801501, WeChat Pay QR 800201, WeChat Pay H5 800212"

/** Throws when a live or test set-up still rests on the seed defaults, or mixes currencies. */
export function checkLiveChoices(
  options: Pick<CheckoutOptions, 'payTypes' | 'currency'>,
  gateway: Pick<GatewayConfig, 'environment' | 'region'>
): void {
  if (gateway.environment === 'local') return
  const missing = [
    ...(options.payTypes === undefined ? ['payTypes'] : []),
    ...(options.currency === undefined ? ['currency'] : []),
  ]
  if (missing.length > 0) {
    throw new Error(
      `Failed to create the checkout app: with QFPAY_ENV=${gateway.environment}, state ${missing.join(' and ')}. The defaults (800151 and 800201, CNY) come from QFPay's 2017 document and 800151 is in no current list; ${CURRENT_CODES_HINT}. On QFPay's Hong Kong host the currency is HKD.`
    )
  }
  const currency = (options.currency as string).toUpperCase()
  for (const code of options.payTypes ?? []) {
    const only = payTypeInfo(code)?.currencies
    if (only && !only.includes(currency))
      throw new Error(
        `Failed to create the checkout app: pay type ${code} takes only ${only.join(', ')}, and currency is ${currency}.`
      )
  }
}
