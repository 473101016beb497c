/**
 * JSON in the byte format of Python's `json.dumps` with its defaults, which is what the QFPay
 * gateway emits: `", "` between items, `": "` between key and value, every character outside
 * ASCII escaped as `\uXXXX` (lower-case hex, surrogate pairs for astral characters), keys in
 * insertion order. The signature of responses and notifies covers these exact bytes
 * (QFPay's 2018 worked example and our vector V5), so the format is part of the protocol.
 *
 * @see docs/qfpay-protocol.md#notify-verification
 */

/** A value `pyJsonDumps` can write. Integers only: Python's float repr is not reproduced. */
export type PyJsonValue =
  | string
  | number
  | boolean
  | null
  | readonly PyJsonValue[]
  | { readonly [key: string]: PyJsonValue | undefined }

/**
 * Serialises like Python's `json.dumps(value)` (ensure_ascii=True, default separators).
 * Object members whose value is `undefined` are left out, as JSON.stringify does.
 *
 * @example
 * pyJsonDumps({ resperr: '交易成功', txamt: '1' })
 * // => '{"resperr": "\\u4ea4\\u6613\\u6210\\u529f", "txamt": "1"}'
 */
export function pyJsonDumps(value: PyJsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new RangeError('Failed to serialise JSON: non-finite number.')
    return String(value)
  }
  if (Array.isArray(value))
    return `[${value.map((item: PyJsonValue) => pyJsonDumps(item)).join(', ')}]`
  const members: string[] = []
  for (const [key, item] of Object.entries(value as Record<string, PyJsonValue | undefined>)) {
    if (item !== undefined) members.push(`${quote(key)}: ${pyJsonDumps(item)}`)
  }
  return `{${members.join(', ')}}`
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
}

/** Python's `py_encode_basestring_ascii`: short escapes, then `\uXXXX` for < 0x20 and > 0x7e. */
function quote(text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    const code = text.charCodeAt(i)
    const short = SHORT_ESCAPES[ch]
    if (short) out += short
    // Python's ESCAPE_ASCII is [\\"]|[^\ -~]: DEL (0x7F) is escaped too. JS strings are UTF-16
    // already, so an astral character comes out as its surrogate pair, as in Python.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return out + '"'
}
