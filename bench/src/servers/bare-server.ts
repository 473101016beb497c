/**
 * Baselines for benches 3 and 6: a bare Hono app on @hono/node-server with the same SQLite
 * settings as the store (WAL, synchronous=FULL, a file on disk), and nothing else.
 *
 * - `POST /notify`: reads the raw body and commits it as one row in a BEGIN IMMEDIATE
 *   transaction (one fsync of the WAL, as every durable write does), then answers SUCCESS.
 *   No signature check, no dedupe, no /query, no state machine, no publish.
 * - `GET /checkouts/:id`: one indexed SELECT of a row holding a checkout's wire JSON.
 */
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import Database from 'better-sqlite3'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { serveIpc } from '../lib/child.ts'
import { HOST } from '../lib/constants.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as { dir: string; rows?: number }
const db = new Database(join(args.dir, 'bare.db'))
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
db.exec(`CREATE TABLE IF NOT EXISTS notifies (id INTEGER PRIMARY KEY, body TEXT NOT NULL, received_at TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS checkouts (id TEXT PRIMARY KEY, body TEXT NOT NULL)`)
const insert = db.prepare('INSERT INTO notifies (body, received_at) VALUES (?, ?)')
const commit = db.transaction((body: string) => insert.run(body, new Date().toISOString()))
const byId = db.prepare('SELECT body FROM checkouts WHERE id = ?')

const ids: string[] = []
const put = db.prepare('INSERT INTO checkouts (id, body) VALUES (?, ?)')
db.transaction(() => {
  for (let i = 0; i < (args.rows ?? 0); i++) {
    const id = `c${String(i).padStart(23, '0')}`
    ids.push(id)
    put.run(
      id,
      JSON.stringify({
        id,
        version: 2,
        status: 'pending',
        order: `P${i}`,
        payType: '800201',
        flow: 'qr',
        amount: 100,
        currency: 'CNY',
        createdAt: new Date().toISOString(),
        expiresAt: new Date().toISOString(),
        refundedAmount: 0,
        latePayment: false,
        payUrl: `http://sandbox.internal/sandbox/pay/${i.toString(16).padStart(32, '0')}`,
      })
    )
  }
})()

const app = new Hono()
app.post('/notify', async (c) => {
  const body = await c.req.text()
  commit.immediate(body)
  return c.text('SUCCESS', 200)
})
app.get('/checkouts/:id', (c) => {
  const row = byId.get(c.req.param('id')) as { body: string } | undefined
  if (!row) return c.json({ error: { code: 'not_found' } }, 404)
  c.header('Cache-Control', 'no-store')
  c.header('Content-Type', 'application/json')
  return c.body(row.body)
})
serve({ fetch: app.fetch, hostname: HOST, port: 0 }, (info: AddressInfo) =>
  serveIpc(info.port, { ids: () => ids })
)
