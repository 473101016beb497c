/**
 * Markup of the phone page: mobile first (viewport meta, readable at 320 px), no scripts.
 */
import type { SandboxOrder } from './orders.ts'

/** The page's stylesheet, served as a file so the CSP needs no 'unsafe-inline'. */
export const PHONE_CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f3f5;color:#1f2329}
main{max-width:28rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.wallet{margin:0;color:#646a73;font-size:.875rem}
h1{margin:.25rem 0 1rem;font-size:1.25rem;overflow-wrap:anywhere}
.amount{font-size:2rem;font-weight:600;margin:0 0 1rem;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;margin:0 0 1.25rem}
dt{color:#646a73}dd{margin:0;overflow-wrap:anywhere}
form{margin:0 0 .75rem}
button{width:100%;min-height:48px;border:0;border-radius:8px;font:inherit;font-weight:600;cursor:pointer}
.pay{background:#1677ff;color:#fff}.decline{background:#fff;color:#d4380d;border:1px solid #d4380d}
button:focus-visible{outline:3px solid #69b1ff;outline-offset:2px}
.note{color:#646a73;font-size:.8125rem;margin:1rem 0 0}`

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string)
}

/** Formats minor units with the currency's own number of decimals (JPY none, HKD two). */
export function formatAmount(txamt: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency })
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2
    return format.format(txamt / 10 ** digits)
  } catch {
    return `${txamt} ${currency}`
  }
}

function shell(title: string, css: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${css}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
}

/** The order page with its Pay and Decline buttons (only while the order is open). */
export function renderPhonePage(input: {
  order: SandboxOrder
  merchant: string
  wallet: string
  css: string
}): string {
  const { order } = input
  const amount = formatAmount(order.txamt, order.txcurrcd)
  const open = order.state === 'created'
  const actions = open
    ? `<form method="post" action="${order.token}/pay"><button type="submit" class="pay">Pay</button></form>
<form method="post" action="${order.token}/decline"><button type="submit" class="decline">Decline</button></form>`
    : `<p role="status">This order is ${escapeHtml(order.state)}: it can no longer be paid.</p>`
  return shell(
    `Pay ${input.merchant}`,
    input.css,
    `<div class="card">
<p class="wallet">${escapeHtml(input.wallet)} · QFPay sandbox</p>
<h1>${escapeHtml(input.merchant)}</h1>
<p class="amount">${escapeHtml(amount)}</p>
<dl>
<dt>Goods</dt><dd>${escapeHtml(order.goodsName || '—')}</dd>
<dt>Amount</dt><dd>${escapeHtml(amount)}</dd>
<dt>Currency</dt><dd>${escapeHtml(order.txcurrcd)}</dd>
</dl>
${actions}
<p class="note">Simulated wallet: no money moves.</p>
</div>`
  )
}

/** A one-message page: the outcome of Pay or Decline, or why nothing happened. */
export function renderResultPage(input: { title: string; message: string; css: string }): string {
  return shell(
    input.title,
    input.css,
    `<div class="card" role="status">
<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.message)}</p>
</div>`
  )
}
