/**
 * Every localized text of the bundled scored definitions (Business Applications,
 * PCI then PCS; the Small and Midmarket Cloud Solutions SMB option) is given in
 * fr-FR and zh-TW, and differs from the English but for a short, justified list
 * of proper names; and the scored pages rendered in French and Chinese, in
 * Markdown and in HTML, show none of the English texts.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { LOCALES, type LocalizedText, type ScoredVersionDefinition } from '../src/engine/index.js';
import { toHtmlPage } from '../src/docs/html.js';
import { renderScoredPage } from '../src/docs/scored-page.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { CATALOGS, translator } from '../src/i18n/index.js';

const DEFINITIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../definitions');
const FOLDERS = ['microsoft-business-applications', 'microsoft-small-and-midmarket-cloud-solutions'];
const TRANSLATED = ['fr-FR', 'zh-TW'] as const;
type Translated = (typeof TRANSLATED)[number];

const versions: ScoredVersionDefinition[] = FOLDERS.flatMap((folder) => {
  const read = readScoredDefinitions(resolve(DEFINITIONS, folder));
  if (!read.ok) throw new Error(`${folder}: ${JSON.stringify(read.problems)}`);
  return [...read.versions];
});
const label = (v: ScoredVersionDefinition): string => `${v.id} ${v.effectiveFrom}`;

/**
 * The English texts a translation may repeat, and in which locales: names that have no word to translate, or whose
 * English word is the French one. Everything else is translated; a product or certification name that Microsoft keeps
 * in English keeps it and adds a translation in parentheses, as the threshold definitions' products do.
 */
const SAME_AS_ENGLISH: Readonly<Record<string, readonly Translated[]>> = {
  // Microsoft's French pages keep the level names from 2017-10-13 on (glossary-official-terms.md); zh-TW has 銀會員 / 金會員.
  Silver: ['fr-FR'],
  Gold: ['fr-FR'],
  // Brand names without a descriptive word: Microsoft's localized pages print them as they are.
  'AI Builder': ['fr-FR', 'zh-TW'],
  'Power Apps': ['fr-FR', 'zh-TW'],
  'Power Automate': ['fr-FR', 'zh-TW'],
  'Power BI': ['fr-FR', 'zh-TW'],
  'Power Pages': ['fr-FR', 'zh-TW'],
  'Business Central': ['fr-FR', 'zh-TW'],
  'Dynamics 365 Business Central': ['fr-FR', 'zh-TW'],
  // The English word is also the French word (zh-TW adds 行銷, 商務, 指南 in parentheses).
  Marketing: ['fr-FR'],
  'Dynamics 365 Marketing': ['fr-FR'],
  Commerce: ['fr-FR'],
  'Dynamics 365 Commerce': ['fr-FR'],
  Guides: ['fr-FR'],
};
const mayEqualEnglish = (en: string, locale: Translated): boolean => SAME_AS_ENGLISH[en]?.includes(locale) ?? false;

interface Text {
  /** Where in the version: `paths[customer-engagement].metrics[net-new-revenue].name`. */
  readonly where: string;
  /** The same without ids: `paths[].metrics[].name`. */
  readonly kind: string;
  readonly text: LocalizedText;
}

const isLocalizedText = (value: object): value is LocalizedText =>
  typeof (value as { en?: unknown }).en === 'string' && Object.keys(value).every((k) => (LOCALES as readonly string[]).includes(k));

/** Every localized text of a version, wherever the schema puts one: found by shape, so that a new field is walked too. */
function textsOf(version: ScoredVersionDefinition): Text[] {
  const found: Text[] = [];
  const walk = (value: unknown, where: string, kind: string): void => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((item: unknown, i) => {
        // Named by its id (a path, a metric) or its question (a reading), else by its position.
        const named = typeof item === 'object' && item !== null ? (item as { id?: unknown; question?: unknown }) : {};
        const id = String(named.id ?? named.question ?? i);
        walk(item, `${where}[${id}]`, `${kind}[]`);
      });
      return;
    }
    if (isLocalizedText(value)) {
      found.push({ where, kind, text: value });
      return;
    }
    for (const [key, child] of Object.entries(value)) walk(child, where ? `${where}.${key}` : key, kind ? `${kind}.${key}` : key);
  };
  walk(version, '', '');
  return found;
}

describe.each(versions.map((v) => [label(v), v] as const))('the scored definition %s', (_, version) => {
  const texts = textsOf(version);

  it('walks the texts of every part of the definition', () => {
    const kinds = new Set(texts.map((t) => t.kind));
    const expected = ['name', 'segments[].name', 'workloads[].name', 'paths[].name', 'paths[].metrics[].name', 'bands[].name'];
    if (version.certifications.length > 0) expected.push('certifications[].name');
    if (version.readings.length > 0) expected.push('readings[].chosen', 'readings[].alternative');
    expect(expected.filter((k) => !kinds.has(k))).toEqual([]);
    expect(texts.length).toBeGreaterThanOrEqual(
      1 + version.workloads.length + version.certifications.length + version.bands.length + 2 * version.readings.length,
    );
  });

  it('gives every text in fr-FR and zh-TW', () => {
    const missing = texts.flatMap(({ where, text }) => TRANSLATED.filter((l) => !text[l]?.trim()).map((l) => `${where}: ${l}`));
    expect(missing).toEqual([]);
  });

  it('repeats the English only for the names of the allow-list', () => {
    const same = texts.flatMap(({ where, text }) =>
      TRANSLATED.filter((l) => text[l]?.trim() === text.en.trim() && !mayEqualEnglish(text.en, l)).map(
        (l) => `${where}: ${l} "${text.en}"`,
      ),
    );
    expect(same).toEqual([]);
  });

  it('writes zh-TW in Chinese, without half-width ; or a final full stop', () => {
    const problems = texts.flatMap(({ where, text }) => {
      const zh = text['zh-TW'] ?? '';
      const found: string[] = [];
      if (!mayEqualEnglish(text.en, 'zh-TW') && !/\p{Script=Han}/u.test(zh)) found.push(`${where}: no Chinese in "${zh}"`);
      if (/;|\.$/.test(zh)) found.push(`${where}: half-width punctuation in "${zh}"`);
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('writes French with the typographic apostrophe and a space before ; and : (data keys such as `count: tenants` aside)', () => {
    const problems = texts.flatMap(({ where, text }) => {
      const fr = text['fr-FR'] ?? '';
      const found: string[] = [];
      if (fr.includes("'")) found.push(`${where}: ASCII apostrophe in "${fr}"`);
      if (/\S;/.test(fr)) found.push(`${where}: no space before ; in "${fr}"`);
      // A colon right after a word is only allowed after a data key (an ASCII identifier, as in `(clampAtZero: false)`).
      for (const [, word] of fr.matchAll(/(\S+):/g)) {
        if (!/^\(?[A-Za-z][A-Za-z0-9-]*$/.test(word!)) found.push(`${where}: no space before : after "${word}" in "${fr}"`);
      }
      return found;
    });
    expect(problems).toEqual([]);
  });
});

describe('the same English text is translated the same way in every scored version and program', () => {
  it('gives one fr-FR and one zh-TW text to each English text', () => {
    const seen = new Map<string, string>();
    const conflicts: string[] = [];
    for (const version of versions)
      for (const { where, text } of textsOf(version)) {
        const translations = JSON.stringify(TRANSLATED.map((l) => text[l]));
        const earlier = seen.get(text.en);
        if (earlier !== undefined && earlier !== translations) conflicts.push(`${label(version)} ${where}: ${earlier} / ${translations}`);
        seen.set(text.en, translations);
      }
    expect(conflicts).toEqual([]);
  });
});

/** Words as a reader sees them: Markdown syntax and punctuation dropped, lower case. */
const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu) ?? [];
/** Framed by spaces, so that `includes` matches whole words only. */
const wordText = (text: string): string => ` ${words(text).join(' ')} `;

/** An HTML page's text as a reader reads it: no style, no tags, entities decoded. */
function htmlText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every run of three consecutive words of the English `docs` messages of the scored page. */
function englishRuns(): Map<string, string> {
  const runs = new Map<string, string>();
  const literals = (elements: readonly MessageFormatElement[], into: string[]): string[] => {
    for (const e of elements) {
      if (e.type === TYPE.literal) into.push(e.value);
      else if (e.type === TYPE.plural || e.type === TYPE.select) for (const o of Object.values(e.options)) literals(o.value, into);
    }
    return into;
  };
  for (const [key, message] of Object.entries(CATALOGS.en)) {
    if (!key.startsWith('docs.scored.') && key !== 'docs.effectiveFrom') continue;
    for (const literal of literals(parse(message, { ignoreTag: true }), [])) {
      const w = words(literal);
      for (let i = 0; i + 3 <= w.length; i++) runs.set(w.slice(i, i + 3).join(' '), key);
    }
  }
  return runs;
}

describe('the scored pages in French and Chinese', () => {
  const runs = englishRuns();
  for (const version of versions) {
    const en = renderScoredPage(version, translator('en'));
    for (const locale of TRANSLATED) {
      const markdown = renderScoredPage(version, translator(locale));
      const html = htmlText(toHtmlPage(markdown, { title: translator(locale).text(version.name), locale }));
      for (const [format, page] of [
        ['md', markdown],
        ['html', html],
      ] as const) {
        it(`${label(version)} ${locale} ${format}: shows no English text of the definition`, () => {
          const text = wordText(page);
          const leaks = textsOf(version)
            .filter(({ text: t }) => !mayEqualEnglish(t.en, locale) && words(t.en).length >= 2)
            .filter(({ text: t }) => text.includes(wordText(t.en)))
            .map(({ where, text: t }) => `${where}: "${t.en}"`);
          expect(leaks).toEqual([]);
        });

        it(`${label(version)} ${locale} ${format}: no reading of the English page, and no three-word run of the English messages`, () => {
          const text = wordText(page);
          const readings = version.readings.flatMap((r) => [r.chosen.en, r.alternative.en]).filter((r) => text.includes(wordText(r)));
          const found = [...runs].filter(([run]) => text.includes(` ${run} `)).map(([run, key]) => `${key}: "${run}"`);
          expect({ readings, found }).toEqual({ readings: [], found: [] });
          // The English page does show them: the check would see a leak.
          expect(version.readings.every((r) => wordText(en).includes(wordText(r.chosen.en)))).toBe(true);
        });
      }
    }
  }
});
