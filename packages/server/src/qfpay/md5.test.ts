import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../../test/support/replay.ts'
import { md5Hex } from './md5.ts'

const utf8 = new TextEncoder()

describe('md5Hex', () => {
  it('answers the test suite of RFC 1321 (appendix A.5)', () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      [
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
        'd174ab98d277d9f5a5611c2c9f419d9f',
      ],
      ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
    ]
    for (const [input, digest] of suite)
      assert.equal(md5Hex(utf8.encode(input)), digest.toUpperCase(), JSON.stringify(input))
  })

  it('pads every length around the block edges (55, 56, 63, 64, 65 bytes) correctly', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff)
      assert.equal(
        md5Hex(bytes),
        createHash('md5').update(bytes).digest('hex').toUpperCase(),
        `${n} bytes`
      )
    }
  })

  it('agrees with node:crypto on any bytes', async () => {
    await assertProperty(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => {
        assert.equal(md5Hex(bytes), createHash('md5').update(bytes).digest('hex').toUpperCase())
      })
    )
  })

  it('reads only the bytes of a view, not the rest of its buffer', () => {
    const buffer = utf8.encode('xxabcxx')
    assert.equal(md5Hex(buffer.subarray(2, 5)), '900150983CD24FB0D6963F7D28E17F72')
  })
})
