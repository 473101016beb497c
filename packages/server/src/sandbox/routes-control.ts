/**
 * The control API under `/__sandbox` (ours, not QFPay's), for tests and the demo. JSON in and
 * out; POST bodies are optional. Errors are `{ "error": { "code", "message", "respcd"? } }`
 * like the checkout's. No route ever returns a merchant key.
 */
import { Hono, type Context } from 'hono'
import { SandboxControlError, type SandboxCore } from './core.ts'
import { KnobError } from './knobs.ts'
import { merchantView } from './merchants.ts'
import { orderView } from './order-rows.ts'

/** Mounts `/__sandbox/*`. */
export function controlRoutes(core: SandboxCore): Hono {
  const app = new Hono()
  const { control } = core

  // Every state-changing request needs the control token: without it a page on any site could
  // pay an order with a blind `fetch(..., { mode: 'no-cors' })` (syssns are sequential).
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/__sandbox/*', async (c, next) => {
    if (!hasControlToken(c, core.controlToken)) {
      throw new SandboxControlError(
        401,
        'control_token_required',
        'Failed to accept the control request: send the token the sandbox printed at start as Authorization: Bearer <token> (or X-Sandbox-Token).'
      )
    }
    await next()
  })

  app.get('/__sandbox/health', (c) => c.json({ status: 'ok' }))
  app.get('/__sandbox/merchants', (c) =>
    c.json({ merchants: [...core.merchants.values()].map(merchantView) })
  )

  app.get('/__sandbox/orders', (c) => {
    const outTradeNo = c.req.query('out_trade_no')
    const orders = core.book
      .list()
      .filter((o) => outTradeNo === undefined || o.outTradeNo === outTradeNo)
    return c.json({ orders: orders.map(orderView) })
  })
  app.get('/__sandbox/orders/:syssn', (c) => c.json(orderView(control.order(c.req.param('syssn')))))

  app.post('/__sandbox/orders/:syssn/pay', (c) =>
    c.json(orderView(control.pay(c.req.param('syssn'))))
  )
  app.post('/__sandbox/orders/:syssn/late-pay', (c) =>
    c.json(orderView(control.latePay(c.req.param('syssn'))))
  )
  app.post('/__sandbox/orders/:syssn/expire', (c) =>
    c.json(orderView(control.expire(c.req.param('syssn'))))
  )
  app.post('/__sandbox/orders/:syssn/decline', async (c) => {
    const body = await readJson(c)
    const respcd = body.respcd ?? '1201'
    if (typeof respcd !== 'string' || !/^\d{4}$/.test(respcd) || respcd === '0000') {
      throw new SandboxControlError(
        400,
        'invalid_respcd',
        'Failed to decline: respcd must be a 4-digit decline code other than 0000.'
      )
    }
    return c.json(orderView(control.decline(c.req.param('syssn'), respcd)))
  })
  app.post('/__sandbox/orders/:syssn/notify', (c) =>
    c.json(control.notify(c.req.param('syssn')), 202)
  )
  app.put('/__sandbox/orders/:syssn/knobs', async (c) => {
    const order = control.order(c.req.param('syssn'))
    return c.json(core.setOrderKnobs(order.outTradeNo, await readJson(c)))
  })

  app.get('/__sandbox/knobs', (c) => c.json({ ...core.knobs }))
  app.put('/__sandbox/knobs', async (c) => c.json(core.setKnobs(await readJson(c))))

  app.get('/__sandbox/notifies', (c) => {
    const syssn = c.req.query('syssn')
    return c.json({
      notifies: core.notifier.log().filter((r) => syssn === undefined || r.syssn === syssn),
    })
  })
  app.post('/__sandbox/notifies/flush', async (c) =>
    c.json({ notifies: await core.notifier.drain() })
  )

  app.onError((error, c) => {
    if (error instanceof SandboxControlError) {
      return c.json(
        {
          error: {
            code: error.code,
            message: error.message,
            ...(error.respcd ? { respcd: error.respcd } : {}),
          },
        },
        error.status
      )
    }
    if (error instanceof KnobError)
      return c.json({ error: { code: 'invalid_knobs', message: error.message } }, 400)
    throw error
  })
  return app
}

/** Constant-time comparison of the request's token with the sandbox's. */
function hasControlToken(c: Context, expected: string): boolean {
  const auth = c.req.header('authorization')
  const given =
    c.req.header('x-sandbox-token') ?? (auth?.startsWith('Bearer ') ? auth.slice(7).trim() : '')
  const a = new TextEncoder().encode(given)
  const b = new TextEncoder().encode(expected)
  let diff = a.length ^ b.length
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i]!
  return diff === 0
}

/** An optional JSON object body: empty → `{}`; anything else must parse to an object. */
async function readJson(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new SandboxControlError(
      400,
      'invalid_json',
      'Failed to read the request: the body is not JSON.'
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SandboxControlError(
      400,
      'invalid_json',
      'Failed to read the request: expected a JSON object.'
    )
  }
  return value as Record<string, unknown>
}
