import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CATALOGUE } from './catalogue.ts'
import { goodsNameOf, MAX_GOODS_NAME, parseOrder } from './parse-order.ts'

const priced = (order: string) => {
  const result = parseOrder(order)
  assert.equal(result.ok, true, result.ok ? '' : result.message)
  return (result as Extract<typeof result, { ok: true }>).order
}
const refused = (order: unknown) => {
  const result = parseOrder(order)
  assert.equal(result.ok, false, `expected ${JSON.stringify(order)} to be refused`)
  return (result as Extract<typeof result, { ok: false }>).message
}

describe('parseOrder', () => {
  it('prices a cart as the sum of price × quantity', () => {
    const order = priced('cart0001/tea:2,cake:1')
    assert.equal(order.cartId, 'cart0001')
    assert.equal(order.amount, 2 * 3800 + 12800)
    assert.equal(order.currency, 'CNY')
    assert.deepEqual(
      order.lines.map((l) => [l.product.sku, l.quantity]),
      [
        ['tea', 2],
        ['cake', 1],
      ]
    )
  })

  it('accepts the largest allowed quantity and every catalogue product', () => {
    const order = priced(`abcdefgh/${CATALOGUE.map((p) => `${p.sku}:99`).join(',')}`)
    assert.equal(
      order.amount,
      CATALOGUE.reduce((s, p) => s + p.price * 99, 0)
    )
  })

  it('refuses an unknown product and names it', () => {
    assert.match(refused('cart0001/tea:1,caviar:1'), /unknown product "caviar"/)
  })

  it('refuses silly quantities', () => {
    for (const qty of ['0', '100', '-1', '01', '1.5', '1e2', ' 1', 'one', '']) {
      assert.match(refused(`cart0001/tea:${qty}`), /Failed to read the order/, qty)
    }
  })

  it('refuses a product listed twice, rather than adding it up', () => {
    assert.match(refused('cart0001/tea:1,tea:1'), /"tea" appears twice/)
  })

  it('refuses a missing or malformed cart id', () => {
    for (const order of [
      'tea:1',
      '/tea:1',
      'short/tea:1',
      'has space/tea:1',
      `${'x'.repeat(33)}/tea:1`,
    ])
      refused(order)
  })

  it('refuses empty carts, stray separators, white space and non-strings', () => {
    for (const order of [
      'cart0001/',
      'cart0001/tea:1,',
      'cart0001/,tea:1',
      'cart0001/tea:1 ',
      'cart0001/TEA:1',
      '',
      undefined,
      42,
      null,
    ]) {
      refused(order)
    }
  })

  it('refuses an order longer than the limit', () => {
    assert.match(refused(`cart0001/tea:1${',x:1'.repeat(80)}`), /longer than/)
  })
})

describe('goodsNameOf', () => {
  it("names a single line by product and stays within QFPay's 20 characters", () => {
    assert.equal(goodsNameOf(priced('cart0001/tea:2')), 'Jasmine tea ×2')
    for (const p of CATALOGUE)
      assert.ok(goodsNameOf(priced(`cart0001/${p.sku}:99`)).length <= MAX_GOODS_NAME)
  })

  it('counts units for a mixed cart', () => {
    assert.equal(goodsNameOf(priced('cart0001/tea:2,cake:1')), 'Tea house, 3 items')
  })
})
