// A real event stream that keeps breaking, for the tests of the widget's fallback to polling.
// msw cannot stand in here in every engine: WebKit cannot transfer a ReadableStream through
// postMessage, so msw's mocked streams (and their errors) never reach a WebKit page as such.
// When a test sets `streamsWork = false`, the merchant of test/handlers.ts lets the events
// request through to the test runner's server, and this middleware answers it the way a proxy
// that cuts long requests does: the stream opens, says "retry after 10 ms", and ends.
const EVENTS = /^\/qfpay\/checkouts\/[^/]+\/events$/

/** Koa middleware for the test runner's dev server. */
export async function brokenStreams(ctx, next) {
  if (ctx.method !== 'GET' || !EVENTS.test(ctx.path)) return next()
  ctx.respond = false
  ctx.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
  ctx.res.end('retry: 10\n\n')
}
