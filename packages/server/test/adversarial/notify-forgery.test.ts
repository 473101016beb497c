/**
 * Adversarial: forged, tampered (any byte), truncated, re-serialised, empty-signature and
 * wrong-case-key notifies. Pass: 0 accepted, 0 state changes, never `SUCCESS`.
 *
 * The checkout under attack is really paid at the sandbox (its genuine notify is held back), so
 * a forgery that got past the signature check WOULD be confirmed by `/query` and move the
 * checkout to paid: the confirmation step cannot mask a verification bug here. The genuine
 * notify is posted last and must be accepted, which shows the harness can tell the two apart.
 *
 * Cases: FUZZ_RUNS (default 1,000 in the test command; `pnpm test:fuzz` runs 10,000).
 * Checked in checkout-notify.test.ts already: one forged, one unsigned, one re-serialised case.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../support/replay.ts'
import { signBody } from '../../src/qfpay/sign.ts'
import { pyJsonDumps } from '../../src/sandbox/index.ts'
import { signNotifyForTest } from '../../src/testing/index.ts'
import { bed, paidHooks, postNotify, TEST_KEY } from './helpers.ts'
import { listRejectedNotifies } from '../support/store-queries.ts'

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1_000)
const HEX = '0123456789ABCDEF'

/** One attack: the bytes and the X-QF-SIGN header (undefined = header absent). */
interface Attack {
  kind: string
  body: Uint8Array
  signature: string | undefined
}

const utf8 = new TextEncoder()

/** Builds the attack generators around the genuine notify `body` / `signature`. */
function attacks(
  body: string,
  signature: string,
  fields: Record<string, string>
): fc.Arbitrary<Attack> {
  const bytes = utf8.encode(body)
  const otherHex = (c: string) =>
    fc.constantFrom(...HEX.split('').filter((h) => h !== c.toUpperCase()))
  const keyLike = fc.string({
    unit: fc.constantFrom(...'0123456789ABCDEFabcdef'.split('')),
    minLength: 0,
    maxLength: 40,
  })
  const valueLike = fc.oneof(
    fc.string(),
    fc.integer().map(String),
    fc.constant(''),
    fc.constant('0000')
  )
  return fc.oneof(
    // Any one byte of the body changed to any other byte.
    fc
      .record({ at: fc.nat({ max: bytes.length - 1 }), to: fc.integer({ min: 0, max: 255 }) })
      .filter(({ at, to }) => bytes[at] !== to)
      .map(({ at, to }) => {
        const copy = bytes.slice()
        copy[at] = to
        return { kind: 'tampered_byte', body: copy, signature }
      }),
    // One byte inserted anywhere (a space, a newline, anything).
    fc
      .record({ at: fc.nat({ max: bytes.length }), byte: fc.integer({ min: 0, max: 255 }) })
      .map(({ at, byte }) => ({
        kind: 'inserted_byte',
        body: new Uint8Array([...bytes.subarray(0, at), byte, ...bytes.subarray(at)]),
        signature,
      })),
    // One signature character changed to another hex digit (case is not a change: QFPay sends both).
    fc.nat({ max: signature.length - 1 }).chain((at) =>
      otherHex(signature[at] as string).map((to) => ({
        kind: 'tampered_signature',
        body: bytes,
        signature: signature.slice(0, at) + to + signature.slice(at + 1),
      }))
    ),
    // Truncated body or signature.
    fc
      .nat({ max: bytes.length - 1 })
      .map((n) => ({ kind: 'truncated_body', body: bytes.subarray(0, n), signature })),
    fc
      .nat({ max: signature.length - 1 })
      .map((n) => ({ kind: 'truncated_signature', body: bytes, signature: signature.slice(0, n) })),
    // Re-serialised: same fields, other bytes (JSON.stringify spacing, key order, escapes).
    fc
      .constantFrom<(f: Record<string, string>) => string>(
        (f) => JSON.stringify(f),
        (f) => JSON.stringify(f, null, 1),
        (f) => pyJsonDumps(Object.fromEntries(Object.entries(f).reverse())),
        () => JSON.stringify(JSON.parse(body)).replace(/,/g, ', '),
        (f) => pyJsonDumps(f).replace(/"(\d+)"/g, '$1'),
        (f) => `${pyJsonDumps(f)}\n`,
        (f) => ` ${pyJsonDumps(f)}`
      )
      .map((reserialise) => ({
        kind: 're_serialised',
        body: utf8.encode(reserialise(fields)),
        signature,
      })),
    // Empty, blank or missing signature.
    fc
      .constantFrom(undefined, '', ' ', '\t', '0'.repeat(32), 'null', 'undefined')
      .map((s) => ({ kind: 'empty_signature', body: bytes, signature: s })),
    // Signed with the key in the wrong case, or a near-miss of the key.
    fc
      .constantFrom(
        TEST_KEY.toLowerCase(),
        TEST_KEY.slice(1),
        `${TEST_KEY} `,
        TEST_KEY.slice(0, 31) + (TEST_KEY.endsWith('1') ? '2' : '1'),
        ''
      )
      .map((key) => ({
        kind: 'wrong_key',
        body: bytes,
        signature: signBody(bytes, key),
      })),
    // Forged: any fields, the real order's identity, signed with any other key.
    fc
      .record({
        key: keyLike.filter((k) => k.toUpperCase() !== TEST_KEY),
        txamt: valueLike,
        respcd: valueLike,
      })
      .map(({ key, txamt, respcd }) => {
        const forged = signNotifyForTest({ ...fields, txamt, respcd }, key)
        return { kind: 'forged', body: utf8.encode(forged.body), signature: forged.signature }
      }),
    // The fields changed (cheaper amount), the genuine signature kept.
    fc
      .record({
        field: fc.constantFrom('txamt', 'respcd', 'syssn', 'out_trade_no', 'txcurrcd'),
        value: valueLike,
      })
      .filter(({ field, value }) => fields[field] !== value)
      .map(({ field, value }) => ({
        kind: 'field_swapped',
        body: utf8.encode(pyJsonDumps({ ...fields, [field]: value })),
        signature,
      })),
    // A signature over the body plus the key's bytes in another place (prefix instead of suffix).
    fc.constant({
      kind: 'key_prefixed',
      body: bytes,
      signature: signBody(utf8.encode(TEST_KEY + body), ''),
    })
  )
}

it(
  `accepts none of ${RUNS} forged, tampered, truncated, re-serialised, unsigned and wrong-key notifies`,
  { timeout: 600_000 },
  async (t) => {
    // Every forgery must reach verification here (the per-client refusal limit has its own test).
    const b = await bed(t, {
      knobs: { notifyReorder: true },
      checkout: { rejectedNotifiesPerMinute: false },
    })
    const { body: created } = await b.create('F-1', '800201')
    const before = await b.get(created.id)
    b.sandbox.pay(before.syssn as string) // paid upstream; the genuine notify is held
    const held = b.sandbox.notifies()[0]
    assert.equal(held?.state, 'held')
    const genuine = signNotifyForTest(held.body, TEST_KEY)
    const fields = JSON.parse(held.body) as Record<string, string>

    // Count what the handler records (the store's listing is paged at 500).
    const recorded = { accepted: 0, rejected: 0, reasons: new Set<string>() }
    const recordNotify = b.store.recordNotify.bind(b.store)
    b.store.recordNotify = (input) => {
      if (input.accepted) recorded.accepted++
      else {
        recorded.rejected++
        recorded.reasons.add(input.reason ?? '')
      }
      return recordNotify(input)
    }
    const kinds = new Map<string, number>()
    await assertProperty(
      fc.asyncProperty(attacks(genuine.body, genuine.signature, fields), async (attack) => {
        kinds.set(attack.kind, (kinds.get(attack.kind) ?? 0) + 1)
        const headers: Record<string, string> = { 'Content-Type': 'application/json' }
        if (attack.signature !== undefined) headers['X-QF-SIGN'] = attack.signature
        const answer = await postNotify(b, attack.body, headers)
        assert.notEqual(answer.text, 'SUCCESS', `${attack.kind} was acknowledged`)
        assert.equal(answer.status, 400, `${attack.kind} answered ${answer.status}`)
        const now = await b.get(created.id)
        assert.equal(now.version, before.version, `${attack.kind} changed the checkout`)
        assert.equal(now.status, 'pending')
      }),
      { numRuns: RUNS }
    )
    t.diagnostic(`cases by kind: ${JSON.stringify(Object.fromEntries(kinds))}`)
    assert.equal(await b.store.hasAcceptedNotify(before.syssn as string, 'payment'), false)
    assert.equal(recorded.accepted, 0)
    // Unverified bodies are never stored (anyone can post them): counted by reason instead.
    assert.equal(recorded.rejected, 0, 'a refused notify was stored')
    const counted = b.checkout.stats().unverifiedNotifies
    assert.equal((counted['bad_signature'] ?? 0) + (counted['missing_signature'] ?? 0), RUNS)
    await b.settleHooks()
    assert.deepEqual(paidHooks(b, created.id), { onPaid: 0, toPaid: 0 })

    // A forgery of the largest size the route takes (64 KiB) costs the store nothing.
    const big = `{"respcd": "0000", "pad": "${'x'.repeat(60 * 1024)}"}`
    const answer = await postNotify(b, big, {
      'Content-Type': 'application/json',
      'X-QF-SIGN': '0'.repeat(32),
    })
    assert.equal(answer.status, 400)
    assert.deepEqual(await listRejectedNotifies(b.store, { limit: 1 }), [])

    // Control: the genuine bytes are accepted, so the refusals above were the signature's doing.
    const accepted = await postNotify(b, genuine.body, genuine.headers)
    assert.deepEqual(accepted, { status: 200, text: 'SUCCESS' })
    assert.equal((await b.get(created.id)).status, 'paid')
  }
)
