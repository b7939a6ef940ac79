/**
 * Every localized text of the bundled definition is given in every locale:
 * en, fr-FR and zh-TW. A translation that merely repeats the English is
 * allowed only for short proper names (3 words or fewer, e.g. "Gold" or
 * "Cloud Business Applications") and for the texts Microsoft's localized pages
 * themselves keep in English; sentences and longer names must be translated.
 */
import { describe, expect, it } from 'vitest';
import type { LocalizedText, ProgramVersion, Requirement } from '../src/engine/index.js';
import { loadProgram } from '../src/files/program-files.js';

const program = loadProgram();

const TRANSLATED = ['fr-FR', 'zh-TW'] as const;

/** Longer than this many words, a text is a sentence or a composed name, not a bare proper name. */
const MAX_UNTRANSLATED_WORDS = 3;

interface Text {
  readonly where: string;
  readonly text: LocalizedText | undefined;
}

function requirementTexts(prefix: string, requirement: Requirement): Text[] {
  const where = `${prefix}/${requirement.id}`;
  const own: Text = { where: `${where} name`, text: requirement.name };
  if (requirement.kind !== 'any-of') return [own];
  return [own, ...requirement.alternatives.flatMap((alternative) => requirementTexts(where, alternative))];
}

function versionTexts(version: ProgramVersion): Text[] {
  const texts: Text[] = [
    { where: 'program name', text: version.name },
    ...version.markets.map((m) => ({ where: `market ${m.id}`, text: m.name })),
    ...[...version.associationTypes.values()].map((a) => ({ where: `association type ${a.id}`, text: a.name })),
    ...[...version.products.values()].map((p) => ({ where: `product ${p.id}`, text: p.name })),
    ...[...version.exams.values()].map((e) => ({ where: `exam ${e.id}`, text: e.title })),
  ];
  for (const c of version.competencies) {
    texts.push({ where: `competency ${c.id} name`, text: c.name });
    if (c.description) texts.push({ where: `competency ${c.id} description`, text: c.description });
    for (const o of c.options) {
      const option = `${c.id}/${o.id}`;
      texts.push({ where: `option ${option} name`, text: o.name });
      if (o.description) texts.push({ where: `option ${option} description`, text: o.description });
      for (const l of o.levels) {
        const level = `${option}/${l.id}`;
        texts.push({ where: `level ${level} name`, text: l.name });
        texts.push(...l.requirements.flatMap((r) => requirementTexts(`requirement ${level}`, r)));
      }
    }
  }
  return texts;
}

const wordCount = (text: string): number => text.trim().split(/\s+/).length;

/**
 * Texts Microsoft's own localized pages leave in English (../shared/glossary-official-terms.md):
 * exam titles and on-premises product names. Only these may repeat the English.
 */
const OFFICIALLY_ENGLISH: Readonly<Record<string, readonly ('fr-FR' | 'zh-TW')[]>> = {
  'exam MB2-717': ['fr-FR', 'zh-TW'],
  'exam MB2-718': ['fr-FR', 'zh-TW'],
  'exam MB2-877': ['fr-FR', 'zh-TW'],
  'exam MB6-897': ['fr-FR', 'zh-TW'],
  'exam MB6-705': ['fr-FR', 'zh-TW'],
  'exam MB6-894': ['fr-FR'],
  'exam MB6-895': ['fr-FR'],
  'exam MB6-896': ['fr-FR'],
  'product AX-2012-ON-PREMISE': ['fr-FR', 'zh-TW'],
  'product D365-OPERATIONS-ON-PREMISES': ['fr-FR', 'zh-TW'],
};
const keptInEnglish = (where: string, locale: 'fr-FR' | 'zh-TW'): boolean => OFFICIALLY_ENGLISH[where]?.includes(locale) ?? false;

/** English texts whose official translation changed from one revision of the page to the next. */
const RETRANSLATED_BY_MICROSOFT = new Set([
  'Cloud Business Applications', // zh-TW 雲端業務應用程式, then 雲端商務應用程式 from 2017-11-16
  'The Cloud Business Applications competency is for partners who specialize in deployment and management of Microsoft Dynamics 365 for their customers.',
  'Silver', // fr-FR Argent and zh-TW 銀級 on 2017-06-27
  'Gold',
  'Microsoft Dynamics AX 2012 On-Premise', // zh-TW 內部部署 until 2017-07-07, English from 2017-10-13
]);

describe.each(program.versions.map((v) => [v.effectiveFrom, v] as const))('the bundled definition in effect from %s', (_, version) => {
  const texts = versionTexts(version);

  it('walks the texts of every part of the definition', () => {
    // Program, 2 markets, DPOR, products, exams, 1 competency with a description, 2 options with descriptions, 4 levels.
    expect(texts.length).toBeGreaterThan(1 + 2 + 1 + version.products.size + version.exams.size + 2 + 4 + 4);
  });

  it('names every requirement, and every alternative of an any-of', () => {
    expect(texts.filter((t) => t.text === undefined).map((t) => t.where)).toEqual([]);
  });

  it('gives every text in en, fr-FR and zh-TW', () => {
    const missing = texts.flatMap(({ where, text }) =>
      (['en', ...TRANSLATED] as const).filter((locale) => !text?.[locale]?.trim()).map((locale) => `${where}: ${locale}`),
    );
    expect(missing).toEqual([]);
  });

  it('translates every text of more than 3 words rather than repeating the English', () => {
    const untranslated = texts.flatMap(({ where, text }) =>
      text && wordCount(text.en) > MAX_UNTRANSLATED_WORDS
        ? TRANSLATED.filter((locale) => text[locale]?.trim() === text.en.trim() && !keptInEnglish(where, locale)).map(
            (locale) => `${where}: ${locale} "${text.en}"`,
          )
        : [],
    );
    expect(untranslated).toEqual([]);
  });

  it('writes zh-TW texts in Chinese and with full-width punctuation', () => {
    const problems = texts.flatMap(({ where, text }) => {
      const zh = text?.['zh-TW'];
      if (!text || !zh) return [];
      const found: string[] = [];
      if (wordCount(text.en) > MAX_UNTRANSLATED_WORDS && !/\p{Script=Han}/u.test(zh) && !keptInEnglish(where, 'zh-TW')) {
        found.push(`${where}: no Chinese in "${zh}"`);
      }
      if (/[,;:]|\.$/.test(zh)) found.push(`${where}: half-width punctuation in "${zh}"`);
      return found;
    });
    expect(problems).toEqual([]);
  });
});

describe('the same text is translated the same way in every version', () => {
  it('gives one fr-FR and one zh-TW text to each English text', () => {
    const seen = new Map<string, string>();
    const conflicts: string[] = [];
    for (const version of program.versions)
      for (const { text } of versionTexts(version)) {
        if (!text || RETRANSLATED_BY_MICROSOFT.has(text.en)) continue;
        const translations = JSON.stringify(TRANSLATED.map((locale) => text[locale]));
        const earlier = seen.get(text.en);
        if (earlier !== undefined && earlier !== translations) conflicts.push(`${text.en}: ${earlier} / ${translations}`);
        seen.set(text.en, translations);
      }
    expect(conflicts).toEqual([]);
  });
});
