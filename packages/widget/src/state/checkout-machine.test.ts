import { expect } from '@open-wc/testing'
import { transition, type Action, type State } from './checkout-machine.ts'
import { alipay, checkout, config, T0, wechat } from '../../test/fixtures.ts'

const ctx = { config, methods: [alipay, wechat], skewMs: 0 }
const waiting = (patch: Partial<Extract<State, { kind: 'waiting' }>> = {}): State => ({
  kind: 'waiting',
  ctx,
  checkout: checkout(),
  redirect: false,
  remainingMs: 300_000,
  cancelling: false,
  connection: 'live',
  ...patch,
})
const status = (patch: Parameters<typeof checkout>[0]): Action => ({
  type: 'statusReceived',
  checkout: checkout(patch),
  now: T0,
})

describe('checkout machine', () => {
  const cases: [string, State, Action, (s: State) => void][] = [
    [
      'loading the config offers the methods',
      { kind: 'loading' },
      { type: 'configLoaded', config, methods: [alipay], now: T0 },
      (s) => expect(s).to.deep.include({ kind: 'choosing' }),
    ],
    [
      'resuming a pending checkout goes straight to waiting',
      { kind: 'loading', resume: 'co_1' },
      { type: 'configLoaded', config, methods: [alipay], checkout: checkout(), now: T0 },
      (s) => expect(s.kind).to.equal('waiting'),
    ],
    [
      'resuming a checkout paid on the wallet page waits without a QR code',
      { kind: 'loading', resume: 'co_1' },
      {
        type: 'configLoaded',
        config,
        methods: [alipay],
        checkout: checkout(),
        redirect: true,
        now: T0,
      },
      (s) => expect(s).to.deep.include({ kind: 'waiting', redirect: true }),
    ],
    [
      'a new endpoint or checkout id starts over, even from a waiting checkout',
      waiting(),
      { type: 'inputsChanged' },
      (s) => expect(s).to.deep.equal({ kind: 'loading' }),
    ],
    [
      'resuming a paid checkout shows it paid',
      { kind: 'loading' },
      {
        type: 'configLoaded',
        config,
        methods: [],
        checkout: checkout({ status: 'paid', version: 3 }),
        now: T0,
      },
      (s) => expect(s.kind).to.equal('paid'),
    ],
    [
      'choosing a pay type starts creating',
      { kind: 'choosing', ctx },
      { type: 'payTypeChosen', method: wechat, redirect: false },
      (s) => expect(s).to.deep.include({ kind: 'creating', method: wechat }),
    ],
    [
      'a created pending checkout waits with the time left',
      { kind: 'creating', ctx, method: wechat, redirect: false },
      { type: 'checkoutCreated', checkout: checkout(), now: T0 + 60_000 },
      (s) => expect(s).to.deep.include({ kind: 'waiting', remainingMs: 240_000 }),
    ],
    [
      'the countdown is corrected for the server clock',
      { kind: 'creating', ctx, method: wechat, redirect: false },
      { type: 'checkoutCreated', checkout: checkout(), now: T0 - 60_000, serverDate: T0 },
      (s) => expect(s).to.deep.include({ remainingMs: 300_000 }),
    ],
    [
      'a newer paid status ends in paid',
      waiting(),
      status({ status: 'paid', version: 2 }),
      (s) => expect(s.kind).to.equal('paid'),
    ],
    [
      'a refunded status still reads as paid',
      waiting(),
      status({ status: 'refunded', version: 4 }),
      (s) => expect(s.kind).to.equal('paid'),
    ],
    [
      'a stale status is ignored',
      waiting({ checkout: checkout({ version: 5 }) }),
      status({ status: 'failed', version: 5 }),
      (s) => expect(s.kind).to.equal('waiting'),
    ],
    [
      'a status of another checkout is ignored',
      waiting(),
      status({ id: 'co_2', status: 'paid', version: 9 }),
      (s) => expect(s.kind).to.equal('waiting'),
    ],
    [
      'a server expiry ends in expired',
      waiting(),
      status({ status: 'expired', version: 2 }),
      (s) => expect(s.kind).to.equal('expired'),
    ],
    [
      'the countdown reaching zero ends in expired',
      waiting(),
      { type: 'tick', now: T0 + 300_000 },
      (s) => expect(s.kind).to.equal('expired'),
    ],
    [
      'a tick updates the time left',
      waiting(),
      { type: 'tick', now: T0 + 1_000 },
      (s) => expect(s).to.deep.include({ remainingMs: 299_000 }),
    ],
    [
      'cancel marks the waiting checkout as cancelling',
      waiting(),
      { type: 'cancelRequested' },
      (s) => expect(s).to.deep.include({ cancelling: true }),
    ],
    [
      'a new QR after expiry replaces the old checkout',
      { kind: 'expired', ctx, checkout: checkout() },
      { type: 'payTypeChosen', method: wechat, redirect: false },
      (s) => expect(s).to.deep.include({ kind: 'creating', replaces: checkout() }),
    ],
    [
      'a failed request becomes a retryable error',
      { kind: 'creating', ctx, method: wechat, redirect: false },
      { type: 'requestFailed', error: { code: 'rate_limited', message: '', retryable: true } },
      (s) => expect(s.kind).to.equal('error'),
    ],
    [
      'retry returns to the failed step',
      {
        kind: 'error',
        error: { code: 'x', message: '', retryable: true },
        previous: { kind: 'loading' },
      },
      { type: 'retry' },
      (s) => expect(s).to.deep.equal({ kind: 'loading' }),
    ],
    [
      'a final state absorbs statuses',
      { kind: 'paid', ctx, checkout: checkout({ status: 'paid', version: 2 }) },
      status({ status: 'cancelled', version: 3 }),
      (s) => expect(s.kind).to.equal('paid'),
    ],
    [
      'a final state absorbs failures',
      { kind: 'cancelled', ctx, checkout: checkout() },
      { type: 'requestFailed', error: { code: 'x', message: '', retryable: true } },
      (s) => expect(s.kind).to.equal('cancelled'),
    ],
    [
      'refresh after a cancel starts over',
      { kind: 'cancelled', ctx, checkout: checkout() },
      { type: 'refresh' },
      (s) => expect(s.kind).to.equal('loading'),
    ],
    [
      'refresh keeps a paid checkout paid',
      { kind: 'paid', ctx, checkout: checkout() },
      { type: 'refresh' },
      (s) => expect(s.kind).to.equal('paid'),
    ],
    [
      'a lost connection is remembered while waiting',
      waiting(),
      { type: 'connectionChanged', connection: 'offline' },
      (s) => expect(s).to.deep.include({ connection: 'offline' }),
    ],
  ]
  for (const [name, from, action, check] of cases) it(name, () => check(transition(from, action)))

  it('returns the same object when nothing changes, so nothing re-renders', () => {
    const s = waiting()
    expect(transition(s, { type: 'retry' })).to.equal(s)
    expect(transition(s, status({ version: 1 }))).to.equal(s)
  })
})
