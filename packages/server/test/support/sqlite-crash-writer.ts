/**
 * Child process for `sqlite-crash.test.ts`: writes to a SQLite store as fast as it can and
 * prints `ack <id> <version>` after each write is acknowledged, until it is SIGKILLed.
 * Usage: node --import tsx sqlite-crash-writer.ts <file>
 */
import { writeSync } from 'node:fs'
import { createSqliteStore } from '../../src/store/sqlite.ts'

const filename = process.argv[2]
if (!filename) throw new TypeError('Failed to start crash writer: pass the store file.')
const store = createSqliteStore({ filename })

for (let i = 0; ; i++) {
  const { checkout } = await store.create({
    order: `CRASH-${process.pid}-${i}`,
    payType: '800201',
    flow: 'qr',
    amount: 100 + i,
    currency: 'HKD',
    outTradeNo: `P-CRASH-${process.pid}-${i}`,
    expiresAt: '2024-05-01T03:00:00.000Z',
  })
  // writeSync: the line leaves the process only after the commit it reports.
  writeSync(1, `ack ${checkout.id} 1\n`)
  if (i % 2 === 0) {
    const paid = await store.transition(checkout.id, { expectedVersion: 1, status: 'paid' })
    if (!paid.ok) throw new Error(`Failed to pay ${checkout.id}: ${paid.reason}.`)
    writeSync(1, `ack ${checkout.id} 2\n`)
  }
}
