/**
 * The cashier page (staff only): build a sale from the catalogue, then scan the customer's
 * payment code into `<qfpay-checkout mode="cashier" endpoint="/qfpay-pos">`.
 */
import '@qfpay-checkout/widget/define'
import { TILL_CART_KEY } from './cart.ts'
import { byId, h } from './dom.ts'
import { mountShop } from './mount-shop.ts'
import { requireStaff } from './staff-session.ts'

await requireStaff()
// Only now: the cashier mount answers 403 to a browser without a staff session, and the
// element loads its configuration as soon as it is connected.
byId('checkout-slot').replaceWith(
  h('qfpay-checkout', { id: 'checkout', mode: 'cashier', endpoint: '/qfpay-pos' })
)
byId('till').hidden = false
byId('till-side').hidden = false
await mountShop({ storageKey: TILL_CART_KEY })
