/**
 * The pay URL as a QR code, drawn as one SVG path so it stays crisp at any device pixel
 * ratio. The encoder (`lean-qr/nano`, ~2 KB gzip) loads on first use, in its own chunk.
 */

/** Modules of white border on every side: the quiet zone ISO/IEC 18004 asks for. */
export const QUIET_ZONE_MODULES = 4

/** A drawn code: `size` modules square (quiet zone included) and an SVG path of dark modules. */
export interface QrDrawing {
  size: number
  path: string
}

let core: Promise<typeof import('lean-qr/nano')> | undefined

/**
 * Encode `text` (error correction M at least: lean-qr raises it when the code has room) and
 * trace its dark modules as horizontal runs.
 */
export async function drawQr(text: string): Promise<QrDrawing> {
  const { generate, correction } = await (core ??= import('lean-qr/nano'))
  const code = generate(text, { minCorrectionLevel: correction.M })
  const n = code.size
  let path = ''
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!code.get(col, row)) continue
      const start = col
      while (code.get(col + 1, row)) col++
      path += `M${start + QUIET_ZONE_MODULES} ${row + QUIET_ZONE_MODULES}h${col + 1 - start}v1h${start - col - 1}z`
    }
  }
  return { size: n + 2 * QUIET_ZONE_MODULES, path }
}
