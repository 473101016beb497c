/**
 * The locale table: `en` built in; zh-CN and zh-HK built in too but loaded on first use (their
 * own chunks); `registerLocale()` adds or replaces one.
 */
import type { QfpayLocale } from './locale.ts'
import { en } from './en.ts'

/**
 * One table per page, kept on `globalThis` under a registered symbol: `dist/index.js` and the
 * self-contained `dist/define.js` are separate copies, and a locale registered through either
 * must reach the element defined by the other. (No `window`: safe during SSR.)
 */
const KEY = Symbol.for('qfpay-checkout.locales')
const store = globalThis as { [KEY]?: Map<string, QfpayLocale> }
const locales = (store[KEY] ??= new Map<string, QfpayLocale>())
if (!locales.has('en')) locales.set('en', en)

/** Built-in locales that load on first use (a merchant's `registerLocale` of the same tag wins). */
const lazy: Record<string, () => Promise<QfpayLocale>> = {
  'zh-cn': () => import('./zh-cn.ts').then((m) => m.zhCN),
  'zh-hk': () => import('./zh-hk.ts').then((m) => m.zhHK),
}

/**
 * Tags that share another locale's text: Traditional Chinese (zh-Hant, zh-TW, zh-MO) reads as
 * zh-HK, any other Chinese (zh, zh-Hans, zh-SG, …) as zh-CN.
 */
const alias = (tag: string) =>
  /^zh-(hant|tw|mo|hk)(-|$)/.test(tag) ? 'zh-hk' : /^zh(-|$)/.test(tag) ? 'zh-cn' : ''

/** The table key that best fits `preferred` (exact, alias, then language), registered or lazy. */
function keyOf(preferred: readonly (string | null | undefined)[]): string | undefined {
  for (const raw of preferred) {
    if (!raw) continue
    const tag = raw.toLowerCase().replace(/_/g, '-')
    for (const key of [tag, alias(tag), tag.split('-')[0]!]) {
      if (locales.has(key) || Object.hasOwn(lazy, key)) return key
    }
  }
  return undefined
}

/**
 * Add (or replace) a locale. Elements pick it up on their next render.
 * @example registerLocale('ja', { ...en, lang: 'ja', paid: 'お支払いが完了しました。' })
 */
export function registerLocale(tag: string, messages: QfpayLocale): void {
  locales.set(tag.toLowerCase(), messages)
}

/**
 * The best locale for a list of preferred tags (exact, alias, then language) among those
 * available now, else English. zh-CN and zh-HK are available once {@link loadLocale} loaded them
 * (the element does that by itself).
 */
export function resolveLocale(preferred: readonly (string | null | undefined)[]): QfpayLocale {
  return locales.get(keyOf(preferred) ?? '') ?? en
}

/** Whether the best locale for `preferred` still has to be loaded. @internal */
export const needsLoad = (preferred: readonly (string | null | undefined)[]): boolean =>
  !locales.has(keyOf(preferred) ?? 'en')

/**
 * Load the built-in locale that best fits `preferred` (if it is not loaded yet) and resolve to
 * {@link resolveLocale}'s answer. Never rejects: a chunk that fails to load leaves English.
 * @example const zh = await loadLocale(['zh-TW']) // zh-HK
 */
export async function loadLocale(
  preferred: readonly (string | null | undefined)[]
): Promise<QfpayLocale> {
  const key = keyOf(preferred)
  if (key && !locales.has(key)) {
    try {
      const loaded = await lazy[key]!()
      if (!locales.has(key)) locales.set(key, loaded)
    } catch {
      // Offline or a missing chunk: English it is.
    }
  }
  return resolveLocale(preferred)
}
