/**
 * The locale table: en, zh-CN and zh-HK built in; `registerLocale()` adds or replaces one.
 */
import type { QfpayLocale } from './locale.ts'
import { en } from './en.ts'
import { zhCN } from './zh-cn.ts'
import { zhHK } from './zh-hk.ts'

/**
 * One table per page, kept on `globalThis` under a registered symbol: `dist/index.js` and the
 * self-contained `dist/define.js` are separate copies, and a locale registered through either
 * must reach the element defined by the other. (No `window`: safe during SSR.)
 */
const KEY = Symbol.for('qfpay-checkout.locales')
const store = globalThis as { [KEY]?: Map<string, QfpayLocale> }
const locales = (store[KEY] ??= new Map<string, QfpayLocale>())
for (const [tag, locale] of [['en', en], ['zh-cn', zhCN], ['zh-hk', zhHK]] as const) {
  if (!locales.has(tag)) locales.set(tag, locale)
}

/** Tags that share another locale's text (Traditional Chinese reads as zh-HK). */
const ALIASES: Record<string, string> = {
  zh: 'zh-cn',
  'zh-hans': 'zh-cn',
  'zh-sg': 'zh-cn',
  'zh-hant': 'zh-hk',
  'zh-tw': 'zh-hk',
  'zh-mo': 'zh-hk',
  'zh-hant-tw': 'zh-hk',
  'zh-hant-hk': 'zh-hk',
  'zh-hans-cn': 'zh-cn',
}

/**
 * Add (or replace) a locale. Elements pick it up on their next render.
 * @example registerLocale('ja', { ...en, lang: 'ja', paid: 'お支払いが完了しました。' })
 */
export function registerLocale(tag: string, messages: QfpayLocale): void {
  locales.set(tag.toLowerCase(), messages)
}

/** The best locale for a list of preferred tags (exact, alias, then language), else English. */
export function resolveLocale(preferred: readonly (string | null | undefined)[]): QfpayLocale {
  for (const raw of preferred) {
    if (!raw) continue
    const tag = raw.toLowerCase().replace(/_/g, '-')
    const found = locales.get(tag) ?? locales.get(ALIASES[tag] ?? '')
    if (found) return found
    const [language, script] = tag.split('-')
    const partial =
      locales.get(ALIASES[`${language}-${script}`] ?? '') ??
      locales.get(ALIASES[language ?? ''] ?? '') ??
      locales.get(language ?? '')
    if (partial) return partial
  }
  return en
}
