/**
 * The catalogs: the same keys in every locale, the same placeholders (names
 * and types) in every translation, every message valid ICU MessageFormat.
 */
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { CATALOGS, LOCALES, matchLocale, resolveLocale, translator } from '../src/i18n/index.js';

/** `name:type` of every placeholder, nested ones included, sorted. */
function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: readonly MessageFormatElement[]): void => {
    for (const element of elements) {
      if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
      if (element.type === TYPE.tag) {
        walk(element.children);
        continue;
      }
      const kind = TYPE[element.type];
      found.add(`${element.value}:${kind}`);
      if (element.type === TYPE.plural || element.type === TYPE.select) {
        for (const option of Object.values(element.options)) walk(option.value);
      }
    }
  };
  walk(parse(message, { ignoreTag: true }));
  return [...found].sort();
}

describe('message catalogs', () => {
  const keys = Object.keys(CATALOGS.en).sort();

  it('has messages', () => {
    expect(keys.length).toBeGreaterThan(50);
  });

  for (const locale of LOCALES) {
    it(`${locale} has exactly the keys of en`, () => {
      const own = Object.keys(CATALOGS[locale]).sort();
      expect(
        own.filter((k) => !keys.includes(k)),
        'keys only in this catalog',
      ).toEqual([]);
      expect(
        keys.filter((k) => !own.includes(k)),
        'keys missing from this catalog',
      ).toEqual([]);
    });

    it(`${locale} uses the same placeholders as en, in valid ICU MessageFormat`, () => {
      const differing = keys.filter((key) => {
        const text = CATALOGS[locale][key];
        return text === undefined || placeholders(text).join() !== placeholders(CATALOGS.en[key]!).join();
      });
      expect(differing).toEqual([]);
    });
  }

  it('no fr-FR or zh-TW message is left in English', () => {
    for (const locale of ['fr-FR', 'zh-TW'] as const) {
      // A message identical to the English one is untranslated, unless it is a single word both languages share ("Date", "Option").
      const same = keys.filter((key) => {
        const text = CATALOGS[locale][key]!;
        const words = text.replace(/\{[^{}]*\}/g, '').match(/[A-Za-z]{3,}/g) ?? [];
        return text === CATALOGS.en[key] && words.length > 1;
      });
      expect(same, locale).toEqual([]);
    }
  });
});

describe('locale resolution', () => {
  it.each([
    [undefined, {}, 'en'],
    ['fr-FR', {}, 'fr-FR'],
    ['zh-TW', { LANG: 'fr_FR.UTF-8' }, 'zh-TW'],
    [undefined, { LANG: 'fr_FR.UTF-8' }, 'fr-FR'],
    [undefined, { LC_ALL: 'zh_TW.UTF-8', LANG: 'fr_FR.UTF-8' }, 'zh-TW'],
    [undefined, { LC_ALL: 'C', LANG: 'fr_FR.UTF-8' }, 'en'],
    [undefined, { LANG: 'de_DE.UTF-8' }, 'en'],
    [undefined, { LANG: 'zh_CN.UTF-8' }, 'en'],
  ] as const)('flag %s with %j is %s', (flag, env, expected) => {
    expect(resolveLocale(flag, env)).toBe(expected);
  });

  it('accepts close spellings and refuses unknown locales', () => {
    expect(matchLocale('fr')).toBe('fr-FR');
    expect(matchLocale('zh-Hant-TW')).toBe('zh-TW');
    expect(() => resolveLocale('de', {})).toThrow('"de" is not a locale of Attain (en, fr-FR, zh-TW)');
  });
});

describe('formatting', () => {
  it('formats money, numbers, lists and plurals the locale’s way', () => {
    expect(translator('en').usd(1306.8)).toBe('$1,306.80');
    expect(translator('fr-FR').usd(1306.8)).toBe('1\u202f306,80\u00a0$US');
    expect(translator('zh-TW').usd(1306.8)).toBe('US$1,306.80');
    expect(translator('fr-FR').t('cli.people', { count: 1 })).toBe('1 personne');
    expect(translator('en').list(['a', 'b', 'c'])).toBe('a, b, and c');
    expect(['en', 'fr-FR', 'zh-TW'].map((l) => translator(l as 'en').percent(15))).toEqual(['15%', '15\u00a0%', '15%']);
    expect([translator('en').percent(12.5), translator('fr-FR').percent(-12.5)]).toEqual(['12.5%', '-12,5\u00a0%']);
  });

  it('sets Chinese band names in a sentence without the spaces kept for Latin names', () => {
    const zh = translator('zh-TW');
    expect(zh.t('web.score.plan.unreachable', { band: '金會員' })).toBe('無法達到金會員：');
    expect(zh.t('web.score.plan.unreachable', { band: 'Gold' })).toBe('無法達到 Gold：');
    expect(zh.t('cli.score.outlookDrops', { band: '銀會員', month: '2021-03', then: '無' })).toBe(
      '若沒有任何新進展（使用量與授權維持不變，沒有新的計費或認證）：銀會員將於 2021-03 失去（之後：無）',
    );
    // A choice is made on the value as given; the value inside the chosen text is spaced as Chinese.
    expect(zh.t('web.score.plan.title', { qualify: 'yes', band: '金會員' })).toBe('取得資格的最低成本方式');
    expect(zh.t('web.score.plan.title', { qualify: 'no', band: '金會員' })).toBe('達到金會員的最低成本方式');
    expect(zh.t('web.score.plan.title', { qualify: 'no', band: 'Gold' })).toBe('達到 Gold 的最低成本方式');
    // A value's own spaces are its own: a band (or partner) named with a space keeps it.
    expect(zh.t('web.score.plan.unreachable', { band: '金 會員' })).toBe('無法達到金 會員：');
    // A value holding the control characters used as marks is written whole, as given.
    expect(zh.t('web.score.plan.unreachable', { band: 'G\u0001o\u0002ld' })).toBe('無法達到 G\u0001o\u0002ld：');
    // Other languages are untouched.
    expect(translator('fr-FR').t('web.score.plan.unreachable', { band: 'Or' })).toBe('Or ne peut pas être atteint :');
  });

  it('spaces a Chinese list’s 和 from Latin names and numbers, as the messages space Latin text', () => {
    expect(translator('zh-TW').list(['MB2-715', 'MB2-716', 'MB2-717'])).toBe('MB2-715、MB2-716 和 MB2-717');
    expect(translator('zh-TW').list(['計畫 1', '銷售'])).toBe('計畫 1 和銷售');
    expect(translator('zh-TW').list(['現場服務', '專案服務'])).toBe('現場服務和專案服務');
    expect(translator('zh-TW').list(['MB2-715'])).toBe('MB2-715');
  });

  it('writes calendar dates without time-zone drift', () => {
    const before = process.env.TZ;
    try {
      for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
        process.env.TZ = zone;
        expect(translator('en').date('2017-07-07')).toBe('Jul 7, 2017');
        expect(translator('zh-TW').date('2016-02-29')).toBe('2016年2月29日');
      }
    } finally {
      // Files share a worker's process (vitest.config.ts): leave TZ as found, unset if it was.
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('refuses a key no catalog has', () => {
    expect(() => translator('fr-FR').t('cli.nope')).toThrow('no message "cli.nope" in the fr-FR catalog');
  });
});
