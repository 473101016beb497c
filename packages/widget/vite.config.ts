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
 * For define.js only: drop the parts of Lit that the widget's own templates, sheets and element
 * never reach (this copy of Lit is private to define.js: nothing else renders with it). Each is
 * an exact piece of Lit's published build that must be there once (a Lit update that changes one
 * fails the build), and {@link LIT_UNREACHED} fails the build when a source starts to need one:
 *  - decorator support: `Symbol.metadata`, the `litPropertyMetadata` registry,
 *    `addInitializer()`, `useDefault`, wrapped accessors and `state` properties (the element
 *    declares `static properties`, no decorators); `removeController()` (never called);
 *  - the default attribute converter's `Boolean`/`Number`/`Object`/`Array` cases (every
 *    property is a string or has its own converter);
 *  - the ShadyCSS check (a polyfill for pre-2020 browsers), `css` interpolation (the sheets
 *    have none), `CSSStyleSheet` objects and arrays as styles (they are single `css` results),
 *    and sharing one sheet between results of the same literal (each literal is made once);
 *  - directives (none is imported: nothing else calls `_$litDirective$` or the connection
 *    hooks that only async directives read), compiled templates and `creationScope`;
 *  - MathML templates, bindings inside `<script>`/`<style>`/`<textarea>`/`<title>` and inside
 *    comments, element-position bindings (`<div ${…}>`), listener objects (every `@event`
 *    binding is a function), and the SSR hydration hook.
 * Built define.js is tested in a browser (src/csp.test.ts: a strict-CSP page drawing a QR code,
 * attributes read and reflected); the suites run the sources with the whole Lit.
 */
const LIT_UNUSED: Record<string, [string, string][]> = {
  'css-tag.js': [
    ['t.ShadowRoot&&(void 0===t.ShadyCSS||t.ShadyCSS.nativeShadow)&&', ''],
    [
      'const o=1===t.length?t[0]:e.reduce((e,s,o)=>e+(t=>{if(!0===t._$cssResult$)return t.cssText;if("number"==typeof t)return t;throw Error("css "+t)})(s)+t[o+1],t[0]);',
      'const o=t[0];',
    ],
    ['t instanceof CSSStyleSheet?t:t.styleSheet', 't.styleSheet'],
    [
      'get styleSheet(){let t=this.o;const s=this.t;if(e&&void 0===t){const e=void 0!==s&&1===s.length;e&&(t=o.get(s)),void 0===t&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),e&&o.set(s,t))}return t}toString(){return this.cssText}',
      'get styleSheet(){let t=this.o;return e&&void 0===t&&(this.o=t=new CSSStyleSheet).replaceSync(this.cssText),t}',
    ],
    [
      'c=e?t=>t:t=>t instanceof CSSStyleSheet?(t=>{let e="";for(const s of t.cssRules)e+=s.cssText;return r(e)})(t):t',
      'c=t=>t',
    ],
  ],
  'reactive-element.js': [
    ['c=a.trustedTypes,l=c?c.emptyScript:"",', ''],
    ['s.state&&(s.attribute=!1),', ''],
    ['[...r(t),...o(t)]', 'r(t)'],
    ['removeController(t){this._$EO?.delete(t)}', ''],
    [
      'if(Array.isArray(s)){const e=new Set(s.flat(1/0).reverse());for(const s of e)i.unshift(t(s))}else void 0!==s&&i.push(t(s))',
      'void 0!==s&&i.push(t(s))',
    ],
    ['||i.useDefault&&i.reflect&&h===this._$Ej?.get(t)&&!this.hasAttribute(r._$Eu(t,i))', ''],
    [
      'C(t,s,{useDefault:i,reflect:e,wrapped:h},r){i&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,r??s??this[t]),!0!==h||void 0!==r)||(this._$AL.has(t)||(this.hasUpdated||i||(s=void 0),this._$AL.set(t,s)),!0===e&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}',
      'C(t,s,{reflect:e}){this._$AL.has(t)||(this.hasUpdated||(s=void 0),this._$AL.set(t,s)),!0===e&&this._$Em!==t&&(this._$Eq??=new Set).add(t)}',
    ],
    ['this[e]=r??this._$Ej?.get(e)??r', 'this[e]=r'],
    ['this.prototype.hasOwnProperty(t)&&((s=Object.create(s)).wrapped=!0),', ''],
    [
      'const t=this.constructor.elementProperties;if(t.size>0)for(const[s,i]of t){const{wrapped:t}=i,e=this[s];!0!==t||this._$AL.has(s)||void 0===e||this.C(s,void 0,i,e)}',
      '',
    ],
    ['Symbol.metadata??=Symbol("metadata"),a.litPropertyMetadata??=new WeakMap;', ''],
    [
      'const t=this[Symbol.metadata];if(null!==t){const s=litPropertyMetadata.get(t);if(void 0!==s)for(const[t,i]of s)this.elementProperties.set(t,i)}',
      '',
    ],
    ['static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}', ''],
    ['void 0!==t.l&&(this.l=[...t.l]),', ''],
    [',this.constructor.l?.forEach(t=>t(this))', ''],
    [
      'u={toAttribute(t,s){switch(s){case Boolean:t=t?l:null;break;case Object:case Array:t=null==t?t:JSON.stringify(t)}return t},fromAttribute(t,s){let i=t;switch(s){case Boolean:i=null!==t;break;case Number:i=null===t?null:Number(t);break;case Object:case Array:try{i=JSON.parse(t)}catch(t){i=null}}return i}}',
      'u={toAttribute:t=>t,fromAttribute:t=>t}',
    ],
  ],
  'lit-html.js': [
    [
      'function M(t,i,s=t,e){if(i===E)return i;let h=void 0!==e?s._$Co?.[e]:s._$Cl;const o=a(i)?void 0:i._$litDirective$;return h?.constructor!==o&&(h?._$AO?.(!1),void 0===o?h=void 0:(h=new o(t),h._$AT(t,s,e)),void 0!==e?(s._$Co??=[])[e]=h:s._$Cl=h),void 0!==h&&(i=M(t,h._$AS(t,i.values),h,e)),i}',
      'function M(t,i){return i}',
    ],
    [
      '"number"==typeof s?this._$AC(t):(void 0===s.el&&(s.el=S.createElement(V(s.h,s.h[0]),this.options)),s)',
      'this._$AC(t)',
    ],
    ['(t?.creationScope??l).importNode', 'l.importNode'],
    ['this._$AV=[],this._$AN=void 0,', 'this._$AV=[],'],
    ['this.type=2,this._$AH=A,this._$AN=void 0,', 'this.type=2,this._$AH=A,'],
    ['this.type=1,this._$AH=A,this._$AN=void 0,', 'this.type=1,this._$AH=A,'],
    ['||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive', ''],
    [
      '"function"==typeof this._$AH?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)',
      'this._$AH.call(this.options?.host??this.element,t)',
    ],
    ['get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}', ''],
    ['get _$AU(){return this._$AM?._$AU??this._$Cv}', ''],
    [',this._$Cv=e?.isConnected??!0', ''],
    [
      'get parentNode(){let t=this._$AA.parentNode;const i=this._$AM;return void 0!==i&&11===t?.nodeType&&(t=i.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}',
      '',
    ],
    ['for(this._$AP?.(!1,!0,s);', 'for(;'],
    ['setConnected(t){void 0===this._$AM&&(this._$Cv=t,this._$AP?.(t))}', ''],
    ['get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}', ''],
    ['3===i?"<math>":""', '""'],
    ['3===i?"</math>":""', '""'],
    ['2===i||3===i', '2===i'],
    [
      'if(y.test(r.tagName)){const t=r.textContent.split(o),i=t.length-1;if(i>0){r.textContent=s?s.emptyScript:"";for(let s=0;s<i;s++)r.append(t[s],c()),P.nextNode(),d.push({type:2,index:++l});r.append(t[i],c())}}',
      '',
    ],
    [
      'else{let t=-1;for(;-1!==(t=r.data.indexOf(o,t+1));)d.push({type:7,index:l}),t+=o.length-1}',
      '',
    ],
    ['else t.startsWith(o)&&(d.push({type:6,index:l}),r.removeAttribute(t))', ''],
    [':6===r.type&&(i=new Z(h,this,t))', ':0'],
  ],
  'lit-element.js': [
    [',s.litElementHydrateSupport?.({LitElement:i})', ''],
    ['this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),', ''],
    [
      'connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}',
      '',
    ],
  ],
}
/** What the widget's sources must not use for {@link LIT_UNUSED} to hold (checked on every build). */
const LIT_UNREACHED: [RegExp, string][] = [
  [/\btype:\s*(?:Boolean|Number|Object|Array)\b/, 'a property typed Boolean/Number/Object/Array'],
  [/\b(?:html|svg)`[^`]*<(?:script|style|textarea|title)\b/i, 'a raw-text element in a template'],
  [/\b(?:html|svg)`[^`]*<!--/, 'a comment in a template'],
  [/\b(?:mathml|addInitializer)\b|@(?:property|state|customElement)\(/, 'MathML or decorators'],
  [/\bcss`[^`]*\$\{/, 'a value interpolated into a css`` sheet'],
  [
    /['"]lit(?:-html)?\/(?:directive|async-directive|static-html)/,
    'a directive or static template',
  ],
  [/\bstatic\s+styles\s*=\s*\[|\bcreationScope\b/, 'a styles array or a creationScope'],
  [/\bstate:\s*true\b|\bremoveController\b/, 'an internal state property or removeController()'],
  [/@[\w-]+=\$\{\s*\{/, 'an event listener object (only functions are bound)'],
  [
    /\b(?:useDefault|CSSStyleSheet)\b/,
    "`useDefault` or a CSSStyleSheet among the element's styles",
  ],
]
function dropUnusedLit(): Plugin {
  return {
    name: 'qfpay-drop-unused-lit',
    transform(code, id) {
      if (/[\\/]src[\\/].*\.ts$/.test(id) && !id.endsWith('.test.ts')) {
        for (const [pattern, what] of LIT_UNREACHED)
          if (pattern.test(code))
            throw new Error(`${id}: ${what}, which define.js's trimmed Lit drops (vite.config.ts)`)
        return undefined
      }
      const file = /[\\/](?:lit-html|lit-element|@lit[\\/]reactive-element)[\\/]([\w-]+\.js)$/.exec(
        id
      )?.[1]
      const cuts = file && LIT_UNUSED[file]
      if (!cuts) return undefined
      let out = code
      for (const [piece, replacement] of cuts) {
        if (out.split(piece).length !== 2)
          throw new Error(
            `dropUnusedLit: ${piece.slice(0, 40)}… is not in ${id} once; check Lit's build`
          )
        out = out.replace(piece, () => replacement) // a function: `$` in Lit's names stays literal
      }
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
      ...(standalone ? [trimLitForPages(), dropUnusedLit(), trimQrForPages()] : []),
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
