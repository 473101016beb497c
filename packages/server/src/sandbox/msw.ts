/**
 * The sandbox as msw request handlers: every request under `baseUrl` goes to the in-process
 * sandbox, phone page and control API included, so tests exercise real request handling instead of stubs.
 *
 * @example
 * import { setupServer } from 'msw/node'
 * const sandbox = createSandbox({ appcode, key })
 * const server = setupServer(...gatewayHandlers(sandbox, 'https://openapi-test.example'))
 * server.listen({ onUnhandledRequest: 'error' })
 */
import { http, type HttpHandler } from 'msw'
import type { Sandbox } from './create-sandbox.ts'

/** One `http.all(baseUrl + '/*')` handler that answers from the sandbox. */
export function gatewayHandlers(sandbox: Pick<Sandbox, 'fetch'>, baseUrl: string): HttpHandler[] {
  const base = baseUrl.replace(/\/+$/, '')
  return [http.all(`${base}/*`, ({ request }) => sandbox.fetch(request))]
}
