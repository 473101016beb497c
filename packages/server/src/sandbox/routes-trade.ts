/**
 * The `/trade/v1/*` routes: method check, rate limit (knob), authentication, fault knobs,
 * the handler, latency, and a signed flat answer. Business errors are HTTP 200 with a
 * non-`0000` respcd, as in every QFPay example.
 */
import { Hono, type Context } from 'hono'
import { describeRespcd } from '../qfpay/respcd.ts'
import type { SandboxCore } from './core.ts'
import { GatewayError } from './gateway-error.ts'
import { gatewayError, gatewayResponse } from './gateway-response.ts'
import { chance } from './knobs.ts'
import type { PyJsonValue } from './py-json.ts'
import { handleCancel } from './trade-cancel.ts'
import { handlePayment } from './trade-payment.ts'
import { handleQuery } from './trade-query.ts'
import { handleRefund } from './trade-refund.ts'
import { readTradeRequest, type TradeRequest } from './trade-request.ts'

type Handler = (core: SandboxCore, request: TradeRequest, c: Context) => Record<string, PyJsonValue>

const HANDLERS: Record<string, { methods: readonly string[]; handle: Handler }> = {
  payment: {
    methods: ['POST'],
    handle: (core, request, c) => handlePayment(core, request, new URL(c.req.url).origin),
  },
  query: { methods: ['POST'], handle: (core, request) => handleQuery(core, request) },
  refund: { methods: ['POST'], handle: (core, request) => handleRefund(core, request) },
  // QFPay's pages label close/reversal GET, GET+POST or POST depending on the year; every code
  // sample POSTs. Accept both.
  close: {
    methods: ['GET', 'POST'],
    handle: (core, request) => handleCancel(core, request, 'close'),
  },
  reversal: {
    methods: ['GET', 'POST'],
    handle: (core, request) => handleCancel(core, request, 'reversal'),
  },
}

/** An nginx-style error page, as a proxy in front of a gateway answers when it fails. */
const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'

/** Mounts `/trade/v1/:endpoint`. */
export function tradeRoutes(core: SandboxCore): Hono {
  const app = new Hono()
  app.all('/trade/v1/:endpoint', async (c) => {
    const route = HANDLERS[c.req.param('endpoint')]
    if (!route)
      return gatewayError('1103', `no such endpoint: ${c.req.path.slice(0, 100)}`, { status: 404 })
    if (!route.methods.includes(c.req.method)) {
      return gatewayError('1103', `method ${c.req.method} is not allowed here`, {
        status: 405,
        headers: { Allow: route.methods.join(', ') },
      })
    }
    const appcode = c.req.header('x-qf-appcode') ?? ''
    if (
      core.knobs.rateLimit &&
      core.merchants.has(appcode) &&
      !core.rateLimiter.allow(appcode, core.clock.now())
    ) {
      return gatewayError(
        '1205',
        'rate limit exceeded: 100 requests per second and 400 per minute per merchant',
        { status: 429, headers: { 'Retry-After': '1' } }
      )
    }
    let request: TradeRequest
    try {
      request = await readTradeRequest(c, core.merchants)
    } catch (error) {
      if (error instanceof GatewayError) return gatewayError(error.respcd, error.message)
      throw error
    }
    const key = request.merchant.key
    const knobs = core.knobsFor(orderNumberOf(core, request))
    // Faults that stand for a failing proxy: decided before processing, so nothing happens.
    if (chance(knobs.serverErrorRate, core.random))
      return gatewayError('1100', 'injected server error (serverErrorRate knob)', { status: 503 })
    if (chance(knobs.htmlErrorRate, core.random)) return c.html(HTML_502, 502)
    let record: Record<string, PyJsonValue>
    try {
      record = route.handle(core, request, c)
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error
      record = {
        respcd: error.respcd,
        resperr: describeRespcd(error.respcd).meaning,
        respmsg: error.message,
      }
    }
    if (knobs.latencyMs > 0)
      await new Promise<void>((resolve) => core.clock.setTimeout(resolve, knobs.latencyMs))
    return gatewayResponse(record, { key, truncate: chance(knobs.malformedJsonRate, core.random) })
  })
  return app
}

/** The out_trade_no whose per-order knobs apply: the request's, or that of the syssn it names. */
function orderNumberOf(core: SandboxCore, { params }: TradeRequest): string | undefined {
  if (params.out_trade_no && !params.out_trade_no.includes(',') && !params.syssn)
    return params.out_trade_no
  if (params.syssn && !params.syssn.includes(',')) return core.book.get(params.syssn)?.outTradeNo
  return undefined
}
