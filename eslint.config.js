// ESLint for the whole workspace (`pnpm lint`, and a gate of `pnpm test`). Kept lean so it runs
// in seconds: the recommended rules that need no type information, no import cycles, and the
// import boundaries the code relies on (each with the reason in its message).
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import globals from 'globals'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

const TESTS = ['**/*.test.ts']

/** Matches an import of a module by name, with or without a subpath. */
const moduleRegex = (names) => `^(${names.join('|')})(/.*)?$`

/**
 * The widget's pay chunk: its folder holds `pay.ts` and what only it uses (the controller's
 * `import()` of pay.ts splits it off; see vite.config.ts). Everything else in the widget's src/
 * is first paint and imports from it only types.
 */
const PAY_CHUNK_FILES = ['packages/widget/src/pay/**/*.ts']

const bans = {
  testSupport: [
    {
      regex: '(^|/)test(/|$)|^@qfpay-checkout/server/testing$|^node:test$|^@open-wc/testing',
      message:
        'Product code never imports test support: it would ship in dist/. Tests (*.test.ts) may.',
    },
  ],
  serverTesting: [
    {
      regex: '(^|/)testing(/index)?(\\.ts)?$|/testing/',
      message:
        'Product code never imports src/testing (the public test helpers for merchants’ tests).',
    },
  ],
  honoAndNode: [
    {
      regex: moduleRegex(['hono', '@hono/[^/]+']),
      message:
        'The QFPay protocol layer (src/qfpay) is framework-free: no Hono. Pass what it needs in.',
    },
    {
      regex: moduleRegex(['node:.*', ...builtinModules.filter((m) => !m.startsWith('_'))]),
      message:
        'The QFPay protocol layer (src/qfpay) runs on any fetch runtime: no node: modules (use Web APIs).',
    },
  ],
  serverRuntime: [
    {
      regex: '^@qfpay-checkout/server(?!/contract$)(/.*)?$',
      message:
        'The widget runs in browsers: it never imports server code. Types come from @qfpay-checkout/server/contract.',
    },
    {
      regex: '^@qfpay-checkout/server/contract$',
      allowTypeImports: true,
      message:
        'Only `import type` from @qfpay-checkout/server/contract: the widget bundles no server code.',
    },
    {
      regex: moduleRegex(['hono', '@hono/[^/]+', 'node:.*']),
      message: 'The widget runs in browsers: no Hono, no node: modules.',
    },
  ],
  payChunk: [
    {
      // A relative path into a `pay/` folder: from outside it, that can only be the pay chunk.
      regex: '^\\.{1,2}/(.*/)?pay/',
      allowTypeImports: true,
      message:
        'First paint never loads the pay chunk (src/pay/): the controller loads it with `import()` and hands it to the element and views (`controller.pay`, `ViewContext.pay`); `import type` is fine.',
    },
  ],
}

/** One `no-restricted-imports` setting per file group (a later setting would replace, not add). */
const restrict = (files, ignores, ...lists) => ({
  files,
  ignores,
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', { patterns: lists.flat() }],
  },
})

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '**/coverage/',
      '**/.tmp/',
      'packages/widget/custom-elements.json',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      // Follow relative imports into .ts files too (by default only .js ones are read).
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [createNodeResolver()],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Input validators match control characters on purpose (to reject them).
      'no-control-regex': 'off',
      // `declare global { interface GlobalEventHandlersEventMap extends OurMap {} }` merges types.
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'with-single-extends' },
      ],
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true }],
      // `let server` assigned once but used by a callback defined before the assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_`-prefixed names are deliberately unused (a parameter kept for its position).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          // `const { secret, ...safe } = row` drops `secret` on purpose.
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['packages/widget/**', 'demo/web/**', 'e2e/**', 'bench/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // Glue around untyped things: page globals driven through page.evaluate, IPC messages.
    files: ['bench/**', '**/*.test.ts', '**/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Import boundaries. Tests beside the code (*.test.ts) may import test support.
  restrict(
    ['packages/server/src/**/*.ts'],
    [...TESTS, 'packages/server/src/qfpay/**', 'packages/server/src/testing/**'],
    bans.testSupport,
    bans.serverTesting
  ),
  restrict(
    ['packages/server/src/qfpay/**/*.ts'],
    TESTS,
    bans.testSupport,
    bans.serverTesting,
    bans.honoAndNode
  ),
  restrict(['packages/server/src/testing/**/*.ts'], TESTS, bans.testSupport),
  restrict(
    ['packages/widget/src/**/*.ts'],
    [...TESTS, ...PAY_CHUNK_FILES],
    bans.testSupport,
    bans.serverRuntime,
    bans.payChunk
  ),
  restrict(PAY_CHUNK_FILES, TESTS, bans.testSupport, bans.serverRuntime)
)
