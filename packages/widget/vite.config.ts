// Library build, two passes (shared/toolchain.md traps 7 and 8):
//  - default: dist/index.js, the class with Lit and qrcode left to the app's bundler;
//  - `--mode define`: dist/define.js for a plain <script type="module">, Lit bundled in and the
//    QR encoder in a lazily loaded chunk, so first paint ships only Lit and the element.
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
        if (file.type === 'chunk') file.code = file.code.replace(/[ \t]*\n[ \t\n]*/g, ' ')
      }
    },
  }
}

export default defineConfig(({ mode }) => {
  const standalone = mode === 'define'
  return {
    plugins: [collapseTemplateWhitespace()],
    build: {
      target: 'es2022',
      emptyOutDir: !standalone,
      // Off: the whitespace pass above runs after maps are made, so they would point astray.
      sourcemap: false,
      minify: true,
      lib: {
        entry: (standalone ? { define: 'src/define.ts' } : { index: 'src/index.ts' }) as Record<string, string>,
        formats: ['es'],
      },
      rolldownOptions: {
        external: standalone ? [] : [/^lit($|\/)/, /^@lit\//, /^qrcode($|\/)/],
        output: {
          minify: true,
          entryFileNames: '[name].js',
          chunkFileNames: standalone ? 'chunks/[name]-[hash].js' : 'chunks/index-[name]-[hash].js',
        },
      },
    },
  }
})
