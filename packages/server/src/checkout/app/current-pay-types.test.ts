/**
 * Today's pay types end to end against the sandbox's `current` profile (which refuses what
 * today's docs refuse), and the refusal to go live on the seed's defaults.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { createMemoryStore } from '../../store/memory.ts'
import { type Bed, type BedOptions, startBed } from '../../../test/support/checkout-test-bed.ts'
import { createCheckout } from './create-checkout.ts'
import { mergeCheckoutOptions } from '../../../test/support/merge-options.ts'

const PAY_TYPES = ['801514', '801512', '801101', '801107', '800101', '801501', '800201', '800212']

async function bed(
  t: TestContext,
  options: BedOptions = {}
): Promise<{ b: Bed; sent: URLSearchParams[] }> {
  const sent: URLSearchParams[] = []
  const b = await startBed({
    profile: 'current',
    publicUrl: true,
    ...options,
    checkout: mergeCheckoutOptions(
      {
        payTypes: PAY_TYPES,
        currency: 'HKD',
        gateway: {
          fetch: async (input, init) => {
            if (String(input).endsWith('/payment'))
              sent.push(new URLSearchParams(String(init?.body)))
            return fetch(input, init)
          },
        },
      },
      options.checkout
    ),
  })
  t.after(() => b.close())
  return { b, sent }
}

describe("today's pay types against today's rules", () => {
  it('every current online type opens a payment, and pays, in HKD', async (t) => {
    const { b, sent } = await bed(t)
    for (const payType of PAY_TYPES) {
      const { status, body } = await b.create(`CP-${payType}`, payType)
      assert.equal(status, 201, `${payType}: ${JSON.stringify(body)}`)
      await b.pay(body.id)
      assert.equal((await b.get(body.id)).status, 'paid', payType)
    }
    // expired_time only where today's docs allow it.
    const expired = Object.fromEntries(sent.map((p) => [p.get('pay_type'), p.has('expired_time')]))
    assert.equal(expired['800201'], true)
    assert.equal(expired['801514'], false)
    assert.equal(expired['800212'], false)
  })

  it("WeChat H5 800212 carries extend_info.scene_info and the shopper's IP", async (t) => {
    const { b, sent } = await bed(t)
    const { status } = await b.create('CP-H5', '800212')
    assert.equal(status, 201)
    const extend = JSON.parse(sent.at(-1)?.get('extend_info') ?? '{}') as {
      scene_info?: { h5_info?: { type?: string; wap_url?: string } }
      spbill_create_ip?: string
    }
    assert.equal(extend.scene_info?.h5_info?.type, 'Wap')
    assert.equal(extend.scene_info?.h5_info?.wap_url, b.appUrl)
    assert.match(extend.spbill_create_ip ?? '', /127\.0\.0\.1/)
  })

  it("WeChat H5 800212 sends the shopper's address as http.clientIp reads it, not the proxy's", async (t) => {
    const { b, sent } = await bed(t, { checkout: { http: { clientIp: () => '203.0.113.7' } } })
    assert.equal((await b.create('CP-H5-PROXY', '800212')).status, 201)
    const extend = JSON.parse(sent.at(-1)?.get('extend_info') ?? '{}') as {
      spbill_create_ip?: string
    }
    assert.equal(extend.spbill_create_ip, '203.0.113.7')
  })

  it('limitPay: no_credit is sent with every payment', async (t) => {
    const { b, sent } = await bed(t, { checkout: { limitPay: 'no_credit' } })
    await b.create('CP-LP', '800201')
    assert.equal(sent.at(-1)?.get('limit_pay'), 'no_credit')
  })

  it('an HKD-only type in another currency is refused at start', () => {
    assert.throws(
      () =>
        createCheckout({
          resolveOrder: () => undefined,
          store: createMemoryStore(),
          gateway: {
            environment: 'test',
            appcode: 'APPCODE01',
            key: '0123456789ABCDEF0123456789ABCDEF',
          },
          payTypes: ['801514'],
          currency: 'CNY',
        }),
      /801514 takes only HKD/
    )
  })
})

describe('going live on the seed defaults', () => {
  for (const environment of ['live', 'test'] as const) {
    it(`${environment}: refuses to start without payTypes and currency, naming today's codes`, () => {
      assert.throws(
        () =>
          createCheckout({
            resolveOrder: () => undefined,
            store: createMemoryStore(),
            gateway: { environment, appcode: 'APPCODE01', key: '0123456789ABCDEF0123456789ABCDEF' },
          }),
        (error: Error) =>
          /state payTypes and currency/.test(error.message) &&
          /801514/.test(error.message) &&
          /800212/.test(error.message) &&
          /HKD/.test(error.message)
      )
    })
  }

  it('local (the sandbox) keeps the seed defaults', (t) => {
    const checkout = createCheckout({
      resolveOrder: () => undefined,
      store: createMemoryStore(),
      logger: { info() {}, warn() {}, error() {} },
    })
    t.after(() => checkout.close())
    assert.ok(checkout.sandbox)
  })
})
