/**
 * Starts a Node HTTP server for a fetch handler and resolves once it listens. The handler can
 * be set after listening (`setHandler`): the demo binds every port first (port 0 = any free
 * one) and only then builds the apps, because each app needs the others' final URLs (the
 * sandbox's notify URL names the merchant port, the merchant's allowed origin the page port).
 */
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'

/** A listening server. */
export interface Listening {
  port: number
  /** Replaces the handler; until set, requests get 503. */
  setHandler(handler: (request: Request, env: unknown) => Response | Promise<Response>): void
  /** Stops listening and drops open connections (event streams would otherwise hold it open). */
  close(): Promise<void>
}

/** Listens on `host:port`; rejects with a clear message when the port is taken. */
export function listen(port: number, host: string, name: string): Promise<Listening> {
  let handler: ((request: Request, env: unknown) => Response | Promise<Response>) | undefined
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE' ? `port ${port} is in use (set another one)` : error.message
      reject(new Error(`Failed to start the ${name} on ${host}:${port}: ${why}.`))
    }
    const server: ServerType = serve(
      {
        fetch: (request, env) =>
          handler ? handler(request, env) : new Response('Starting…', { status: 503 }),
        port,
        hostname: host,
      },
      () => {
        server.off('error', onError)
        const address = server.address() as AddressInfo
        resolve({
          port: address.port,
          setHandler: (next) => (handler = next),
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done())
              ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
            }),
        })
      }
    )
    server.once('error', onError)
  })
}
