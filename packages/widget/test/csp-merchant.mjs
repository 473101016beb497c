// A tiny merchant server inside the test runner, for the strict-CSP page: the page is served
// with `Content-Security-Policy: default-src 'self'`, so msw (a service worker started by an
// inline test harness) is not used there. Routes follow docs/architecture.md.
const PREFIX = '/csp-merchant'
const checkouts = new Map()
const streams = new Map()

const page = (src) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CSP page</title>
<script type="module" src="/test/csp-probe.js"></script>
<script type="module" src="${src}"></script></head>
<body><qfpay-checkout endpoint="${PREFIX}" order="CSP-1" mode="qr"></qfpay-checkout></body></html>`

function json(ctx, status, body) {
  ctx.status = status
  ctx.type = 'application/json'
  ctx.body = JSON.stringify(body)
}

function frame(checkout) {
  return `event: status\nid: ${checkout.version}\ndata: ${JSON.stringify(checkout)}\n\n`
}

/** Koa middleware for the test runner's dev server. */
export async function cspMerchant(ctx, next) {
  if (ctx.path === '/csp-page.html') {
    ctx.set('Content-Security-Policy', "default-src 'self'")
    ctx.type = 'text/html'
    ctx.body = page(ctx.query.src === 'dist' ? '/dist/define.js' : '/src/define.ts')
    return
  }
  if (!ctx.path.startsWith(PREFIX)) return next()
  const path = ctx.path.slice(PREFIX.length)
  if (path === '/config') {
    return json(ctx, 200, {
      currency: 'HKD',
      methods: [{ payType: '800201', wallet: 'wechat', flow: 'qr' }],
    })
  }
  if (path === '/checkouts' && ctx.method === 'POST') {
    const id = `csp_${checkouts.size + 1}`
    const now = Date.now()
    const checkout = {
      id,
      version: 1,
      status: 'pending',
      order: 'CSP-1',
      payType: '800201',
      flow: 'qr',
      amount: 1250,
      currency: 'HKD',
      goodsName: 'Tea',
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 300_000).toISOString(),
      payUrl: `weixin://wxpay/bizpayurl?pr=${id}`,
      refundedAmount: 0,
      latePayment: false,
    }
    checkouts.set(id, checkout)
    return json(ctx, 201, checkout)
  }
  const m = /^\/checkouts\/([^/]+)(\/events|\/pay)?$/.exec(path)
  const checkout = m && checkouts.get(m[1])
  if (!checkout)
    return json(ctx, 404, { error: { code: 'checkout_not_found', message: 'Unknown checkout.' } })
  if (m[2] === '/pay') {
    Object.assign(checkout, {
      status: 'paid',
      version: checkout.version + 1,
      paidAt: new Date().toISOString(),
    })
    for (const res of streams.get(checkout.id) ?? []) res.end(frame(checkout))
    return json(ctx, 200, checkout)
  }
  if (m[2] === '/events') {
    ctx.respond = false
    const res = ctx.res
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
    res.write(frame(checkout))
    if (checkout.status !== 'pending') return res.end()
    const list = streams.get(checkout.id) ?? []
    list.push(res)
    streams.set(checkout.id, list)
    return
  }
  return json(ctx, 200, checkout)
}
