/**
 * The benchmark page. It loads the widget's production build and exposes `window.bench`, which
 * the Node side drives through Playwright. Times are `performance.timeOrigin + performance.now()`
 * (epoch ms, sub-ms), compared with the server's clock through `clockOffset()`.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qfpay-checkout bench</title>
<script type="module" src="/define.js"></script>
<script type="module">
const now = () => performance.timeOrigin + performance.now()
const paid = new Map()
const waiters = new Map()
function onPaid(id, at) {
  paid.set(id, at)
  waiters.get(id)?.(at)
}
function whenPaid(id) {
  return paid.has(id) ? Promise.resolve(paid.get(id)) : new Promise((r) => waiters.set(id, r))
}
/** Resolves when fn() is truthy, checked on every DOM change in the element's shadow root. */
function until(el, fn, ms = 15000) {
  const hit = fn()
  if (hit) return Promise.resolve(hit)
  return new Promise((resolve, reject) => {
    const mo = new MutationObserver(() => {
      const v = fn()
      if (v) { mo.disconnect(); clearTimeout(t); resolve(v) }
    })
    mo.observe(el.shadowRoot ?? el, { subtree: true, childList: true, attributes: true, characterData: true })
    const t = setTimeout(() => { mo.disconnect(); reject(new Error('until: timed out')) }, ms)
  })
}
const frame = () => new Promise((r) => requestAnimationFrame(() => r()))
let n = 0
window.bench = {
  now,
  ready: () => customElements.whenDefined('qfpay-checkout').then(() => true),
  /** Offset to add to a page time to get the server's time: the sample with the smallest round trip wins. */
  async clockOffset(samples = 25) {
    let best = { rtt: Infinity, offset: 0 }
    for (let i = 0; i < samples; i++) {
      const t0 = now()
      const { now: server } = await (await fetch('/__clock', { cache: 'no-store' })).json()
      const t1 = now()
      if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: server - (t0 + t1) / 2 }
    }
    return best
  },
  /**
   * Adds a <qfpay-checkout>, picks payType, clicks Pay. Resolves on qfpay-created with the id,
   * the click time and the time the QR was painted (after the frame that shows it).
   */
  async start(order, payType) {
    const el = document.createElement('qfpay-checkout')
    el.setAttribute('endpoint', '/qfpay')
    el.setAttribute('order', order)
    el.id = 'w' + ++n
    document.getElementById('slots').append(el)
    let createdId
    const created = new Promise((resolve) => el.addEventListener('qfpay-created', (e) => resolve(e.detail.id), { once: true }))
    el.addEventListener('qfpay-paid', (e) => onPaid(e.detail.id, now()), { once: true })
    el.addEventListener('qfpay-error', (e) => console.error('qfpay-error', JSON.stringify(e.detail)))
    const button = await until(el, () => el.shadowRoot?.querySelector('[part=pay-button]'))
    const radio = el.shadowRoot.querySelector('input[name=pay-type][value="' + payType + '"]')
    if (radio && !radio.checked) radio.click()
    await el.updateComplete
    const clickedAt = now()
    el.shadowRoot.querySelector('[part=pay-button]').click()
    const qr = until(el, () => el.shadowRoot.querySelector('svg[part=qr]'))
    createdId = await created
    await qr
    // Painted: the frame that contains the QR has been produced (two animation frames later).
    await frame()
    await frame()
    const paintedAt = now()
    return { id: createdId, clickedAt, paintedAt, el: el.id }
  },
  whenPaid,
  remove(elId) { document.getElementById(elId)?.remove() },
  /** Baseline QR path: the bare POST /checkouts round trip, no element. */
  async rawCreate(order, payType) {
    const t0 = now()
    const res = await fetch('/qfpay/checkouts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order, payType }) })
    const body = await res.json()
    return { id: body.id, ms: now() - t0, status: res.status }
  },
  /** Baseline poller: what the best peers ship, GET every 2 s (first one at once) until paid. */
  async pollerStart(order, payType) {
    const res = await fetch('/qfpay/checkouts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order, payType }) })
    const { id } = await res.json()
    const tick = async () => {
      const c = await (await fetch('/qfpay/checkouts/' + id, { cache: 'no-store' })).json()
      if (c.status === 'paid') { clearInterval(timer); onPaid(id, now()) }
    }
    const timer = setInterval(tick, 2000)
    void tick()
    return { id }
  },
}
</script></head>
<body><div id="slots"></div></body></html>`
