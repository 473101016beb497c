// define.js's QR chunk is lean-qr/nano with its canvas output trimmed off (vite.config.ts
// `trimQrForPages`): it must still draw every code exactly as the published encoder does.
// Bare Node; run after the define build.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import * as published from 'lean-qr/nano'

const chunks = new URL('../dist/chunks/', import.meta.url)
const name = readdirSync(chunks).find((f) => /^qr-.*\.js$/.test(f))
assert.ok(name, 'dist/chunks/qr-*.js exists (run the define build first)')
const trimmed = await import(new URL(name, chunks).href)

const texts = [
  'https://qr.alipay.com/bax03431ljhokirwl38f00a7',
  'weixin://wxpay/bizpayurl?pr=AbCdEfG',
  `https://pay.example/${'x'.repeat(300)}`,
]
for (const text of texts) {
  const a = trimmed.generate(text, { minCorrectionLevel: trimmed.correction.M })
  const b = published.generate(text, { minCorrectionLevel: published.correction.M })
  assert.equal(a.size, b.size, `same size for ${text.slice(0, 40)}`)
  for (let y = 0; y < a.size; y++)
    for (let x = 0; x < a.size; x++)
      assert.equal(a.get(x, y), b.get(x, y), `module ${x},${y} of ${text.slice(0, 40)}`)
  assert.equal('toCanvas' in a, false, 'the canvas output is trimmed off')
}
console.log(`qr-chunk: ${name} draws ${texts.length} codes as lean-qr/nano does`)
