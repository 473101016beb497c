/**
 * The shape of a locale: every text the widget shows. A merchant adds a language by passing
 * one of these to `registerLocale()`.
 */
import type { Wallet } from '@qfpay-checkout/server/contract'

/** All shown text for one language. Functions receive already formatted values. */
export interface QfpayLocale {
  /** BCP 47 tag used for `Intl` formatting, e.g. `zh-HK`. */
  lang: string
  wallet: Record<Wallet, string>
  loading: string
  noMethods: string
  methodsLegend: string
  payWith: (wallet: string) => string
  creating: string
  total: string
  scanWith: (wallet: string) => string
  scanFromAnotherDevice: (wallet: string) => string
  qrLabel: (wallet: string) => string
  openLink: string
  redirecting: (wallet: string) => string
  continueTo: (wallet: string) => string
  waitingRedirect: string
  expiresIn: string
  timeLeft: (duration: string) => string
  reconnecting: string
  cancel: string
  cancelling: string
  paid: string
  failed: string
  declined: string
  expired: string
  cancelled: string
  newQr: string
  tryAgain: string
  chooseAgain: string
  cashierLabel: string
  cashierSubmit: string
  cashierPending: string
  /** Looked up by `WidgetError.code`; `default` for codes not listed. */
  errors: Record<string, string> & { default: string }
}
