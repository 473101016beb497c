/**
 * Wires a catalogue, a cart and one `<qfpay-checkout>` together; used by the shop and the
 * cashier page. The element's `order` follows the cart; while a payment is under way the cart
 * is locked, so what the shopper pays is what the cart shows.
 */
import type { Checkout } from '@qfpay-checkout/widget'
import { Cart } from './cart.ts'
import { renderCart, renderProducts } from './cart-view.ts'
import { byId } from './dom.ts'
import { fetchProducts, type Product } from './shop-api.ts'

/** Element ids the page provides. */
export interface MountShopOptions {
  /** `sessionStorage` key of this page's cart (the shop and the till keep separate carts). */
  storageKey: string
  /** Called once a checkout is paid, e.g. to show a receipt link. */
  onPaid?: (checkout: Checkout) => void
}

/** States in which the cart must not change: a checkout is being made or is waiting. */
const BUSY = new Set(['creating', 'waiting'])

/** Loads the products and starts the page. */
export async function mountShop(options: MountShopOptions): Promise<Cart> {
  const cart = new Cart(options.storageKey)
  const productList = byId('products')
  const cartBox = byId('cart')
  const section = byId('checkout-section')
  const afterPayment = byId('after-payment')
  let element = byId<HTMLElementTagNameMap['qfpay-checkout']>('checkout')
  let products: Product[] = []
  let paid = false

  const locked = () => paid || BUSY.has(element.state)
  const resuming = new URLSearchParams(location.search).has('checkout')

  const render = () => {
    renderCart(
      cartBox,
      cart,
      products,
      locked(),
      paid ? undefined : locked() ? 'The cart is locked while this payment is open.' : undefined
    )
    for (const button of productList.querySelectorAll<HTMLButtonElement>('button.add'))
      button.disabled = locked()
    const order = cart.order()
    if (!locked()) {
      if (order) element.setAttribute('order', order)
      else element.removeAttribute('order')
    }
    section.hidden = !order && !locked() && !resuming
    afterPayment.hidden = !paid
  }

  // The element's events bubble and are composed: one listener on the section sees them all.
  for (const name of [
    'qfpay-created',
    'qfpay-failed',
    'qfpay-expired',
    'qfpay-cancelled',
    'qfpay-error',
  ] as const) {
    section.addEventListener(name, (event) => {
      // An order paid elsewhere (another tab, a redirect that came back): start a new cart.
      if (
        name === 'qfpay-error' &&
        (event as CustomEvent<{ code: string }>).detail.code === 'already_paid'
      )
        cart.renew()
      queueMicrotask(render)
    })
  }
  section.addEventListener('qfpay-paid', (event) => {
    paid = true
    options.onPaid?.((event as CustomEvent<Checkout>).detail)
    render()
  })
  byId('new-cart').addEventListener('click', () => {
    paid = false
    cart.renew()
    // A fresh element starts from "choose a way to pay"; drop a resumed ?checkout= too.
    history.replaceState(history.state, '', location.pathname)
    const fresh = document.createElement('qfpay-checkout')
    for (const attr of ['id', 'endpoint', 'mode']) {
      const value = element.getAttribute(attr)
      if (value !== null) fresh.setAttribute(attr, value)
    }
    element.replaceWith(fresh)
    element = fresh
    render()
  })
  cart.addEventListener('change', render)

  const status = document.getElementById('products-status')
  try {
    products = await fetchProducts()
    status?.remove()
  } catch (error) {
    if (status) status.textContent = `Failed to load the products: ${(error as Error).message}`
    throw error
  }
  renderProducts(productList, products, cart, locked)
  render()
  return cart
}
