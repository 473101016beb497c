/**
 * The page's calls to the merchant server's own routes (`/api/…`, through Vite's proxy). The
 * payment routes (`/qfpay`, `/qfpay-pos`) belong to `<qfpay-checkout>`, not to this file.
 */

/** A product as `GET /api/products` lists it; `price` in minor units. */
export interface Product {
  sku: string
  name: string
  price: number
  currency: string
}

/** A failed call, with the server's message when it gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** JSON in, JSON out; throws `ApiError` with the server's `{ error: { message } }`. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {}
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const text = await response.text()
  const data = text ? (JSON.parse(text) as unknown) : undefined
  if (!response.ok) {
    const message =
      (data as { error?: { message?: string } } | undefined)?.error?.message ??
      `HTTP ${response.status}`
    throw new ApiError(response.status, message)
  }
  return data as T
}

/** The catalogue. */
export function fetchProducts(): Promise<Product[]> {
  return api<Product[]>('/api/products')
}
