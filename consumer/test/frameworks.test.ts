/**
 * React 19 and Vue 3 apps using `<qfpay-checkout>` with the typings the widget README tells them
 * to opt into: they type-check (`e.detail` is the Checkout), a wrong attribute value and a wrong
 * use of `e.detail` are reported, and the apps build with Vite.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { run, scenarioDir, state } from '../src/kit.ts'

const { app } = state()
const vite = join(app, 'node_modules/vite/bin/vite.js')

/** tsc's (or vue-tsc's) error lines, as `file(line` (columns vary with formatting). */
const errorsOf = (out: string) =>
  out
    .split('\n')
    .filter((l) => /error TS\d+/.test(l))
    .map((l) => l.replace(/^(\S+?)[(:](\d+).*$/, '$1:$2'))

test('a React 19 app type-checks <qfpay-checkout>, rejects mistakes and builds', () => {
  const compilerOptions = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    jsx: 'react-jsx',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: [],
  }
  const dir = scenarioDir(app, 'react-app', {
    'tsconfig.json': JSON.stringify({ compilerOptions, include: ['src'] }),
    'index.html': `<!doctype html><html><body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>`,
    'src/global.d.ts': `import type {} from '@qfpay-checkout/widget/react'\n`,
    'src/main.tsx': `import { createRoot } from 'react-dom/client'
import '@qfpay-checkout/widget/define'
import type { QfpayPaidEvent } from '@qfpay-checkout/widget'

function Checkout({ order }: { order: string }) {
  const onPaid = (e: QfpayPaidEvent) => {
    const amount: number = e.detail.amount
    location.href = '/thanks?checkout=' + e.detail.id + '&amount=' + amount
  }
  return <qfpay-checkout endpoint="/qfpay" order={order} mode="qr" onqfpay-paid={onPaid} />
}
createRoot(document.getElementById('root')!).render(<Checkout order="A-1001" />)
`,
    'mistakes/wrong.tsx': `import type {} from '@qfpay-checkout/widget/react'
export const wrongMode = <qfpay-checkout endpoint="/qfpay" order="A-1" mode="popup" />
export const wrongDetail = (
  <qfpay-checkout
    endpoint="/qfpay"
    onqfpay-paid={(e) => {
      const status: number = e.detail.status
      void status
    }}
  />
)
`,
    'tsconfig.mistakes.json': JSON.stringify({ compilerOptions, include: ['mistakes'] }),
  })
  const tsc = join(app, 'node_modules/typescript7/bin/tsc')
  const good = run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir)
  assert.equal(good.status, 0, good.out)
  const bad = run(process.execPath, [tsc, '-p', 'tsconfig.mistakes.json'], dir)
  assert.deepEqual(errorsOf(bad.out), ['mistakes/wrong.tsx:2', 'mistakes/wrong.tsx:7'], bad.out)

  const built = run(process.execPath, [vite, 'build', '--logLevel', 'warn'], dir)
  assert.equal(built.status, 0, built.out)
  assert.ok(readdirSync(join(dir, 'dist/assets')).some((f) => f.endsWith('.js')))
})

test('a Vue 3 app type-checks <qfpay-checkout> in templates, rejects mistakes and builds', () => {
  const compilerOptions = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    jsx: 'preserve',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: [],
  }
  const isCustomElement = `(tag) => tag.startsWith('qfpay-')`
  const dir = scenarioDir(app, 'vue-app', {
    'tsconfig.json': JSON.stringify({ compilerOptions, include: ['src/**/*.ts', 'src/**/*.vue'] }),
    'vite.config.mjs': `import vue from '@vitejs/plugin-vue'
export default { plugins: [vue({ template: { compilerOptions: { isCustomElement: ${isCustomElement} } } })] }
`,
    'index.html': `<!doctype html><html><body><div id="app"></div><script type="module" src="/src/main.ts"></script></body></html>`,
    'src/env.d.ts': `import type {} from '@qfpay-checkout/widget/vue'\n`,
    'src/main.ts': `import { createApp } from 'vue'
import '@qfpay-checkout/widget/define'
import App from './App.vue'
createApp(App).mount('#app')
`,
    'src/shims.d.ts': `declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent
  export default component
}
`,
    'src/App.vue': `<script setup lang="ts">
import type { QfpayPaidEvent } from '@qfpay-checkout/widget'
const orderId = 'A-1001'
function onPaid(e: QfpayPaidEvent) {
  const amount: number = e.detail.amount
  location.href = '/thanks?checkout=' + e.detail.id + '&amount=' + amount
}
</script>

<template>
  <qfpay-checkout endpoint="/qfpay" :order="orderId" mode="qr" @qfpay-paid="onPaid" />
</template>
`,
    'mistakes/Wrong.vue': `<script setup lang="ts">
function onPaid(status: number) {
  return status
}
</script>

<template>
  <qfpay-checkout endpoint="/qfpay" order="A-1" mode="popup" />
  <qfpay-checkout endpoint="/qfpay" order="A-1" @qfpay-paid="(e) => onPaid(e.detail.status)" />
</template>
`,
    'mistakes/env.d.ts': `import type {} from '@qfpay-checkout/widget/vue'\n`,
    'tsconfig.mistakes.json': JSON.stringify({
      compilerOptions,
      include: ['mistakes/*.ts', 'mistakes/*.vue'],
    }),
  })
  const vueTsc = join(app, 'node_modules/vue-tsc/bin/vue-tsc.js')
  const good = run(process.execPath, [vueTsc, '-p', 'tsconfig.json'], dir)
  assert.equal(good.status, 0, good.out)
  const bad = run(process.execPath, [vueTsc, '-p', 'tsconfig.mistakes.json'], dir)
  assert.deepEqual(errorsOf(bad.out), ['mistakes/Wrong.vue:8', 'mistakes/Wrong.vue:9'], bad.out)

  const built = run(process.execPath, [vite, 'build', '--logLevel', 'warn'], dir)
  assert.equal(built.status, 0, built.out)
  assert.ok(existsSync(join(dir, 'dist/index.html')))
})
