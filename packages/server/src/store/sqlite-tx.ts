/**
 * The SQLite store's writes inside a transaction: the adapter the shared write logic uses
 * (`transaction.ts`) and the notify insert `recordNotify` shares. Every step is synchronous:
 * it runs inside one grouped `BEGIN IMMEDIATE` (`sqlite-group-commit.ts`), which already holds
 * the write lock, so a plain read is as good as a locked one.
 */
import type { RecordNotifyResult, NotifyInput } from '../model/records.ts'
import type { WritePlan } from '../model/plan-write.ts'
import {
  checkoutFromRow,
  checkoutToRow,
  notifyFromRow,
  outboxToRow,
  refundFromRow,
  refundToRow,
} from './sqlite-schema.ts'
import type { Statements } from './sqlite-statements.ts'
import type { WriteTx } from './transaction.ts'

/** The transaction steps of one SQLite connection's statements. */
export function sqliteWriteTx(q: Statements): {
  writeTx: WriteTx
  insertNotify: (input: NotifyInput, receivedAt: string) => RecordNotifyResult
} {
  const checkout = (id: string) => {
    const r = q.byId.get(id) as Record<string, unknown> | undefined
    return r && checkoutFromRow(r)
  }
  const applyWrite = (plan: WritePlan, expectedVersion: number) => {
    const info = q.updateCheckout.run({
      ...checkoutToRow(plan.next),
      expected_version: expectedVersion,
    })
    if (info.changes !== 1)
      throw new Error(
        `Failed to write checkout ${plan.next.id}: its row moved inside a transaction.`
      )
    for (const entry of plan.outbox) q.insertOutbox.run(outboxToRow(entry))
  }
  /** Insert a checked notify inside the caller's transaction; accepted ones once. */
  const insertNotify = (input: NotifyInput, receivedAt: string): RecordNotifyResult => {
    const fields = {
      syssn: input.syssn ?? null,
      out_trade_no: input.outTradeNo ?? null,
      notify_type: input.notifyType,
      checkout_id: input.checkoutId ?? null,
      accepted: input.accepted ? 1 : 0,
      reason: input.reason ?? null,
      raw_body: input.rawBody,
      received_at: receivedAt,
    }
    const info = q.insertNotify.run(fields)
    if (info.changes === 1) {
      // Built from what was written, not read back: one statement less per notify.
      return { duplicate: false, record: notifyFromRow({ ...fields, id: info.lastInsertRowid }) }
    }
    const existing = q.acceptedNotify.get(input.syssn, input.notifyType) as Record<string, unknown>
    return { duplicate: true, record: notifyFromRow(existing) }
  }
  const writeTx: WriteTx = {
    lockCheckout: (id) => checkout(id),
    lockRefund(id) {
      const r = q.refundById.get(id) as Record<string, unknown> | undefined
      const refund = r && refundFromRow(r)
      return { refund, checkout: refund && checkout(refund.checkoutId) }
    },
    writeCheckout(plan, expectedVersion, notify) {
      applyWrite(plan, expectedVersion)
      return notify && insertNotify(notify.input, notify.receivedAt)
    },
    writeRefund(refund) {
      q.updateRefund.run(refundToRow(refund))
    },
  }
  return { writeTx, insertNotify }
}
