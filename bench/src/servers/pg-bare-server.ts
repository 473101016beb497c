/**
 * Baseline for bench 7: a bare Hono app on @hono/node-server whose `POST /notify` commits the raw
 * body as one row in its own transaction on the same PostgreSQL (postgres.js, pool of 10, as the
 * store's), then answers SUCCESS. No signature check, no dedupe, no /query, no state machine,
 * no outbox, no NOTIFY: the framework plus one durable PostgreSQL commit.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import postgres from 'postgres'
import { serveIpc } from '../lib/child.ts'
import { HOST } from '../lib/constants.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as { url: string; schema: string }
const sql = postgres(args.url, { max: 10, onnotice: () => undefined })
const table = `"${args.schema}".notifies`
await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${args.schema}"`)
await sql.unsafe(
  `CREATE TABLE IF NOT EXISTS ${table} (id bigserial PRIMARY KEY, body text NOT NULL, received_at timestamptz NOT NULL)`
)
const insert = `INSERT INTO ${table} (body, received_at) VALUES ($1, $2)`

const app = new Hono()
app.post('/notify', async (c) => {
  const body = await c.req.text()
  await sql.begin((t) => t.unsafe(insert, [body, new Date().toISOString()]))
  return c.text('SUCCESS', 200)
})
serve({ fetch: app.fetch, hostname: HOST, port: 0 }, (info: AddressInfo) => serveIpc(info.port, {}))
