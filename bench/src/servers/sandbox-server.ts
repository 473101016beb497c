/**
 * The standalone gateway of bench 7's burst row: a sandbox on its own loopback port and process,
 * whose one notify URL is instance A. `pay` pays many orders in the same tick and answers when
 * each notify was handed to fetch and when instance A acknowledged it (performance.timeOrigin +
 * now(), epoch ms, comparable across the bench's processes on this machine).
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createSandbox } from '@qfpay-checkout/server/sandbox'
import { serveIpc } from '../lib/child.ts'
import { APPCODE, HOST, KEY } from '../lib/constants.ts'

const now = () => performance.timeOrigin + performance.now()
const sentAt = new Map<string, number>()
const ackedAt = new Map<string, number>()
// Instance A listens after this sandbox does: its URL arrives by `notifyTo`, and the notifies
// (configured for a placeholder) are sent there.
let notifyUrl = `http://${HOST}:9/qfpay/notify`
const sandbox = createSandbox({
  appcode: APPCODE,
  key: KEY,
  notifyUrl: `http://${HOST}:9/qfpay/notify`,
  fetch: (async (_input: string | URL | Request, init?: RequestInit) => {
    const at = now()
    let syssn: string | undefined
    try {
      const body =
        typeof init?.body === 'string'
          ? init.body
          : new TextDecoder().decode(init?.body as Uint8Array)
      syssn = (JSON.parse(body) as { syssn?: string }).syssn
      if (syssn && !sentAt.has(syssn)) sentAt.set(syssn, at)
    } catch {
      // not a notify we can read: not timed
    }
    const res = await globalThis.fetch(notifyUrl, init)
    const body = await res.text()
    if (syssn && res.ok && body.includes('SUCCESS') && !ackedAt.has(syssn))
      ackedAt.set(syssn, now())
    return new Response(body, { status: res.status, headers: res.headers })
  }) as typeof fetch,
})
serve({ fetch: (r) => sandbox.fetch(r), hostname: HOST, port: 0 }, (info: AddressInfo) =>
  serveIpc(info.port, {
    notifyTo: (m: { url: string }) => void (notifyUrl = m.url),
    pay: (m: { syssns: string[] }) => {
      const at = now()
      for (const syssn of m.syssns) sandbox.pay(syssn)
      return at
    },
    sentAt: (m: { syssns: string[] }) => m.syssns.map((s) => sentAt.get(s) ?? null),
    ackedAt: (m: { syssns: string[] }) => m.syssns.map((s) => ackedAt.get(s) ?? null),
  })
)
