/**
 * The demo shop's products. The merchant server serves them at `GET /api/products` and prices
 * every order from this list, so the page only ever shows prices, never decides them.
 */

/** One product as `GET /api/products` lists it. */
export interface Product {
  /** Stable id used in the element's `order` (`tea:2,cake:1`): lower-case letters, digits, `-`. */
  sku: string
  name: string
  /** Minor units (fen for CNY), a positive integer. */
  price: number
  /** ISO-4217. One currency for the whole shop: a cart is charged in one. */
  currency: string
}

/** The shop's currency: mainland-China wallets charge CNY (QFPay's 2017 gateway served mainland-China wallets). */
export const SHOP_CURRENCY = 'CNY'

/** A small tea house. Prices in fen (1 CNY = 100 fen). */
export const CATALOGUE: readonly Product[] = Object.freeze([
  { sku: 'tea', name: 'Jasmine tea', price: 3800, currency: SHOP_CURRENCY },
  { sku: 'oolong', name: 'Tieguanyin oolong', price: 6800, currency: SHOP_CURRENCY },
  { sku: 'cake', name: 'Mooncake box', price: 12800, currency: SHOP_CURRENCY },
  { sku: 'cup', name: 'Celadon cup', price: 4500, currency: SHOP_CURRENCY },
  { sku: 'sample', name: 'Tasting sample', price: 1, currency: SHOP_CURRENCY },
])

/** Looks a product up by SKU. */
export function findProduct(
  sku: string,
  catalogue: readonly Product[] = CATALOGUE
): Product | undefined {
  return catalogue.find((p) => p.sku === sku)
}
