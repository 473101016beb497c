// Library build, two passes (output minified: Vite's library mode otherwise keeps whitespace;
// no standard decorators, which Vite does not lower):
//  - default: dist/index.js, the class with Lit and lean-qr left to the app's bundler;
//  - `--mode define`: dist/define.js for a plain <script type="module">, Lit bundled in and the
//    QR encoder in a lazily loaded chunk, so first paint ships only Lit and the element;
//  - `--mode development` (publish only): dist/dev/index.js, the first pass with the developer
//    warnings kept, for bundlers resolving the `development` export condition.
import { defineConfig, type Plugin } from 'vite'

/**
 * Vite's minifier leaves the insides of `html`/`css` template literals alone. Once the code is
 * minified, the only line breaks left are inside template literals, where a run of whitespace
 * with a line break means the same as one space (HTML and CSS both collapse it).
 */
function collapseTemplateWhitespace(): Plugin {
  return {
    name: 'qfpay-collapse-template-whitespace',
    // After minification (renderChunk runs before it, when `//` comments still end at a line break).
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        // `/* @__PURE__ */` annotations are for the app's bundler, which never re-bundles
        // these (all at module scope, all kept): drop them.
        if (file.type === 'chunk')
          file.code = file.code
            .replace(/[ \t]*\n[ \t\n]*/g, ' ')
            .replace(/\/\* @__PURE__ \*\/ /g, '')
      }
    },
  }
}

/**
 * Minify the `css` template literals of `*.styles.ts` before bundling (the minifier leaves
 * template literals alone): comments, whitespace, last semicolons, leading zeros. The sheets
 * hold no `${}` and no strings where this would matter (checked: a `${` stops the build).
 */
function minifyCssLiterals(): Plugin {
  return {
    name: 'qfpay-minify-css-literals',
    transform(code, id) {
      if (!id.endsWith('.styles.ts')) return undefined
      return code.replace(/\bcss`([^`]*)`/g, (_literal, sheet: string) => {
        if (sheet.includes('${'))
          throw new Error(`${id}: minifyCssLiterals cannot handle \${} in css\`\``)
        const min = sheet
          .replace(/\/\*[^]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/ ?([{}:;,>]) ?/g, '$1')
          .replace(/;}/g, '}')
          .replace(/([\s:,(])0\./g, '$1.')
          .trim()
        return `css\`${min}\``
      })
    },
  }
}

/**
 * For define.js only (Lit bundled in, a page script for current browsers): drop Lit's hooks for
 * the ShadyDOM/ShadyCSS polyfills of pre-2020 browsers (`*PolyfillSupport`, never set on a page
 * that targets es2022 browsers) and its version registry (`*Versions`, read only by Lit's
 * dev-mode multiple-copies warning and devtools), and shorten the messages of errors only a
 * misuse of Lit's own API can throw (this copy of Lit is private to define.js: only our templates
 * and sheets reach it). Lit behaves the same on every browser the build targets. A Lit update
 * that changes these lines fails the build, not the page.
 */
const LIT_ERRORS: [string, string][] = [
  ['"CSSResult is not constructable. Use `unsafeCSS` or `css` instead."', '"css"'],
  [
    `"Value passed to 'css' function must be a 'css' function result: "+t+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security."`,
    '"css "+t',
  ],
  ['"invalid template strings array"', '"html"'],
]
function trimLitForPages(): Plugin {
  const hooks = /\b\w+\.(?:litHtml|reactiveElement|litElement)PolyfillSupport\b/g
  const versions =
    /\(\w+\.(?:litHtml|reactiveElement|litElement)Versions\?\?=\[\]\)\.push\("[\d.]+"\)/g
  return {
    name: 'qfpay-trim-lit-for-pages',
    transform(code, id) {
      if (!/[\\/](lit-html|lit-element|@lit[\\/]reactive-element)[\\/][\w-]+\.js$/.test(id))
        return undefined
      const file = id.split(/[\\/]/).pop()
      if (!/^(lit-html|lit-element|reactive-element|css-tag)\.js$/.test(file!)) return undefined
      let out = code.replace(hooks, '(void 0)').replace(versions, '0')
      for (const [long, short] of LIT_ERRORS) out = out.replace(long, short)
      if (out === code)
        throw new Error(`trimLitForPages: nothing to trim in ${id}; check Lit's build`)
      return out
    },
  }
}

/**
 * For define.js only (where the QR encoder is bundled, in its own lazy chunk): drop lean-qr's
 * canvas output (`toCanvas` and the image-data helper behind it), methods of every generated code
 * that the widget never calls (qr.ts traces the modules into an SVG path with `get()`). The
 * encoder is private to the widget's chunk, so nothing else can reach them. A lean-qr update that
 * changes these lines fails the build, not the page.
 */
function trimQrForPages(): Plugin {
  const canvas = /,u\(\w,\{on:[^]*?\.putImageData\(\w,0,0\)\}(?=\}\))/
  return {
    name: 'qfpay-trim-qr-for-pages',
    transform(code, id) {
      if (!/[\\/]lean-qr[\\/]nano\.mjs$/.test(id)) return undefined
      const out = code.replace(canvas, '')
      if (out === code || out.includes('toCanvas'))
        throw new Error(`trimQrForPages: nothing to trim in ${id}; check lean-qr's build`)
      return out
    },
  }
}

export default defineConfig(({ mode }) => {
  const standalone = mode === 'define'
  const dev = mode === 'development'
  return {
    plugins: [
      minifyCssLiterals(),
      collapseTemplateWhitespace(),
      ...(standalone ? [trimLitForPages(), trimQrForPages()] : []),
    ],
    // Dev-only warnings (src/warn.ts): dropped from production builds.
    define: { __QFPAY_DEV__: String(dev) },
    build: {
      target: 'es2022',
      emptyOutDir: !standalone && !dev,
      outDir: dev ? 'dist/dev' : 'dist',
      // Off: the whitespace pass above runs after maps are made, so they would point astray.
      sourcemap: false,
      minify: true,
      lib: {
        // The lazily loaded locales are also entries of the library build, so that
        // `@qfpay-checkout/widget/locales/zh-cn` and the chunk the element loads are one file.
        entry: (standalone
          ? { define: 'src/define.ts' }
          : {
              index: 'src/index.ts',
              'locales/zh-cn': 'src/locales/zh-cn.ts',
              'locales/zh-hk': 'src/locales/zh-hk.ts',
            }) as Record<string, string>,
        formats: ['es'],
      },
      rolldownOptions: {
        external: standalone ? [] : [/^lit($|\/)/, /^@lit\//, /^lean-qr($|\/)/],
        // The lazy pay chunk imports the entry's shared code (and, in define.js, Lit) from the
        // entry itself instead of from a third chunk every page would have to load first.
        preserveEntrySignatures: 'allow-extension',
        output: {
          minify: true,
          // The lazy chunks import shared code from the entry: keep those names readable
          // (`walletName`, not `t`). They are not public API: the .d.ts files do not declare them.
          minifyInternalExports: standalone,
          entryFileNames: '[name].js',
          // The QR encoder (lean-qr/nano) as `qr-*.js`: scripts/size.mjs finds it by that name.
          chunkFileNames: (chunk) =>
            `chunks/${standalone ? '' : 'index-'}${chunk.name === 'nano' ? 'qr' : '[name]'}-[hash].js`,
        },
      },
    },
  }
})
