/**
 * The merchant console (staff only): every checkout with its status, amount, pay type and time;
 * refund part or all of a paid one; cancel a pending one. It polls the merchant server's admin
 * routes, which call the checkout app's merchant API (`checkout.merchant`).
 */
import { byId, h } from './dom.ts'
import { formatMoney, parseMoney } from './money.ts'
import { refreshHealth, startOpsPanel } from './ops-panel.ts'
import { api } from './shop-api.ts'
import { requireStaff, signOut } from './staff-session.ts'

/** One row, as `GET /api/admin/checkouts` lists it. */
interface AdminCheckout {
  id: string
  version: number
  status: string
  order: string
  payType: string
  amount: number
  refundedAmount: number
  currency: string
  createdAt: string
  paidAt?: string
  latePayment: boolean
  mount: string
}

/** How often the list refreshes, ms: quick enough to watch a payment land. */
const REFRESH_MS = 1_500

const PAY_TYPE_NAMES: Record<string, string> = {
  '800151': 'Alipay',
  '800201': 'WeChat Pay',
  '800108': 'Alipay (scanned code)',
  '800208': 'WeChat Pay (scanned code)',
}

const tbody = byId('checkouts').querySelector('tbody')!
const empty = byId('empty')
const problem = byId('console-error')
const hookStats = byId('hook-stats')
/** Rows by checkout id, kept while their version is unchanged so a half-typed refund amount survives a refresh. */
const rows = new Map<string, { version: number; tr: HTMLTableRowElement }>()

await requireStaff()
byId('console').hidden = false
byId('sign-out').addEventListener('click', () => void signOut().then(() => location.reload()))
await startOpsPanel((message) => (problem.textContent = message)).catch((error: unknown) => {
  problem.textContent = `Failed to load the last reconciliation: ${(error as Error).message}`
})
await refresh()
setInterval(() => void refresh(), REFRESH_MS)

async function refresh(): Promise<void> {
  try {
    const [{ checkouts }, hooks] = await Promise.all([
      api<{ checkouts: AdminCheckout[] }>('/api/admin/checkouts'),
      api<{ onPaidRuns: number; paidCheckouts: number }>('/api/admin/hooks'),
      refreshHealth(),
    ])
    hookStats.textContent = `onPaid hook: ${hooks.onPaidRuns} run(s) for ${hooks.paidCheckouts} paid checkout(s)`
    show(checkouts)
  } catch (error) {
    problem.textContent = `Failed to load the checkouts: ${(error as Error).message}`
  }
}

function show(checkouts: AdminCheckout[]): void {
  const next: HTMLTableRowElement[] = []
  for (const c of checkouts) {
    const known = rows.get(c.id)
    const tr = known && known.version === c.version ? known.tr : rowOf(c)
    rows.set(c.id, { version: c.version, tr })
    next.push(tr)
  }
  const same =
    next.length === tbody.children.length && next.every((tr, i) => tbody.children[i] === tr)
  if (!same) tbody.replaceChildren(...next)
  empty.hidden = checkouts.length > 0
}

function rowOf(c: AdminCheckout): HTMLTableRowElement {
  const [cartId = '', items = c.order] = c.order.includes('/')
    ? c.order.split('/', 2)
    : ['', c.order]
  return h(
    'tr',
    { 'data-checkout': c.id, 'data-status': c.status },
    h('td', {}, h('time', { datetime: c.createdAt }, new Date(c.createdAt).toLocaleString())),
    h(
      'td',
      {},
      h('span', { class: 'order-items' }, items),
      cartId ? h('span', { class: 'muted small' }, ` ${cartId}`) : ''
    ),
    h(
      'td',
      {},
      PAY_TYPE_NAMES[c.payType] ?? c.payType,
      h('span', { class: 'muted small' }, ` ${c.payType}`)
    ),
    h('td', { class: 'num' }, formatMoney(c.amount, c.currency)),
    h('td', { class: 'num' }, c.refundedAmount ? formatMoney(c.refundedAmount, c.currency) : '—'),
    h(
      'td',
      {},
      h('span', { class: `badge ${c.status}` }, c.status.replace('_', ' ')),
      c.latePayment ? h('span', { class: 'badge late' }, 'late') : ''
    ),
    h('td', { class: 'actions' }, ...actionsOf(c))
  )
}

function actionsOf(c: AdminCheckout): Node[] {
  if (c.status === 'pending') {
    return [
      h(
        'button',
        {
          type: 'button',
          class: 'cancel',
          onclick: (e) => act(e, `/api/admin/checkouts/${c.id}/cancel`, {}),
        },
        'Cancel'
      ),
    ]
  }
  if (c.status !== 'paid' && c.status !== 'partially_refunded') return []
  const left = c.amount - c.refundedAmount
  const digits =
    new Intl.NumberFormat(undefined, { style: 'currency', currency: c.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  const input = h('input', {
    class: 'refund-amount',
    inputmode: 'decimal',
    size: 8,
    'aria-label': `Amount to refund, ${c.currency}`,
    value: (left / 10 ** digits).toFixed(digits),
  })
  const refund = h(
    'button',
    {
      type: 'button',
      class: 'refund',
      onclick: (e) => {
        const amount = parseMoney(input.value, c.currency)
        if (amount === undefined || amount <= 0 || amount > left) {
          problem.textContent = `Enter an amount from ${formatMoney(1, c.currency)} to ${formatMoney(left, c.currency)}.`
          return
        }
        void act(e, `/api/admin/checkouts/${c.id}/refund`, { amount })
      },
    },
    'Refund'
  )
  const all = h(
    'button',
    {
      type: 'button',
      class: 'refund-all',
      onclick: (e) => act(e, `/api/admin/checkouts/${c.id}/refund`, {}),
    },
    'Refund all'
  )
  return [input, refund, all]
}

async function act(event: Event, path: string, body: object): Promise<void> {
  const button = event.currentTarget as HTMLButtonElement
  button.disabled = true
  problem.textContent = ''
  try {
    await api(path, { method: 'POST', body })
  } catch (error) {
    problem.textContent = (error as Error).message
  } finally {
    button.disabled = false
    await refresh()
  }
}
