/**
 * Reads the QR code the element drew, the way a phone camera would: a screenshot of the
 * element's `qr` part, decoded as pixels. Never from a property or attribute, so a QR that
 * draws the wrong thing (or nothing readable) fails the test.
 */
import jsqr from 'jsqr'
import { PNG } from 'pngjs'
import type { Page } from 'playwright-core'

// jsqr is CommonJS with typings that declare an ES default export: under NodeNext the typed
// callable is `.default`, while Node hands over `module.exports` itself. Take whichever is there.
const jsQR = ((jsqr as unknown as { default?: unknown }).default ?? jsqr) as typeof jsqr.default

/** Decodes a PNG screenshot; undefined when no QR code is found. */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png)
  const code = jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    image.width,
    image.height
  )
  return code?.data
}

/** Screenshots the element's QR part (piercing its shadow root) and decodes it. */
export async function readQr(
  page: Page,
  host = 'qfpay-checkout'
): Promise<{ text: string; png: Buffer }> {
  const qr = page.locator(host).locator('svg[part="qr"]')
  await qr.waitFor({ state: 'visible', timeout: 15_000 })
  const png = await qr.screenshot({ animations: 'disabled' })
  const text = decodeQrPng(png)
  if (!text) throw new Error('Failed to read the QR code: the drawn code did not decode.')
  return { text, png }
}
