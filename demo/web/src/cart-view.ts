/** Renders the product list and the cart. Pure DOM, rebuilt on every change (a handful of rows). */
import type { Cart } from './cart.ts'
import { MAX_QUANTITY } from './cart.ts'
import { h } from './dom.ts'
import { formatMoney } from './money.ts'
import type { Product } from './shop-api.ts'

/** Fills `list` with one card per product, each with an "Add to cart" button. */
export function renderProducts(
  list: HTMLElement,
  products: Product[],
  cart: Cart,
  isLocked: () => boolean
): void {
  list.replaceChildren(
    ...products.map((p) =>
      h(
        'li',
        { class: 'product', 'data-sku': p.sku },
        h('h3', {}, p.name),
        h('p', { class: 'price' }, formatMoney(p.price, p.currency)),
        h(
          'button',
          {
            type: 'button',
            class: 'add',
            'aria-label': `Add ${p.name} to cart`,
            onclick: () => {
              if (!isLocked()) cart.add(p.sku)
            },
          },
          'Add to cart'
        )
      )
    )
  )
}

/**
 * Renders the cart's lines and total into `box`. `locked` disables changes while paying (or
 * once paid); `note` explains why, when given.
 */
export function renderCart(
  box: HTMLElement,
  cart: Cart,
  products: Product[],
  locked: boolean,
  note?: string
): void {
  const lines = [...cart.items].flatMap(([sku, qty]) => {
    const product = products.find((p) => p.sku === sku)
    return product ? [{ product, qty }] : []
  })
  if (lines.length === 0) {
    box.replaceChildren(h('p', { class: 'muted' }, 'Your cart is empty.'))
    return
  }
  const currency = lines[0]!.product.currency
  const total = lines.reduce((sum, l) => sum + l.product.price * l.qty, 0)
  const stepper = (sku: string, name: string, qty: number) =>
    h(
      'span',
      { class: 'stepper' },
      h(
        'button',
        {
          type: 'button',
          disabled: locked,
          'aria-label': `One less ${name}`,
          onclick: () => cart.setQuantity(sku, qty - 1),
        },
        '−'
      ),
      h('output', { 'aria-label': `Quantity of ${name}` }, qty),
      h(
        'button',
        {
          type: 'button',
          disabled: locked || qty >= MAX_QUANTITY,
          'aria-label': `One more ${name}`,
          onclick: () => cart.setQuantity(sku, qty + 1),
        },
        '+'
      )
    )
  box.replaceChildren(
    h(
      'table',
      { class: 'cart' },
      h(
        'tbody',
        {},
        ...lines.map(({ product, qty }) =>
          h(
            'tr',
            { 'data-sku': product.sku },
            h('th', { scope: 'row' }, product.name),
            h('td', {}, stepper(product.sku, product.name, qty)),
            h('td', { class: 'num' }, formatMoney(product.price * qty, product.currency))
          )
        )
      ),
      h(
        'tfoot',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'row', colspan: 2 }, 'Total'),
          h('td', { class: 'num', id: 'cart-total' }, formatMoney(total, currency))
        )
      )
    ),
    note ? h('p', { class: 'muted small' }, note) : ''
  )
}
