/**
 * Wallet marks drawn inline (no image requests, nothing for a CSP to block). Decorative: the
 * wallet's name is always written beside them.
 */
import { svg, type SVGTemplateResult } from 'lit'
import type { Wallet } from '@qfpay-checkout/server/contract'

/** A 24×24 mark per wallet, in the wallet's brand colour. */
export const walletIcons: Record<Wallet, SVGTemplateResult> = {
  alipay: svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    <rect width="24" height="24" rx="5" fill="#1677ff"/>
    <path fill="#fff" d="M6 7h12v1.6H6zM11.2 5h1.6v4h-1.6zM7 10.4h10v1.5H7zM15.4 10.4c-.6 3.4-3 6.4-8.4 8.1l-.6-1.4c4.4-1.4 6.4-3.7 7-6.7zM9.4 12.6c2.6 1.8 5.4 3.3 8.6 4.3l-.6 1.5c-3.3-1.1-6.2-2.6-8.9-4.6z"/>
  </svg>`,
  wechat: svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    <rect width="24" height="24" rx="5" fill="#07c160"/>
    <path fill="#fff" d="M10 5.5c-3.6 0-6.5 2.4-6.5 5.4 0 1.7.9 3.2 2.4 4.2l-.6 1.9 2.3-1.2c.8.2 1.6.4 2.4.4h.4a4.6 4.6 0 0 1-.2-1.3c0-2.9 2.8-5.2 6.3-5.2h.3C16.2 7.3 13.4 5.5 10 5.5z"/>
    <path fill="#fff" d="M20.5 14.9c0-2.4-2.4-4.4-5.2-4.4-2.9 0-5.2 2-5.2 4.4s2.3 4.4 5.2 4.4c.6 0 1.2-.1 1.8-.3l1.8 1-.5-1.6c1.3-.8 2.1-2 2.1-3.5z"/>
  </svg>`,
}
