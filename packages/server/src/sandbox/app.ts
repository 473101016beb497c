/**
 * The sandbox's Hono app: trade routes, phone page, control API, plus the guards that keep
 * it standing (body limit, 404, one `onError`). Nothing a client sends may crash it or show a
 * stack: every answer outside the phone page and control API is QFPay-shaped JSON.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { SandboxCore } from './core.ts'
import { gatewayError } from './gateway-response.ts'
import { controlRoutes } from './routes-control.ts'
import { phonePageRoutes } from './phone-page.ts'
import { tradeRoutes } from './routes-trade.ts'

/** Builds the app over a core. */
export function createSandboxApp(core: SandboxCore): Hono {
  const app = new Hono()
  app.use(
    '*',
    bodyLimit({
      maxSize: core.bodyLimit,
      onError: () =>
        gatewayError('1103', `request body is larger than ${core.bodyLimit} bytes`, {
          status: 413,
        }),
    })
  )
  app.route('/', tradeRoutes(core))
  app.route('/', phonePageRoutes(core))
  app.route('/', controlRoutes(core))
  app.notFound((c) =>
    gatewayError('1103', `no such path: ${c.req.path.slice(0, 100)}`, { status: 404 })
  )
  app.onError((error, c) => {
    if (error instanceof HTTPException)
      return gatewayError('1103', error.message || 'request format error', { status: error.status })
    core.onInternalError(error)
    // A generic message only: never a stack, never a key.
    return gatewayError(
      '1100',
      `internal sandbox error on ${c.req.method} ${c.req.path.slice(0, 100)}`,
      { status: 500 }
    )
  })
  return app
}
