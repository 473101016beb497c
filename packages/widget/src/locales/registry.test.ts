import { expect } from '@open-wc/testing'
import { loadLocale, registerLocale, resolveLocale } from './registry.ts'
import { en } from './en.ts'

describe('locales', () => {
  const cases: [string[], string][] = [
    [['zh-TW'], 'zh-HK'],
    [['zh-Hant-TW'], 'zh-HK'],
    [['zh-HK'], 'zh-HK'],
    [['zh'], 'zh-CN'],
    [['zh-Hans-SG'], 'zh-CN'],
    [['en-GB'], 'en'],
    [['de-DE'], 'en'],
    [['de-DE', 'zh-CN'], 'zh-CN'],
  ]
  // zh-CN and zh-HK are their own chunks: loadLocale() brings them, then resolveLocale() has them.
  for (const [tags, lang] of cases) {
    it(`reads ${tags.join(', ')} as ${lang}`, async () => {
      expect((await loadLocale(tags)).lang).to.equal(lang)
      expect(resolveLocale(tags).lang).to.equal(lang)
    })
  }

  it('uses a locale a merchant registered', () => {
    registerLocale('ja', { ...en, lang: 'ja', paid: 'お支払いが完了しました。' })
    expect(resolveLocale(['ja-JP']).paid).to.equal('お支払いが完了しました。')
  })

  it('has every text of English in every built-in locale', async () => {
    for (const tag of ['zh-CN', 'zh-HK']) {
      const locale = await loadLocale([tag])
      expect(locale.lang).to.equal(tag)
      expect(Object.keys(locale).sort()).to.deep.equal(Object.keys(en).sort())
      expect(Object.keys(locale.errors).sort()).to.deep.equal(Object.keys(en.errors).sort())
    }
  })
})
