/**
 * The "thank you" page the checkout's `/return` route sends Alipay shoppers to, with
 * `?checkout=<id>`: the element resumes that checkout and shows where it stands.
 */
import '@qfpay-checkout/widget/define'
import type { Checkout } from '@qfpay-checkout/widget'
import { Cart, SHOP_CART_KEY } from './cart.ts'
import { byId } from './dom.ts'

if (!new URLSearchParams(location.search).get('checkout')) {
  byId('thanks-intro').textContent = 'There is no payment to show here. Start from the shop.'
}

document.addEventListener('qfpay-paid', (event) => {
  // The order is paid: the shop's cart for it is done, the next visit starts a new order.
  Cart.forgetIfPaid(SHOP_CART_KEY, (event as CustomEvent<Checkout>).detail.order)
})
