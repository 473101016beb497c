/**
 * The shop page's entry module. The first import registers `<qfpay-checkout>`, so the tag is
 * defined as soon as `/` loads; no inline scripts (strict CSP).
 */
import '@qfpay-checkout/widget/define'
import { SHOP_CART_KEY } from './cart.ts'
import { byId } from './dom.ts'
import { mountShop } from './mount-shop.ts'

void mountShop({
  storageKey: SHOP_CART_KEY,
  onPaid(checkout) {
    byId<HTMLAnchorElement>('receipt-link').href =
      `/thanks.html?checkout=${encodeURIComponent(checkout.id)}`
  },
})
