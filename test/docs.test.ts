/**
 * The requirement pages: the Markdown of every version in every locale
 * (file snapshots), no English left in the French and Chinese pages, the
 * standalone HTML page, and the structure of the seed pages.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { runDocs } from '../src/cli/commands/docs.js';
import type { CliIo } from '../src/cli/io.js';
import { UsageError } from '../src/cli/usage-error.js';
import { toHtmlPage } from '../src/docs/html.js';
import { renderRequirementsPage } from '../src/docs/requirements-page.js';
import type { LocalizedText, ProgramVersion, Requirement } from '../src/engine/index.js';
import { loadProgram } from '../src/files/program-files.js';
import { CATALOGS, LOCALES, translator, type Locale } from '../src/i18n/index.js';

const program = loadProgram();
const VERSIONS = ['2017-06-27', '2017-07-07', '2017-10-13', '2017-11-16', '2018-01-25'] as const;
const COMPETENCY = 'cloud-business-applications';
const TRANSLATED = ['fr-FR', 'zh-TW'] as const;

function version(date: string): ProgramVersion {
  const found = program.versions.find((v) => v.effectiveFrom === date);
  if (!found) throw new Error(`no version ${date}`);
  return found;
}

function page(date: string, locale: Locale): string {
  return renderRequirementsPage(version(date), COMPETENCY, translator(locale));
}

/** Words as a reader sees them: Markdown syntax and punctuation dropped, lower case. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** A text's words joined by single spaces and framed, so that `includes` matches whole words only. */
function wordText(text: string): string {
  return ` ${words(text).join(' ')} `;
}

/** The literal texts of an ICU message, placeholders removed: each run between two placeholders apart. */
function literals(message: string): string[] {
  const found: string[] = [];
  const walk = (elements: readonly MessageFormatElement[]): void => {
    for (const element of elements) {
      if (element.type === TYPE.literal) found.push(element.value);
      else if (element.type === TYPE.tag) walk(element.children);
      else if (element.type === TYPE.plural || element.type === TYPE.select) {
        for (const option of Object.values(element.options)) walk(option.value);
      }
    }
  };
  walk(parse(message, { ignoreTag: true }));
  return found;
}

/** Every run of three consecutive words of the English catalog (all namespaces). */
function englishRuns(): Map<string, string> {
  const runs = new Map<string, string>();
  for (const [key, message] of Object.entries(CATALOGS.en)) {
    for (const literal of literals(message)) {
      const w = words(literal);
      for (let i = 0; i + 3 <= w.length; i++) runs.set(w.slice(i, i + 3).join(' '), key);
    }
  }
  return runs;
}

/** The definition texts a page may show, by kind. */
function definitionTexts(v: ProgramVersion): { kind: string; text: LocalizedText }[] {
  const texts: { kind: string; text: LocalizedText }[] = [{ kind: 'program', text: v.name }];
  const requirement = (r: Requirement): void => {
    if (r.name) texts.push({ kind: 'requirement', text: r.name });
    if (r.kind === 'any-of') r.alternatives.forEach(requirement);
  };
  for (const competency of v.competencies) {
    texts.push({ kind: 'competency', text: competency.name });
    if (competency.description) texts.push({ kind: 'competency', text: competency.description });
    for (const option of competency.options) {
      texts.push({ kind: 'option', text: option.name });
      if (option.description) texts.push({ kind: 'option', text: option.description });
      for (const level of option.levels) {
        texts.push({ kind: 'level', text: level.name });
        level.requirements.forEach(requirement);
      }
    }
  }
  for (const market of v.markets) texts.push({ kind: 'market', text: market.name });
  for (const association of v.associationTypes.values()) texts.push({ kind: 'association', text: association.name });
  for (const exam of v.exams.values()) texts.push({ kind: 'exam', text: exam.title });
  for (const product of v.products.values()) texts.push({ kind: 'product', text: product.name });
  return texts;
}

describe('requirement pages', () => {
  for (const date of VERSIONS) {
    for (const locale of LOCALES) {
      it(`${date} in ${locale} matches its snapshot`, async () => {
        await expect(page(date, locale)).toMatchFileSnapshot(`./__snapshots__/requirements-${date}.${locale}.md`);
      });
    }
  }

  describe('no English sentence in the translated pages', () => {
    const runs = englishRuns();
    for (const date of VERSIONS) {
      for (const locale of TRANSLATED) {
        it(`${date} ${locale}: no three-word run of the English catalog`, () => {
          const text = wordText(page(date, locale));
          const found = [...runs].filter(([run]) => text.includes(` ${run} `)).map(([run, key]) => `${key}: "${run}"`);
          expect(found).toEqual([]);
        });

        it(`${date} ${locale}: no English definition text of four words or more`, () => {
          const v = version(date);
          const text = wordText(page(date, locale));
          const texts = definitionTexts(v);
          // An exam title or product name may keep its English words inside its own translation
          // ("Microsoft Dynamics 365 for Sales (ventes)"): those translations are taken out first.
          let outsideNames = text;
          for (const { kind, text: value } of texts) {
            if (kind !== 'exam' && kind !== 'product') continue;
            const own = wordText(value[locale] ?? value.en);
            if (own.trim() !== '') outsideNames = outsideNames.split(own).join(' | ');
          }
          const found = texts
            .filter(({ text: value }) => words(value.en).length >= 4)
            .filter(({ kind, text: value }) => (kind === 'exam' || kind === 'product' ? outsideNames : text).includes(wordText(value.en)))
            .map(({ kind, text: value }) => `${kind}: "${value.en}"`);
          expect([...new Set(found)]).toEqual([]);
        });
      }
    }
  });

  describe('structure', () => {
    for (const date of VERSIONS) {
      for (const locale of LOCALES) {
        it(`${date} in ${locale} has every option, level, market, threshold and exam`, () => {
          const v = version(date);
          const tr = translator(locale);
          const markdown = page(date, locale);
          const competency = v.competencies.find((c) => c.id === COMPETENCY)!;
          expect(markdown.startsWith(`# <a id="${COMPETENCY}"></a>${tr.text(competency.name)}\n`)).toBe(true);
          expect(markdown).toContain(tr.date(v.effectiveFrom));
          expect(competency.options.map((o) => o.id)).toEqual(['enterprise-customer-engagement', 'enterprise-operations']);
          for (const option of competency.options) {
            expect(markdown).toContain(`- [${tr.text(option.name)}](#${option.id})`);
            expect(markdown).toContain(`## <a id="${option.id}"></a>${tr.text(option.name)}\n`);
            expect(option.levels.map((l) => l.id)).toEqual(['silver', 'gold']);
            for (const level of option.levels) {
              expect(markdown).toContain(`### <a id="${option.id}-${level.id}"></a>${tr.text(level.name)}\n`);
              // Each level's section holds its markets, thresholds and exams.
              const start = markdown.indexOf(`<a id="${option.id}-${level.id}">`);
              const next = markdown.indexOf('\n#', start);
              const section = markdown.slice(start, next === -1 ? undefined : next);
              expect(section).toContain(`1. ${tr.t('docs.revenue.step')}`);
              for (const market of v.markets) {
                const heading = `    - **${tr.text(market.name)}**`;
                expect(section).toContain(heading);
                // The market's bullets end where the next item of the step starts.
                const thresholds = section.slice(section.indexOf(heading)).split('\n\n    - ')[0]!;
                for (const r of level.requirements) {
                  if (r.kind !== 'revenue') continue;
                  const cents = r.minimumCents.get(market.id);
                  // Whole thresholds as the pages write them: no cents; a market without one says so.
                  if (cents === undefined) expect(thresholds).toContain(tr.t('docs.market.noThreshold'));
                  else
                    expect(thresholds).toContain(
                      tr.t('docs.amount', { amount: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(cents / 100) }),
                    );
                }
              }
              const dpor = v.associationTypes.get('DPOR')!;
              expect(section).toContain(`- ${tr.t('docs.association.required', { association: tr.text(dpor.name) })}`);
              expect(section).toContain(`(${dpor.link})`);
              const exams = level.requirements.flatMap((r) =>
                (r.kind === 'any-of' ? r.alternatives : [r]).flatMap((a) => (a.kind === 'certified-people' ? a.examSets : [])),
              );
              expect(exams.length).toBeGreaterThan(0);
              for (const id of exams.flatMap((set) => set.exams)) {
                const exam = v.exams.get(id)!;
                expect(section).toContain(`- [${id}](${exam.link})`);
                expect(section).toContain(tr.text(exam.title));
              }
            }
          }
        });
      }
    }

    it('states the DPOR association, the people counts and the exam sets as the seed page does', () => {
      const en = page('2017-07-07', 'en');
      expect(en).toContain('- These customers must associate you as their Digital Partner of Record.');
      expect(en).toContain(
        '- [Learn more](https://partner.microsoft.com/en-us/membership/digital-partner-of-record) about these associations.',
      );
      // "at least", as the localized pages of 2017-10-13 put it (../shared/glossary-official-terms.md).
      expect(en).toContain('2. Your organization must have at least **5** individuals pass the exam requirements.');
      expect(en).toContain('2. Your organization must have at least **15** individuals pass the exam requirements.');
      expect(en).toContain('- **5** individuals must pass all the following exams:');
      expect(en).toContain('- The same **5** individuals must pass one of the following exams:');
      expect(en).toContain('**AND**');
      expect(en).toContain('Dynamics 365 Enterprise Plan 1 with its component apps');
      expect(en).toContain(
        '- [MB2-715](https://www.microsoft.com/en-us/learning/exam-mb2-715.aspx): Microsoft Dynamics 365 customer engagement Online Deployment',
      );

      const zh = page('2017-07-07', 'zh-TW');
      expect(zh).toContain('您的組織至少必須有 **5** 個人員通過測驗要求條件。');
      expect(zh).toContain('這些客戶必須將您當做「有記錄可查的數位合作夥伴」納入關聯。');
      expect(zh).toContain('上述的那 **5** 個人員必須通過下列其中一項測驗：');
      const fr = page('2017-07-07', 'fr-FR');
      expect(fr).toContain('Pour ces clients, vous devez être associé en tant que Partenaire de référence numérique.');
      expect(fr).toContain('de nouvelles recettes nettes');

      const later = page('2017-10-13', 'en');
      expect(later).toContain('- The same or different **5** individuals must pass one of the following exams:');
      expect(later).toContain('2. Either of the following:');
      expect(later).toContain('**OR**');
      expect(later).toContain(
        `retires on ${translator('en').date('2017-12-31')}; passes count until ${translator('en').date('2018-12-31')}`,
      );
    });
  });

  describe('HTML page', () => {
    for (const locale of LOCALES) {
      it(`is a standalone document in ${locale}`, () => {
        const tr = translator(locale);
        const v = version('2017-10-13');
        const title = tr.text(v.competencies[0]!.name);
        const html = toHtmlPage(page('2017-10-13', locale), { title, locale });
        expect(html.startsWith('<!doctype html>\n')).toBe(true);
        expect(html).toContain(`<html lang="${locale}">`);
        expect(html).toContain('<meta charset="utf-8">');
        expect(html).toContain(`<title>${title}</title>`);
        expect(html).toMatch(/<style>[^<]*max-width[^<]*<\/style>/);
        expect(html).not.toMatch(/<link\b/i);
        expect(html).not.toMatch(/<script\b/i);
        expect(html).not.toMatch(/@import|url\(/i);
        expect(html).not.toMatch(/\bsrc=/i);
        expect(html).toContain('<h1><a id="cloud-business-applications"></a>');
        for (const exam of v.exams.values()) expect(html).toContain(`<a href="${exam.link}">${exam.id}</a>`);
        expect(html).toContain('<a href="https://partner.microsoft.com/en-us/membership/digital-partner-of-record">');
        expect(html).toContain('<strong>');
        expect(html).not.toContain('**');
      });
    }
  });
});

describe('attain docs', () => {
  const out: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: () => {}, env: {}, now: () => new Date(Date.UTC(2017, 11, 1, 12)) };
  const dir = mkdtempSync(join(tmpdir(), 'attain-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the page of the version in force today, the first competency by default', () => {
    out.length = 0;
    runDocs({ locale: 'en', format: 'md' }, io);
    expect(out.join('')).toBe(page('2017-11-16', 'en'));
  });

  it('takes the version in force on --as-of, or the one --program-version names', () => {
    out.length = 0;
    runDocs({ locale: 'fr-FR', format: 'md', asOf: '2017-08-01' }, io);
    runDocs({ locale: 'zh-TW', format: 'md', asOf: '2017-12-01', programVersion: '2017-07-07', competency: COMPETENCY }, io);
    expect(out).toEqual([page('2017-07-07', 'fr-FR'), page('2017-07-07', 'zh-TW')]);
  });

  it('writes HTML to --out, creating its folder', () => {
    const file = join(dir, 'nested', 'folder', 'page.html');
    out.length = 0;
    runDocs({ locale: 'zh-TW', format: 'html', out: file }, io);
    expect(out).toEqual([]);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<html lang="zh-TW">');
    expect(html).toContain('<title>雲端商務應用程式</title>');
  });

  it.each([
    [{ competency: 'cloud-platform' }, '--competency', 'cloud-business-applications'],
    [{ programVersion: '2017-08-01' }, '--program-version', '2017-06-27, 2017-07-07, 2017-10-13, 2017-11-16, 2018-01-25'],
    [{ programVersion: 'July' }, '--program-version', 'YYYY-MM-DD'],
    [{ asOf: '2017-02-30' }, '--as-of', 'YYYY-MM-DD'],
    [{ asOf: '2016-01-01' }, '--as-of', '2017-06-27'],
  ])('refuses %j as a usage error', (options, record, mentions) => {
    let error: unknown;
    try {
      runDocs({ locale: 'en', format: 'md', ...options }, io);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const problems = (error as UsageError).problems;
    expect(problems.map((p) => p.record)).toEqual([record]);
    expect(problems[0]!.message).toContain(mentions);
  });
});
