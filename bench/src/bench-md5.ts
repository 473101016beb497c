/**
 * Bench 8: the MD5 of a QFPay signature, in process (a micro-row). A confirmed notify computes
 * four (its own check, the `/query` request's signature, and with the in-process sandbox that
 * request's check and the answer's signature), so the digest's cost is part of the notify rows.
 * Measured: `signBody` of the public QFPay client (pure JavaScript: the client runs on fetch
 * runtimes, so it cannot use `node:crypto`) over a 378-byte notify body and a 32-character key.
 * Baseline: `node:crypto`'s MD5 of the same bytes with the same hex step, what a Node-only
 * client would use. Alternating rounds, the best round of each counts (the machine is shared).
 */
import { createHash } from 'node:crypto'
import { signBody } from '@qfpay-checkout/server/qfpay'
import type { Benchmark } from './lib/bench.ts'
import { round } from './lib/stats.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
const BODY = JSON.stringify({
  status: '1',
  pay_type: '800201',
  sysdtm: '2024-05-01 10:31:07',
  paydtm: '2024-05-01 10:31:07',
  goods_name: 'Coffee',
  txcurrcd: 'HKD',
  txdtm: '2024-05-01 10:30:00',
  mchid: 'MCH-0001',
  txamt: '100',
  exchange_rate: '',
  chnlsn2: '',
  out_trade_no: 'ORDER-0001-2024-05-01-10-30-00-ABCDEFGH',
  syssn: '20240501000100020012345678',
  cash_fee_type: '',
  cancel: '0',
  respcd: '0000',
  goods_info: '',
  cash_fee: '0',
  notify_type: 'payment',
  chnlsn: '4200002024050112345678901234',
  cardcd: '',
})
const CALLS = 20_000
const ROUNDS = 7

/** µs per call of `fn`, best of ROUNDS rounds of CALLS calls. */
function time(fn: () => string, rounds: number[]): void {
  const t = performance.now()
  for (let i = 0; i < CALLS; i++) fn()
  rounds.push(((performance.now() - t) * 1000) / CALLS)
}

export const md5Bench: Benchmark = {
  id: 'md5',
  title: '8. MD5 signing',
  capMs: 60_000,
  async run(ctx) {
    const body = new TextEncoder().encode(BODY)
    const ours = () => signBody(body, KEY)
    const node = () => createHash('md5').update(body).update(KEY).digest('hex').toUpperCase()
    if (ours() !== node()) throw new Error('signBody disagrees with node:crypto')
    const a: number[] = []
    const b: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      time(ours, a)
      time(node, b)
    }
    const [best, base] = [Math.min(...a), Math.min(...b)]
    ctx.log(`signBody ${round(best)} µs, node:crypto ${round(base)} µs (${body.length} B body)`)
    return [
      {
        bench: this.title,
        metric: `signBody, ${body.length} B notify body + key`,
        goal: '<= 2x baseline',
        measured: best,
        unit: 'µs',
        baseline: base,
        baselineLabel: 'node:crypto MD5 of the same bytes',
        ratio: best / base,
        met: best <= 2 * base,
        note: `best of ${ROUNDS} rounds × ${CALLS} calls each; median ${round(a.sort((x, y) => x - y)[ROUNDS >> 1]!)} vs ${round(b.sort((x, y) => x - y)[ROUNDS >> 1]!)} µs`,
      },
    ]
  },
}
