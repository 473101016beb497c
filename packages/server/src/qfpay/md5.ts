/**
 * MD5 (RFC 1321, https://www.rfc-editor.org/rfc/rfc1321) over bytes, to upper-case hex: the
 * digest of every QFPay MD5 signature (a request, a notify, a signed response).
 *
 * Why not `@noble/hashes`' `md5` (SHA-256 still comes from that library): its streaming hash
 * object, generic block loop and separate hex step took about 7x this function's time on a
 * 420-byte input (17.7 vs 2.4 µs; `node:crypto` 2.7 µs, same run), and a confirmed notify
 * computes four MD5s. This one reads the words straight from the input, keeps the state in
 * locals and writes the hex at the end; it stays pure JavaScript because this folder also runs
 * on fetch runtimes without `node:`. `pnpm bench -- md5` compares it with `node:crypto`.
 * `md5.test.ts` pins it to the RFC's test suite and to `node:crypto`; `sign.test.ts` to the
 * signing known answers.
 */

const HEX = '0123456789ABCDEF'
/** The chaining state A, B, C, D (reused: MD5 is synchronous). */
const STATE = new Int32Array(4)
/** The padded tail: the last partial block, 0x80, zeros and the bit length (one or two blocks). */
const TAIL = new Uint8Array(128)

/**
 * One 64-byte block of `m` at `at` into STATE: the RFC's 64 steps written out (generated, not
 * hand-typed: step i uses F/G/H/I of round i >> 4, word g(i), shift s(i) and
 * T[i] = floor(abs(sin(i + 1)) * 2^32)), so the engine keeps every value in a register.
 */
function block(m: Uint8Array, at: number): void {
  const x0 = m[at + 0]! | (m[at + 1]! << 8) | (m[at + 2]! << 16) | (m[at + 3]! << 24)
  const x1 = m[at + 4]! | (m[at + 5]! << 8) | (m[at + 6]! << 16) | (m[at + 7]! << 24)
  const x2 = m[at + 8]! | (m[at + 9]! << 8) | (m[at + 10]! << 16) | (m[at + 11]! << 24)
  const x3 = m[at + 12]! | (m[at + 13]! << 8) | (m[at + 14]! << 16) | (m[at + 15]! << 24)
  const x4 = m[at + 16]! | (m[at + 17]! << 8) | (m[at + 18]! << 16) | (m[at + 19]! << 24)
  const x5 = m[at + 20]! | (m[at + 21]! << 8) | (m[at + 22]! << 16) | (m[at + 23]! << 24)
  const x6 = m[at + 24]! | (m[at + 25]! << 8) | (m[at + 26]! << 16) | (m[at + 27]! << 24)
  const x7 = m[at + 28]! | (m[at + 29]! << 8) | (m[at + 30]! << 16) | (m[at + 31]! << 24)
  const x8 = m[at + 32]! | (m[at + 33]! << 8) | (m[at + 34]! << 16) | (m[at + 35]! << 24)
  const x9 = m[at + 36]! | (m[at + 37]! << 8) | (m[at + 38]! << 16) | (m[at + 39]! << 24)
  const x10 = m[at + 40]! | (m[at + 41]! << 8) | (m[at + 42]! << 16) | (m[at + 43]! << 24)
  const x11 = m[at + 44]! | (m[at + 45]! << 8) | (m[at + 46]! << 16) | (m[at + 47]! << 24)
  const x12 = m[at + 48]! | (m[at + 49]! << 8) | (m[at + 50]! << 16) | (m[at + 51]! << 24)
  const x13 = m[at + 52]! | (m[at + 53]! << 8) | (m[at + 54]! << 16) | (m[at + 55]! << 24)
  const x14 = m[at + 56]! | (m[at + 57]! << 8) | (m[at + 58]! << 16) | (m[at + 59]! << 24)
  const x15 = m[at + 60]! | (m[at + 61]! << 8) | (m[at + 62]! << 16) | (m[at + 63]! << 24)
  let a = STATE[0]!
  let b = STATE[1]!
  let c = STATE[2]!
  let d = STATE[3]!
  let t: number
  t = (a + ((b & c) | (~b & d)) + 0xd76aa478 + x0) | 0
  a = (b + ((t << 7) | (t >>> 25))) | 0
  t = (d + ((a & b) | (~a & c)) + 0xe8c7b756 + x1) | 0
  d = (a + ((t << 12) | (t >>> 20))) | 0
  t = (c + ((d & a) | (~d & b)) + 0x242070db + x2) | 0
  c = (d + ((t << 17) | (t >>> 15))) | 0
  t = (b + ((c & d) | (~c & a)) + 0xc1bdceee + x3) | 0
  b = (c + ((t << 22) | (t >>> 10))) | 0
  t = (a + ((b & c) | (~b & d)) + 0xf57c0faf + x4) | 0
  a = (b + ((t << 7) | (t >>> 25))) | 0
  t = (d + ((a & b) | (~a & c)) + 0x4787c62a + x5) | 0
  d = (a + ((t << 12) | (t >>> 20))) | 0
  t = (c + ((d & a) | (~d & b)) + 0xa8304613 + x6) | 0
  c = (d + ((t << 17) | (t >>> 15))) | 0
  t = (b + ((c & d) | (~c & a)) + 0xfd469501 + x7) | 0
  b = (c + ((t << 22) | (t >>> 10))) | 0
  t = (a + ((b & c) | (~b & d)) + 0x698098d8 + x8) | 0
  a = (b + ((t << 7) | (t >>> 25))) | 0
  t = (d + ((a & b) | (~a & c)) + 0x8b44f7af + x9) | 0
  d = (a + ((t << 12) | (t >>> 20))) | 0
  t = (c + ((d & a) | (~d & b)) + 0xffff5bb1 + x10) | 0
  c = (d + ((t << 17) | (t >>> 15))) | 0
  t = (b + ((c & d) | (~c & a)) + 0x895cd7be + x11) | 0
  b = (c + ((t << 22) | (t >>> 10))) | 0
  t = (a + ((b & c) | (~b & d)) + 0x6b901122 + x12) | 0
  a = (b + ((t << 7) | (t >>> 25))) | 0
  t = (d + ((a & b) | (~a & c)) + 0xfd987193 + x13) | 0
  d = (a + ((t << 12) | (t >>> 20))) | 0
  t = (c + ((d & a) | (~d & b)) + 0xa679438e + x14) | 0
  c = (d + ((t << 17) | (t >>> 15))) | 0
  t = (b + ((c & d) | (~c & a)) + 0x49b40821 + x15) | 0
  b = (c + ((t << 22) | (t >>> 10))) | 0
  t = (a + ((d & b) | (~d & c)) + 0xf61e2562 + x1) | 0
  a = (b + ((t << 5) | (t >>> 27))) | 0
  t = (d + ((c & a) | (~c & b)) + 0xc040b340 + x6) | 0
  d = (a + ((t << 9) | (t >>> 23))) | 0
  t = (c + ((b & d) | (~b & a)) + 0x265e5a51 + x11) | 0
  c = (d + ((t << 14) | (t >>> 18))) | 0
  t = (b + ((a & c) | (~a & d)) + 0xe9b6c7aa + x0) | 0
  b = (c + ((t << 20) | (t >>> 12))) | 0
  t = (a + ((d & b) | (~d & c)) + 0xd62f105d + x5) | 0
  a = (b + ((t << 5) | (t >>> 27))) | 0
  t = (d + ((c & a) | (~c & b)) + 0x2441453 + x10) | 0
  d = (a + ((t << 9) | (t >>> 23))) | 0
  t = (c + ((b & d) | (~b & a)) + 0xd8a1e681 + x15) | 0
  c = (d + ((t << 14) | (t >>> 18))) | 0
  t = (b + ((a & c) | (~a & d)) + 0xe7d3fbc8 + x4) | 0
  b = (c + ((t << 20) | (t >>> 12))) | 0
  t = (a + ((d & b) | (~d & c)) + 0x21e1cde6 + x9) | 0
  a = (b + ((t << 5) | (t >>> 27))) | 0
  t = (d + ((c & a) | (~c & b)) + 0xc33707d6 + x14) | 0
  d = (a + ((t << 9) | (t >>> 23))) | 0
  t = (c + ((b & d) | (~b & a)) + 0xf4d50d87 + x3) | 0
  c = (d + ((t << 14) | (t >>> 18))) | 0
  t = (b + ((a & c) | (~a & d)) + 0x455a14ed + x8) | 0
  b = (c + ((t << 20) | (t >>> 12))) | 0
  t = (a + ((d & b) | (~d & c)) + 0xa9e3e905 + x13) | 0
  a = (b + ((t << 5) | (t >>> 27))) | 0
  t = (d + ((c & a) | (~c & b)) + 0xfcefa3f8 + x2) | 0
  d = (a + ((t << 9) | (t >>> 23))) | 0
  t = (c + ((b & d) | (~b & a)) + 0x676f02d9 + x7) | 0
  c = (d + ((t << 14) | (t >>> 18))) | 0
  t = (b + ((a & c) | (~a & d)) + 0x8d2a4c8a + x12) | 0
  b = (c + ((t << 20) | (t >>> 12))) | 0
  t = (a + (b ^ c ^ d) + 0xfffa3942 + x5) | 0
  a = (b + ((t << 4) | (t >>> 28))) | 0
  t = (d + (a ^ b ^ c) + 0x8771f681 + x8) | 0
  d = (a + ((t << 11) | (t >>> 21))) | 0
  t = (c + (d ^ a ^ b) + 0x6d9d6122 + x11) | 0
  c = (d + ((t << 16) | (t >>> 16))) | 0
  t = (b + (c ^ d ^ a) + 0xfde5380c + x14) | 0
  b = (c + ((t << 23) | (t >>> 9))) | 0
  t = (a + (b ^ c ^ d) + 0xa4beea44 + x1) | 0
  a = (b + ((t << 4) | (t >>> 28))) | 0
  t = (d + (a ^ b ^ c) + 0x4bdecfa9 + x4) | 0
  d = (a + ((t << 11) | (t >>> 21))) | 0
  t = (c + (d ^ a ^ b) + 0xf6bb4b60 + x7) | 0
  c = (d + ((t << 16) | (t >>> 16))) | 0
  t = (b + (c ^ d ^ a) + 0xbebfbc70 + x10) | 0
  b = (c + ((t << 23) | (t >>> 9))) | 0
  t = (a + (b ^ c ^ d) + 0x289b7ec6 + x13) | 0
  a = (b + ((t << 4) | (t >>> 28))) | 0
  t = (d + (a ^ b ^ c) + 0xeaa127fa + x0) | 0
  d = (a + ((t << 11) | (t >>> 21))) | 0
  t = (c + (d ^ a ^ b) + 0xd4ef3085 + x3) | 0
  c = (d + ((t << 16) | (t >>> 16))) | 0
  t = (b + (c ^ d ^ a) + 0x4881d05 + x6) | 0
  b = (c + ((t << 23) | (t >>> 9))) | 0
  t = (a + (b ^ c ^ d) + 0xd9d4d039 + x9) | 0
  a = (b + ((t << 4) | (t >>> 28))) | 0
  t = (d + (a ^ b ^ c) + 0xe6db99e5 + x12) | 0
  d = (a + ((t << 11) | (t >>> 21))) | 0
  t = (c + (d ^ a ^ b) + 0x1fa27cf8 + x15) | 0
  c = (d + ((t << 16) | (t >>> 16))) | 0
  t = (b + (c ^ d ^ a) + 0xc4ac5665 + x2) | 0
  b = (c + ((t << 23) | (t >>> 9))) | 0
  t = (a + (c ^ (b | ~d)) + 0xf4292244 + x0) | 0
  a = (b + ((t << 6) | (t >>> 26))) | 0
  t = (d + (b ^ (a | ~c)) + 0x432aff97 + x7) | 0
  d = (a + ((t << 10) | (t >>> 22))) | 0
  t = (c + (a ^ (d | ~b)) + 0xab9423a7 + x14) | 0
  c = (d + ((t << 15) | (t >>> 17))) | 0
  t = (b + (d ^ (c | ~a)) + 0xfc93a039 + x5) | 0
  b = (c + ((t << 21) | (t >>> 11))) | 0
  t = (a + (c ^ (b | ~d)) + 0x655b59c3 + x12) | 0
  a = (b + ((t << 6) | (t >>> 26))) | 0
  t = (d + (b ^ (a | ~c)) + 0x8f0ccc92 + x3) | 0
  d = (a + ((t << 10) | (t >>> 22))) | 0
  t = (c + (a ^ (d | ~b)) + 0xffeff47d + x10) | 0
  c = (d + ((t << 15) | (t >>> 17))) | 0
  t = (b + (d ^ (c | ~a)) + 0x85845dd1 + x1) | 0
  b = (c + ((t << 21) | (t >>> 11))) | 0
  t = (a + (c ^ (b | ~d)) + 0x6fa87e4f + x8) | 0
  a = (b + ((t << 6) | (t >>> 26))) | 0
  t = (d + (b ^ (a | ~c)) + 0xfe2ce6e0 + x15) | 0
  d = (a + ((t << 10) | (t >>> 22))) | 0
  t = (c + (a ^ (d | ~b)) + 0xa3014314 + x6) | 0
  c = (d + ((t << 15) | (t >>> 17))) | 0
  t = (b + (d ^ (c | ~a)) + 0x4e0811a1 + x13) | 0
  b = (c + ((t << 21) | (t >>> 11))) | 0
  t = (a + (c ^ (b | ~d)) + 0xf7537e82 + x4) | 0
  a = (b + ((t << 6) | (t >>> 26))) | 0
  t = (d + (b ^ (a | ~c)) + 0xbd3af235 + x11) | 0
  d = (a + ((t << 10) | (t >>> 22))) | 0
  t = (c + (a ^ (d | ~b)) + 0x2ad7d2bb + x2) | 0
  c = (d + ((t << 15) | (t >>> 17))) | 0
  t = (b + (d ^ (c | ~a)) + 0xeb86d391 + x9) | 0
  b = (c + ((t << 21) | (t >>> 11))) | 0
  STATE[0] = (STATE[0]! + a) | 0
  STATE[1] = (STATE[1]! + b) | 0
  STATE[2] = (STATE[2]! + c) | 0
  STATE[3] = (STATE[3]! + d) | 0
}

/** Upper-case hex MD5 of `bytes`. */
export function md5Hex(bytes: Uint8Array): string {
  STATE[0] = 0x67452301
  STATE[1] = 0xefcdab89
  STATE[2] = 0x98badcfe
  STATE[3] = 0x10325476
  const n = bytes.length
  const full = n - (n % 64)
  for (let at = 0; at < full; at += 64) block(bytes, at)
  // Padding: the rest, 0x80, zeros to 56 mod 64, then the length in bits (64-bit little-endian).
  const rest = n - full
  TAIL.fill(0)
  TAIL.set(bytes.subarray(full), 0)
  TAIL[rest] = 0x80
  const end = rest < 56 ? 64 : 128
  const bits = n * 8
  const low = bits >>> 0
  const high = Math.floor(bits / 2 ** 32)
  for (let i = 0; i < 4; i++) {
    TAIL[end - 8 + i] = (low >>> (8 * i)) & 0xff
    TAIL[end - 4 + i] = (high >>> (8 * i)) & 0xff
  }
  block(TAIL, 0)
  if (end === 128) block(TAIL, 64)
  let hex = ''
  for (let w = 0; w < 4; w++)
    for (let i = 0; i < 4; i++) {
      const byte = (STATE[w]! >>> (8 * i)) & 0xff
      hex += HEX[byte >> 4]! + HEX[byte & 15]!
    }
  return hex
}
