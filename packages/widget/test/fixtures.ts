/** Plain data for unit tests. */
import type { Checkout, CheckoutConfig, PayMethod } from '@qfpay-checkout/server/contract'

export const T0 = Date.parse('2026-01-01T00:00:00Z')

export const alipay: PayMethod = { payType: '800151', wallet: 'alipay', flow: 'qr' }
export const wechat: PayMethod = { payType: '800201', wallet: 'wechat', flow: 'qr' }
export const alipayCard: PayMethod = { payType: '800108', wallet: 'alipay', flow: 'code' }

export const config: CheckoutConfig = { currency: 'HKD', methods: [alipay, wechat, alipayCard] }

/** A pending checkout expiring five minutes after T0, with overrides. */
export function checkout(patch: Partial<Checkout> = {}): Checkout {
  return {
    id: 'co_1',
    version: 1,
    status: 'pending',
    order: 'A-1001',
    payType: '800201',
    flow: 'qr',
    amount: 1000,
    currency: 'HKD',
    createdAt: new Date(T0).toISOString(),
    expiresAt: new Date(T0 + 300_000).toISOString(),
    payUrl: 'weixin://wxpay/bizpayurl?pr=1',
    refundedAmount: 0,
    latePayment: false,
    ...patch,
  }
}
