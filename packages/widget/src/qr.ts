/**
 * The pay URL as a QR code, drawn as one SVG path so it stays crisp at any device pixel
 * ratio. The encoder (`qrcode`'s core, ~8 KB gzip) loads on first use, in its own chunk.
 */

/** Modules of white border on every side: the quiet zone ISO/IEC 18004 asks for. */
export const QUIET_ZONE_MODULES = 4

/** A drawn code: `size` modules square (quiet zone included) and an SVG path of dark modules. */
export interface QrDrawing {
  size: number
  path: string
}

interface QrCore {
  create(text: string, options: { errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H' }): {
    modules: { size: number; data: Uint8Array }
  }
}

let core: Promise<QrCore> | undefined

/** Load the encoder once (a separate chunk in the build). */
function loadCore(): Promise<QrCore> {
  // The core alone: the package's main entry also pulls in canvas and PNG renderers.
  core ??= import('qrcode/lib/core/qrcode.js').then((m) => ((m as { default?: QrCore }).default ?? m) as QrCore)
  return core
}

/** Encode `text` (error correction M) and trace its dark modules as horizontal runs. */
export async function drawQr(text: string): Promise<QrDrawing> {
  const { modules } = (await loadCore()).create(text, { errorCorrectionLevel: 'M' })
  const n = modules.size
  let path = ''
  for (let row = 0; row < n; row++) {
    let col = 0
    while (col < n) {
      if (!modules.data[row * n + col]) {
        col++
        continue
      }
      const start = col
      while (col < n && modules.data[row * n + col]) col++
      path += `M${start + QUIET_ZONE_MODULES} ${row + QUIET_ZONE_MODULES}h${col - start}v1h${start - col}z`
    }
  }
  return { size: n + 2 * QUIET_ZONE_MODULES, path }
}
