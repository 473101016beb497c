// Bare Node, no DOM: importing the built main entry must not touch window or customElements
// at module scope (server-side rendering imports it). Run after the index build.
import assert from 'node:assert/strict'

const mod = await import('../dist/index.js')
assert.equal(typeof mod.QfpayCheckout, 'function', 'QfpayCheckout is exported')
assert.equal(typeof mod.registerLocale, 'function', 'registerLocale is exported')
// Lit's Node build installs its own minimal customElements shim; the tag must not be in it.
assert.equal(
  globalThis.customElements?.get?.('qfpay-checkout'),
  undefined,
  'the tag is not defined'
)
console.log('ssr-import: the main entry imports under bare Node')
