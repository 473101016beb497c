/**
 * The shopper's cart, kept in `sessionStorage` (one cart per visit and tab). Its `order()` is
 * the element's `order` attribute: `<cartId>/<sku>:<qty>,…` (see `demo/src/parse-order.ts`,
 * which the server uses to price it). The cart id makes every purchase's order unique; it is
 * renewed after a payment, so the next purchase is a new order.
 */

/** `sessionStorage` key of the shop's cart; the thank-you page clears it once its order is paid. */
export const SHOP_CART_KEY = 'tea-house-cart'
/** `sessionStorage` key of the cashier's sale. */
export const TILL_CART_KEY = 'tea-house-till'

/** Units of one product the page lets a shopper put in (the server refuses more than 99). */
export const MAX_QUANTITY = 99

interface Saved {
  cartId: string
  items: [string, number][]
}

/** 16 random hex characters: unguessable enough that two visitors never share an order. */
function newCartId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A cart with change notifications. */
export class Cart extends EventTarget {
  cartId: string
  readonly items = new Map<string, number>()
  readonly #storageKey: string

  constructor(storageKey: string) {
    super()
    this.#storageKey = storageKey
    const saved = Cart.load(storageKey)
    this.cartId = saved?.cartId ?? newCartId()
    for (const [sku, qty] of saved?.items ?? []) this.items.set(sku, qty)
  }

  /** The saved cart of `storageKey`, if any (for pages that only need to read or clear it). */
  static load(storageKey: string): Saved | undefined {
    try {
      const saved = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as Saved | null
      return saved && typeof saved.cartId === 'string' && Array.isArray(saved.items)
        ? saved
        : undefined
    } catch {
      return undefined
    }
  }

  /** Forgets the saved cart of `storageKey` when it is the one `order` was made from. */
  static forgetIfPaid(storageKey: string, order: string): void {
    const saved = Cart.load(storageKey)
    if (saved && order.startsWith(`${saved.cartId}/`)) sessionStorage.removeItem(storageKey)
  }

  get count(): number {
    let n = 0
    for (const qty of this.items.values()) n += qty
    return n
  }

  add(sku: string): void {
    this.setQuantity(sku, (this.items.get(sku) ?? 0) + 1)
  }

  /** Sets a line's quantity; 0 removes it; clamped to 0–{@link MAX_QUANTITY}. */
  setQuantity(sku: string, quantity: number): void {
    const q = Math.max(0, Math.min(MAX_QUANTITY, Math.trunc(quantity)))
    if (q === 0) this.items.delete(sku)
    else this.items.set(sku, q)
    this.#changed()
  }

  /** Empties the cart and gives it a new id: the next purchase is a new order. */
  renew(): void {
    this.items.clear()
    this.cartId = newCartId()
    this.#changed()
  }

  /** The element's `order` for this cart, or undefined when it is empty. */
  order(): string | undefined {
    if (this.items.size === 0) return undefined
    return `${this.cartId}/${[...this.items].map(([sku, qty]) => `${sku}:${qty}`).join(',')}`
  }

  #changed(): void {
    const saved: Saved = { cartId: this.cartId, items: [...this.items] }
    sessionStorage.setItem(this.#storageKey, JSON.stringify(saved))
    this.dispatchEvent(new Event('change'))
  }
}
