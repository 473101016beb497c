// The deliberate bugs `pnpm test:mutation` puts into the money paths, one at a time (see
// scripts/mutation.mjs). Each mutant is one or more exact textual edits of a source file (each
// `from` must occur exactly once, so a mutant that no longer applies is reported, not skipped
// silently) and the test files that should notice it: `server` files run with node:test in
// packages/server, `widget` files with Web Test Runner in packages/widget.

import { CAUGHT } from './mutants-caught.mjs'

const NOTIFIES = 'packages/server/src/checkout/notifies.ts'
const CONTROLLER = 'packages/widget/src/state/checkout-controller.ts'

const NOTIFY_TESTS = ['src/checkout/checkout-notify.test.ts']

/** @type {{ id: string, what: string, edits: { file: string, from: string, to: string }[], server?: string[], widget?: string[] }[]} */
export const MUTANTS = [
  // Promises the suites guarded only by chance, or not at all, before their own tests.
  {
    id: 'success-before-commit',
    what: 'the notify is answered SUCCESS without waiting for the paid commit',
    edits: [
      {
        file: NOTIFIES,
        from: '      after = await this.#svc.apply(record, observation, carrier)\n',
        to: '      after = record\n      void this.#svc.apply(record, observation, carrier).catch(() => undefined)\n',
      },
    ],
    server: [...NOTIFY_TESTS, 'test/adversarial/notify-commit.test.ts'],
  },
  {
    id: 'refund-one-over',
    what: 'a refund one unit over what is left is accepted',
    edits: [
      {
        file: 'packages/server/src/model/plan-refund.ts',
        from: '  if (input.amount > refundable) return',
        to: '  if (input.amount > refundable + 1) return',
      },
    ],
    server: ['src/store/memory.test.ts', 'test/adversarial/refund-races.test.ts'],
  },
  {
    id: 'notify-dedupe-removed',
    what: 'a copy of an acknowledged notify is confirmed by /query again',
    edits: [
      {
        file: NOTIFIES,
        from: "      PAID_STATUSES.includes(record.status) &&\n      (await store.hasAcceptedNotify(n.syssn, 'payment'))",
        to: 'false',
      },
    ],
    server: [
      ...NOTIFY_TESTS,
      'test/adversarial/notify-flood.test.ts',
      'test/adversarial/notify-dedupe.test.ts',
    ],
  },
  {
    id: 'notify-coalescing-bypassed',
    what: 'concurrent copies of one notify each do their own /query and commit',
    edits: [
      {
        file: NOTIFIES,
        from: "      return this.#flights.run(`payment:${n.syssn ?? ''}:${n.out_trade_no ?? ''}:${rawBody}`, () =>\n        this.#payment(n, rawBody)\n      )",
        to: '      return this.#payment(n, rawBody)',
      },
    ],
    server: [
      ...NOTIFY_TESTS,
      'test/adversarial/notify-flood.test.ts',
      'test/adversarial/notify-dedupe.test.ts',
    ],
  },
  {
    id: 'paid-event-every-status',
    what: 'the widget fires qfpay-paid on every paid status, not on the transition',
    edits: [
      {
        file: CONTROLLER,
        from: '  dispatch(action: Action): void {\n',
        to: "  dispatch(action: Action): void {\n    if (action.type === 'statusReceived' && this.state.kind === 'paid' && action.checkout.status === 'paid') emit(this.#host, 'qfpay-paid', action.checkout)\n",
      },
    ],
    widget: ['src/state/checkout-controller.test.ts', 'src/state/checkout-machine.test.ts'],
  },
  {
    id: 'preorder-expiry-removed',
    what: 'the reconciler no longer expires a pending pre-order on its own clock',
    edits: [
      {
        file: 'packages/server/src/checkout/reconciler.ts',
        from: "          after.status === 'pending' &&\n          Date.parse(after.expiresAt) + this.#graceMs <= now.getTime()",
        // Kept for swipe-card payments (a test of their own already covers them): only the
        // pre-order's own expiry, the one the gateway normally makes for us, is taken away.
        to: "after.status === 'pending' &&\n          payTypeInfo(after.payType)?.swipe === true &&\n          Date.parse(after.expiresAt) + this.#graceMs <= now.getTime()",
      },
    ],
    server: ['src/checkout/checkout-flows.test.ts', 'test/adversarial/lost-notify.test.ts'],
  },
  {
    id: 'missing-endpoint-silent',
    what: 'the widget says nothing when the endpoint attribute is missing',
    edits: [
      {
        file: CONTROLLER,
        from: "      if (DEV)\n        warnOnce(\n          'missing_endpoint',",
        to: "      if (false)\n        warnOnce(\n          'missing_endpoint',",
      },
    ],
    widget: ['src/state/checkout-controller.test.ts'],
  },
  {
    id: 'overtaking-notify-ignored',
    what: 'a notify that arrives before the payment answer (no syssn stored yet) is ignored',
    edits: [
      {
        file: NOTIFIES,
        from: '    if (record.syssn !== undefined && record.syssn !== n.syssn)',
        to: '    if (record.syssn !== n.syssn)',
      },
    ],
    server: [...NOTIFY_TESTS, 'test/adversarial/notify-races.test.ts'],
  },
  {
    id: 'close-ignores-paid',
    what: 'a cancel closes and cancels without checking whether the gateway says paid',
    edits: [
      {
        file: 'packages/server/src/checkout/payments.ts',
        from: "    record = await this.apply(record, seen ?? (await this.observe(record)))\n    if (record.status !== 'pending') return record\n    const outcome = await this.closeUpstream(record)\n    if (outcome === 'paid') return this.apply(record, await this.observe(record))\n",
        to: '    const outcome = await this.closeUpstream(record)\n',
      },
    ],
    server: ['test/adversarial/close-races.test.ts'],
  },
  ...CAUGHT,
]
