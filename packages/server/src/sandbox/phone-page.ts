/**
 * The shopper's phone: the page behind every `pay_url`/`qrcode` the sandbox hands out
 * (docs/qfpay-protocol.md#sandbox). Mobile first, no scripts (strict CSP: styles come from a file), two
 * real form buttons named exactly "Pay" and "Decline". Paying marks the order paid and sends
 * the notify; Alipay online types then redirect (303) to the merchant's return URL with the
 * GET parameters of QFPay's 2017 document. Declining fails the order with 1201 (insufficient balance, the
 * usual wallet refusal). A closed, expired or finished order answers 409.
 */
import { Hono } from 'hono'
import { describeRespcd } from '../qfpay/respcd.ts'
import { payTypeInfo } from '../qfpay/pay-types.ts'
import type { SandboxCore } from './core.ts'
import { PHONE_CSS, renderPhonePage, renderResultPage } from './phone-html.ts'
import type { SandboxOrder } from './orders.ts'

/** The decline code the Decline button uses. */
export const PHONE_DECLINE_RESPCD = '1201'

/** Mounts `/sandbox/pay/*`. */
export function phonePageRoutes(core: SandboxCore): Hono {
  const app = new Hono()
  app.use('/sandbox/pay/*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
    // The token in the URL is the only key to the order: never leak it in a Referer.
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Content-Type-Options', 'nosniff')
  })
  app.get('/sandbox/pay/phone.css', (c) =>
    c.body(PHONE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' })
  )

  app.get('/sandbox/pay/:token', (c) => {
    const order = core.book.byToken(c.req.param('token'))
    if (!order)
      return page(
        c.html(
          renderResultPage({
            title: 'Order not found',
            message: 'This payment link is not known to the sandbox.',
            css: 'phone.css',
          }),
          404
        )
      )
    const view = renderPhonePage({
      order,
      merchant: core.merchantOf(order).name,
      wallet: walletName(order),
      css: 'phone.css',
    })
    return page(c.html(view, order.state === 'created' ? 200 : 409))
  })

  app.post('/sandbox/pay/:token/:action{pay|decline}', (c) => {
    const order = core.book.byToken(c.req.param('token'))
    if (!order)
      return page(
        c.html(
          renderResultPage({
            title: 'Order not found',
            message: 'This payment link is not known to the sandbox.',
            css: '../phone.css',
          }),
          404
        )
      )
    // Only an open order can be paid or declined; anything else changes nothing (409).
    if (order.state !== 'created') {
      return page(
        c.html(
          renderResultPage({
            title: 'Cannot pay this order',
            message: `This order is ${order.state}. Nothing was charged.`,
            css: '../phone.css',
          }),
          409
        )
      )
    }
    if (c.req.param('action') === 'decline') {
      core.book.decline(order, PHONE_DECLINE_RESPCD)
      return page(
        c.html(
          renderResultPage({
            title: 'Payment declined',
            message: `The wallet declined: ${describeRespcd(PHONE_DECLINE_RESPCD).meaning} (${PHONE_DECLINE_RESPCD}).`,
            css: '../phone.css',
          })
        )
      )
    }
    core.book.pay(order)
    const target = redirectTarget(core, order)
    if (target) return c.redirect(target, 303)
    return page(
      c.html(
        renderResultPage({
          title: 'Payment successful',
          message: 'You can return to the shop now.',
          css: '../phone.css',
        })
      )
    )
  })
  return app
}

/**
 * QFPay 2017: Alipay online payments send the browser to the return URL with `Mchid` (when
 * issued), `syssn`, `pay_type`, `out_trade_no`, `txdtm`, `txamt`, `udid`, `respcd` and
 * `respmesg` (sic). WeChat and QR (MPM) types do not redirect (2017 FAQ; docs/qfpay-protocol.md#return-url).
 */
export function redirectTarget(core: SandboxCore, order: SandboxOrder): string | undefined {
  const info = payTypeInfo(order.payType)
  const returnUrl = core.returnUrlFor(order)
  if (!returnUrl || info?.wallet !== 'alipay' || info.swipe || info.returns !== 'pay_url')
    return undefined
  const url = new URL(returnUrl)
  const mchid = core.merchantOf(order).mchid
  if (mchid) url.searchParams.set('Mchid', mchid)
  const params: Record<string, string> = {
    syssn: order.syssn,
    pay_type: order.payType,
    out_trade_no: order.outTradeNo,
    txdtm: order.txdtm,
    txamt: String(order.txamt),
    udid: order.udid,
    respcd: '0000',
    respmesg: describeRespcd('0000').meaning,
  }
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return url.toString()
}

function walletName(order: SandboxOrder): string {
  const wallet = payTypeInfo(order.payType)?.wallet
  return wallet === 'alipay' ? 'Alipay' : wallet === 'wechat' ? 'WeChat Pay' : 'Wallet'
}

/**
 * Strict CSP: no scripts at all. `form-action` must allow any http(s) target: Chromium applies
 * it to every redirect that follows a form submission, and a wallet's success page sends the
 * shopper to the merchant's return URL, which may itself redirect (303) to the shop's page on
 * another origin. A real wallet page puts no such limit on where the merchant sends the shopper.
 * `img-src data:` is for the page's empty icon: without one, Firefox fetches /favicon.ico and
 * reports the CSP blocking it on every page.
 */
function page(response: Response): Response {
  response.headers.set(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'self'; img-src data:; form-action 'self' http: https:; base-uri 'none'; frame-ancestors 'none'"
  )
  return response
}
