/**
 * `goods_name` as today's docs allow it: "cannot exceed 20 alphanumeric characters or contain
 * special characters; UTF-8 if Chinese" (sdk.qfapi.com request-format and checkout pages,
 * 2026-02). "Special characters" is not defined, so only letters (any script), digits and
 * single spaces are kept; the rest is dropped, and the result is cut to 20 characters (code
 * points, so a Chinese name is not split inside a character).
 */

/** Longest `goods_name`, in characters. */
export const GOODS_NAME_MAX = 20

/** The goods name to send, or `undefined` when nothing sendable is left. */
export function cleanGoodsName(name: string | undefined): string | undefined {
  if (!name) return undefined
  const plain = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim()
  const cut = Array.from(plain).slice(0, GOODS_NAME_MAX).join('').trim()
  return cut || undefined
}
