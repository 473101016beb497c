/** msw in the browser, started once per test file, with the merchant of handlers.ts. */
import { setupWorker } from 'msw/browser'
import { createMerchant, ENDPOINT } from './handlers.ts'

export const merchant = createMerchant()
export const worker = setupWorker(...merchant.handlers)

let started: Promise<unknown> | undefined

/** Start the worker (once). Requests to the merchant that no handler answers fail the test. */
export function startWorker(): Promise<unknown> {
  started ??= worker.start({
    quiet: true,
    onUnhandledRequest(request, print) {
      if (new URL(request.url).pathname.startsWith(ENDPOINT)) print.error()
    },
  })
  return started
}

/** Use in each test file: start before, reset after every test. */
export function useMerchant() {
  before(() => startWorker())
  afterEach(() => {
    worker.resetHandlers()
    merchant.reset()
  })
  return merchant
}
