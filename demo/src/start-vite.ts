/**
 * The page: a Vite dev server on `web/`, proxying `/qfpay` (which also covers `/qfpay-pos`) and
 * `/api` to the merchant server, so the page and its payment routes share one origin.
 */
import { fileURLToPath } from 'node:url'
import { createServer, defaultClientConditions, type ViteDevServer } from 'vite'

/** Where the page's HTML and modules live. */
export const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url))

/**
 * What Vite may serve from disk: the page, the element's sources, and installed packages. Not
 * the rest of the repository: a kept `QFPAY_STORE` SQLite file (and its WAL) sits there.
 */
const FS_ALLOW = [
  WEB_ROOT,
  fileURLToPath(new URL('../../packages/widget/src/', import.meta.url)),
  fileURLToPath(new URL('../node_modules/', import.meta.url)),
  fileURLToPath(new URL('../../node_modules/', import.meta.url)),
]
/** Never served, even inside an allowed directory (Vite's defaults plus any database file). */
const FS_DENY = [
  '.env',
  '.env.*',
  '*.{crt,pem}',
  '**/.git/**',
  '**/*.db',
  '**/*.db-*',
  '**/*.sqlite',
  '**/*.sqlite*',
]

/**
 * The page's Content Security Policy: no inline scripts, no eval. The element must work under
 * it. `style-src 'unsafe-inline'` is for Vite's dev CSS injection only; the
 * element itself uses constructable stylesheets.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Options of {@link startVite}. */
export interface StartViteOptions {
  host: string
  /** 0 = any free port. */
  port: number
  /** The merchant server, e.g. `http://127.0.0.1:8787`. */
  merchantUrl: string
  /** Vite's own console output. Default silent (the demo prints its own summary). */
  logLevel?: 'info' | 'warn' | 'error' | 'silent'
}

/** Starts the dev server; resolves with it and the port it got. */
export async function startVite(
  options: StartViteOptions
): Promise<{ server: ViteDevServer; port: number }> {
  // xfwd: the merchant server sees each shopper's address in X-Forwarded-For (its clientIp
  // option trusts exactly this one hop), not the proxy's for everyone.
  const proxy = { target: options.merchantUrl, changeOrigin: false, ws: false, xfwd: true }
  // The page's own origins, known once Vite listens; nothing else gets CORS from the dev server.
  const pageOrigins = new Set<string>()
  const server = await createServer({
    configFile: false,
    root: WEB_ROOT,
    // Beside the demo's own node_modules, not in web/ (which holds only the page's sources).
    cacheDir: fileURLToPath(new URL('../node_modules/.vite/', import.meta.url)),
    logLevel: options.logLevel ?? 'warn',
    clearScreen: false,
    appType: 'mpa',
    // The widget from its TypeScript sources (its package exports them under this condition).
    resolve: { conditions: ['@qfpay-checkout/source', ...defaultClientConditions] },
    server: {
      host: options.host,
      port: options.port,
      strictPort: true,
      headers: { 'Content-Security-Policy': PAGE_CSP },
      proxy: { '/qfpay': proxy, '/api': proxy },
      fs: { strict: true, allow: FS_ALLOW, deny: FS_DENY },
      cors: {
        origin: (origin, done) =>
          // The `cors` package takes `null` for "no error"; Vite's type says Error.
          done(null as unknown as Error, origin !== undefined && pageOrigins.has(origin)),
      },
      // Transform the entry modules before the first visitor asks, so the first page is quick.
      warmup: {
        clientFiles: ['./src/shop.ts', './src/thanks.ts', './src/console.ts', './src/cashier.ts'],
      },
    },
    optimizeDeps: {
      // Pre-bundle what the element loads, including the lazily imported QR encoder: a
      // dependency discovered on first use makes Vite reload the page mid-payment.
      entries: ['*.html'],
      include: [
        '@qfpay-checkout/widget > lit',
        '@qfpay-checkout/widget > @lit/task',
        '@qfpay-checkout/widget > qrcode/lib/core/qrcode.js',
      ],
    },
    build: {
      rolldownOptions: {
        input: ['index.html', 'thanks.html', 'cashier.html', 'console.html'].map(
          (f) => WEB_ROOT + f
        ),
      },
    },
  })
  await server.listen()
  const address = server.httpServer?.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  for (const host of [options.host, '127.0.0.1', 'localhost'])
    pageOrigins.add(`http://${host}:${port}`)
  return { server, port }
}
