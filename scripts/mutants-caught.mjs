// Mutants of the money paths that the suites already caught every time (same shape as
// scripts/mutants.mjs): kept so a refactor that loses one of those tests shows up as a survivor.

const NOTIFIES = 'packages/server/src/checkout/notifies.ts'
const VERIFY = 'packages/server/src/qfpay/verify-notify-body.ts'
const MACHINE = 'packages/widget/src/state/checkout-machine.ts'
const NOTIFY_TESTS = ['src/checkout/checkout-notify.test.ts']

/** Re-serialises a body the way a JSON framework would before handing it over. */
const RESERIALISED =
  "(() => { try { return JSON.stringify(JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody))) } catch { return '' } })()"

export const CAUGHT = [
  {
    id: 'forged-notify-accepted',
    what: 'a notify whose X-QF-SIGN does not match is accepted',
    edits: [
      {
        file: VERIFY,
        from: '  if (!verifyBodySignature(rawBody, key, header)) {',
        to: '  if (false) {',
      },
    ],
    server: ['src/qfpay/verify-notify-body.test.ts', ...NOTIFY_TESTS],
  },
  {
    id: 'notify-verified-reserialised',
    what: 'the signature is checked over the re-serialised JSON, not the raw bytes',
    edits: [
      {
        file: VERIFY,
        from: '  if (!verifyBodySignature(rawBody, key, header)) {',
        to: `  if (!verifyBodySignature(${RESERIALISED}, key, header)) {`,
      },
    ],
    server: ['src/qfpay/verify-notify-body.test.ts', 'test/adversarial/notify-forgery.test.ts'],
  },
  {
    id: 'notify-amount-unchecked',
    what: "a payment notify's amount is not compared with the checkout's",
    edits: [
      {
        file: NOTIFIES,
        from: "    if (n.txamt !== record.amount) return this.#ignore({ ...withId, reason: 'amount_mismatch' })\n",
        to: '',
      },
    ],
    server: [...NOTIFY_TESTS, 'test/adversarial/mismatched-notify.test.ts'],
  },
  {
    id: 'notify-query-skipped',
    what: 'a payment notify is applied without confirming it by /query',
    edits: [
      {
        file: NOTIFIES,
        from: '    if (settings.confirmNotifies) {\n      let observation',
        to: '    if (false) {\n      let observation',
      },
    ],
    server: [...NOTIFY_TESTS, 'test/adversarial/mismatched-notify.test.ts'],
  },
  {
    id: 'hook-done-before-run',
    what: 'an outbox entry is marked done before its hook ran',
    edits: [
      {
        file: 'packages/server/src/checkout/outbox-worker.ts',
        from: '          if (await this.#deliver(entry)) delivered.push(entry)',
        to: '          await this.#complete([entry])\n          await this.#deliver(entry)',
      },
    ],
    server: ['src/checkout/checkout-crash.test.ts', 'src/checkout/checkout-flows.test.ts'],
  },
  {
    id: 'sign-unsorted',
    what: 'request parameters are signed in insertion order, not sorted by name',
    edits: [
      { file: 'packages/server/src/qfpay/sign.ts', from: '    .sort(compareBytes)\n', to: '\n' },
    ],
    server: ['src/qfpay/sign.test.ts'],
  },
  {
    id: 'txdtm-not-utc8',
    what: 'txdtm is formatted in UTC instead of the gateway’s UTC+8',
    edits: [
      {
        file: 'packages/server/src/qfpay/txdtm.ts',
        from: 'const GATEWAY_OFFSET_MS = 8 * 60 * 60 * 1000',
        to: 'const GATEWAY_OFFSET_MS = 0',
      },
    ],
    server: ['src/qfpay/txdtm.test.ts'],
  },
  {
    id: 'sse-final-frame-dropped',
    what: 'the status stream ends without sending the final status',
    edits: [
      {
        file: 'packages/server/src/checkout/routes/events.ts',
        from: '          if (next.version > lastSent) {',
        to: "          if (next.version > lastSent && next.status === 'pending') {",
      },
    ],
    server: ['src/checkout/routes/events.test.ts'],
  },
  {
    id: 'origin-unchecked',
    what: 'a cross-site POST with a foreign Origin is let through',
    edits: [
      {
        file: 'packages/server/src/checkout/security.ts',
        from: '        ? !sameOrigin && !isTrusted(origin, c)',
        to: '        ? false',
      },
    ],
    server: ['src/checkout/security.test.ts'],
  },
  {
    id: 'key-in-error',
    what: 'the client key appears in a gateway error message',
    edits: [
      {
        file: 'packages/server/src/qfpay/call-gateway.ts',
        from: '(wrong key, or altered on the way).${unknown}',
        to: '(wrong key ${key}, or altered on the way).${unknown}',
      },
    ],
    server: [
      'src/qfpay/call-gateway.test.ts',
      'src/qfpay/errors.test.ts',
      'test/adversarial/key-leak.test.ts',
    ],
  },
  {
    id: 'stale-status-applied',
    what: 'the widget applies a status no newer than the one it shows',
    edits: [
      {
        file: MACHINE,
        from: '      if (checkout.id !== state.checkout.id || checkout.version <= state.checkout.version)',
        to: '      if (checkout.id !== state.checkout.id)',
      },
    ],
    widget: ['src/state/checkout-machine.test.ts'],
  },
  {
    id: 'no-polling-fallback',
    what: 'the widget never falls back to polling when the stream keeps failing',
    edits: [
      {
        file: 'packages/widget/src/pay/status-stream.ts',
        from: '      if (this.#failures >= STREAM_MAX_FAILURES) this.#startPolling()',
        to: '      if (false) this.#startPolling()',
      },
    ],
    widget: ['src/pay/status-stream.test.ts'],
  },
  {
    id: 'clock-skew-ignored',
    what: "the widget's countdown ignores the difference between its clock and the server's",
    edits: [{ file: MACHINE, from: '  const skew = serverDate - now', to: '  const skew = 0' }],
    widget: ['src/state/checkout-machine.test.ts'],
  },
]
