/**
 * The demo's `order` format and its strict parser. The element's `order` attribute is the cart,
 * prefixed with a per-cart id so that each purchase has its own order reference:
 *
 *     <cartId>/<sku>:<qty>,<sku>:<qty>…        e.g.  c7Hq2mXk9pLa/tea:2,cake:1
 *
 * Why the cart id: the server treats `order` as *one purchase* (docs/decisions.md#one-payment-per-order):
 * once an order is paid, creating another checkout for it answers 409 `already_paid`.
 * Two shoppers buying `tea:2` must therefore not share an order string, and neither must one
 * shopper buying it twice. The page makes a fresh random cart id per cart and starts a new one
 * after a payment. A real shop would use its own order number instead.
 *
 * Rules (anything else is refused, never guessed at):
 * - cart id: 8–32 characters `[A-Za-z0-9_-]`;
 * - 1–{@link MAX_LINES} lines, each `sku:qty`, SKUs from the catalogue, each SKU at most once;
 * - qty: an integer 1–{@link MAX_QUANTITY} without sign or leading zeros;
 * - the whole string at most {@link MAX_ORDER_LENGTH} characters; no white space anywhere.
 */
import { CATALOGUE, type Product } from './catalogue.ts'

/** Longest accepted `order`, in characters (the store keeps it as the order reference). */
export const MAX_ORDER_LENGTH = 256
/** Most distinct products in one cart. */
export const MAX_LINES = 20
/** Most units of one product in one cart: more is a typo or a script, not a tea order. */
export const MAX_QUANTITY = 99

/** One priced cart line. */
export interface OrderLine {
  product: Product
  quantity: number
}

/** A parsed, priced order. */
export interface ParsedOrder {
  cartId: string
  lines: OrderLine[]
  /** Σ price × qty, minor units. */
  amount: number
  currency: string
}

/** The parse outcome: a priced order, or what is wrong with it (safe to show the shopper). */
export type ParseOrderResult = { ok: true; order: ParsedOrder } | { ok: false; message: string }

const CART_ID = /^[A-Za-z0-9_-]{8,32}$/
const LINE = /^([a-z0-9-]{1,32}):([1-9][0-9]{0,2})$/

/** Parses and prices `order` against the catalogue. Never throws. */
export function parseOrder(
  order: unknown,
  catalogue: readonly Product[] = CATALOGUE
): ParseOrderResult {
  const fail = (message: string): ParseOrderResult => ({
    ok: false,
    message: `Failed to read the order: ${message}.`,
  })
  if (typeof order !== 'string' || order === '') return fail('it is empty')
  if (order.length > MAX_ORDER_LENGTH)
    return fail(`it is longer than ${MAX_ORDER_LENGTH} characters`)
  const slash = order.indexOf('/')
  if (slash < 0) return fail('expected "<cartId>/<sku>:<qty>,…"')
  const cartId = order.slice(0, slash)
  if (!CART_ID.test(cartId)) return fail('the cart id must be 8–32 letters, digits, "_" or "-"')
  const items = order.slice(slash + 1).split(',')
  if (items.length > MAX_LINES) return fail(`a cart holds at most ${MAX_LINES} products`)

  const lines: OrderLine[] = []
  for (const item of items) {
    const match = LINE.exec(item)
    if (!match) return fail(`"${item.slice(0, 40)}" is not "<sku>:<quantity>"`)
    const [, sku, qty] = match as unknown as [string, string, string]
    const quantity = Number(qty)
    if (quantity > MAX_QUANTITY) return fail(`at most ${MAX_QUANTITY} of one product`)
    const product = catalogue.find((p) => p.sku === sku)
    if (!product) return fail(`unknown product "${sku}"`)
    if (lines.some((l) => l.product.sku === sku)) return fail(`"${sku}" appears twice`)
    lines.push({ product, quantity })
  }

  const currency = lines[0]!.product.currency
  if (lines.some((l) => l.product.currency !== currency))
    return fail('products in one cart must share a currency')
  const amount = lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0)
  return { ok: true, order: { cartId, lines, amount, currency } }
}

/** QFPay's `goods_name` holds at most 20 characters. */
export const MAX_GOODS_NAME = 20

/** A short goods name for the wallet: `Jasmine tea ×2`, or `Tea house, 3 items`. */
export function goodsNameOf(order: ParsedOrder): string {
  const units = order.lines.reduce((n, l) => n + l.quantity, 0)
  const only = order.lines.length === 1 ? order.lines[0]! : undefined
  const name = only ? `${only.product.name} ×${only.quantity}` : `Tea house, ${units} items`
  return name.length <= MAX_GOODS_NAME ? name : `Tea house, ${units} items`.slice(0, MAX_GOODS_NAME)
}
