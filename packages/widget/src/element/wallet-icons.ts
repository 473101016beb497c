/**
 * Wallet marks drawn inline (no image requests, nothing for a CSP to block). Decorative: the
 * wallet's name is always written beside them. Kept short (size budget): Alipay's strokes
 * are lines, WeChat's two bubbles one path.
 */
import { svg, type SVGTemplateResult } from 'lit'
import type { Wallet } from '@qfpay-checkout/server/contract'

/** A 24×24 mark per wallet, in the wallet's brand colour. */
export const walletIcons: Record<Wallet, SVGTemplateResult> = {
  alipay: svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
    <rect width="24" height="24" rx="5" fill="#1677ff"/>
    <path fill="none" stroke="#fff" stroke-width="1.55" d="M6 7.8h12M12 5v4M7 11.1h10M14.7 10.5c-.6 3.2-2.8 6-7.9 7.7M8.9 13.3c2.6 1.9 5.5 3.4 8.8 4.4"/>
  </svg>`,
  wechat: svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
    <rect width="24" height="24" rx="5" fill="#07c160"/>
    <path fill="#fff" d="M10 5.5c-3.6 0-6.5 2.4-6.5 5.4 0 1.7.9 3.2 2.4 4.2l-.6 1.9 2.3-1.2c.8.2 1.6.4 2.4.4h.4a4.6 4.6 0 0 1-.2-1.3c0-2.9 2.8-5.2 6.3-5.2h.3C16.2 7.3 13.4 5.5 10 5.5zM20.5 14.9c0-2.4-2.4-4.4-5.2-4.4-2.9 0-5.2 2-5.2 4.4s2.3 4.4 5.2 4.4c.6 0 1.2-.1 1.8-.3l1.8 1-.5-1.6c1.3-.8 2.1-2 2.1-3.5z"/>
  </svg>`,
}
