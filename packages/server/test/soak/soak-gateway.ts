/**
 * Soak child (not a test): the sandbox as a remote gateway on 127.0.0.1:$PORT, with a random
 * latency on every `/trade/v1` answer, or on one endpoint's (`PUT /__soak/latency
 * {"min":50,"max":200,"only":"all"|"payment"}`), notifies
 * off (the soak sends them itself, at a fixed rate). Prints `listening` when ready.
 */
import { writeSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { createSandbox } from '../../src/sandbox/index.ts'
import { TEST_APPCODE, TEST_KEY } from '../support/checkout-test-bed.ts'

const latency = { min: 0, max: 0, only: 'all' }
const sandbox = createSandbox({
  appcode: TEST_APPCODE,
  key: TEST_KEY,
  knobs: { notifyDropRate: 1 },
  // The soak driver chose it and pays orders with it (POST /__sandbox/…/pay).
  controlToken: process.env['SANDBOX_CONTROL_TOKEN'],
})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
serve(
  {
    hostname: '127.0.0.1',
    port: Number(process.env['PORT']),
    fetch: async (request: Request) => {
      const path = new URL(request.url).pathname
      if (path === '/__soak/latency') {
        Object.assign(latency, (await request.json()) as typeof latency)
        return Response.json(latency)
      }
      const answer = await sandbox.fetch(request)
      const slowed =
        latency.only === 'all'
          ? path.startsWith('/trade/v1/')
          : path === `/trade/v1/${latency.only}`
      if (slowed && latency.max > 0)
        await sleep(latency.min + Math.random() * (latency.max - latency.min))
      return answer
    },
  },
  () => writeSync(1, 'listening\n')
)
