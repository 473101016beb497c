/**
 * Which pay types a widget offers, and whether one of them sends the shopper away.
 */
import type { PayMethod } from '@qfpay-checkout/server/contract'
import type { CheckoutMode } from './checkout-machine.ts'
import { DEV, warnOnce } from '../warn.ts'

/** The methods a widget offers: swipe-card ones only in cashier mode, in `payTypes` order. */
export function offeredMethods(
  all: PayMethod[],
  payTypes: string[] | undefined,
  mode: CheckoutMode
): PayMethod[] {
  const usable = all.filter((m) => (mode === 'cashier') === (m.flow === 'code'))
  if (!payTypes?.length) return usable
  const picked: PayMethod[] = []
  for (const payType of payTypes) {
    const method = usable.find((m) => m.payType === payType)
    if (method) picked.push(method)
    else if (DEV)
      warnOnce(
        'unknown_pay_type',
        `Failed to offer pay type ${payType}: the server does not enable it for this mode.`
      )
  }
  return picked
}

/** QR on desktops; the wallet's page on phones, for redirect flows, or when asked. */
export function wantsRedirect(method: PayMethod, mode: CheckoutMode, phone: boolean): boolean {
  // A QR-only type (AlipayHK web) never sends the browser to the wallet's page.
  if (method.flow === 'code' || mode === 'qr' || method.qrOnly) return false
  if (mode === 'redirect' || method.flow === 'redirect') return true
  // A WeChat QR cannot be opened from a phone browser: it stays a QR "for another device".
  return phone && method.wallet !== 'wechat'
}
