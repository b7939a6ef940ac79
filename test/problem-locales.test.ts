/**
 * Input problems in every locale: a French or Taiwanese program manager gets
 * the same problems as an English one, worded from the `problem` catalog, with
 * the values (fields, quoted values, record labels, dates) carried over as they are.
 */
import { describe, expect, it } from 'vitest';
import { compileProgramVersion, SCHEMA_CODES, type Problem } from '../src/engine/index.js';
import { CATALOGS, formatProblem, LOCALES, translator, wordProblem, type WordedProblem } from '../src/i18n/index.js';
import { customer, dpor, line, partner, person, problemsOf } from './support/builders.js';

const en = translator('en');
const fr = translator('fr-FR');
const zh = translator('zh-TW');

/** A dataset wrong in many ways: shapes, formats, references, currencies, an overlapping DPOR association. */
const datasetProblems = problemsOf({
  partners: [partner('P1'), partner('P2', 'ZZ'), { id: 'P3', name: 5, country: 'US' }],
  customers: [customer('C1'), { id: '', name: 'Customer', country: 'US', extra: 1 }, { id: 'C3', name: 'Customer C3' }],
  associations: [dpor('C1', 'P1', '2017-01-01'), dpor('C1', 'P2', '2017-03-01', '2017-06-30')],
  revenue: [
    line({ id: 'R-88', customerId: 'C1', product: 'D365-SALES', date: '2017-01-15', amount: 100, currency: 'EURO' }),
    { ...line({ id: 'R-89', customerId: 'C1', product: 'D365-SALES', date: '2017-02-30', amount: 100 }), amount: true },
    line({ id: 'R-90', customerId: 'C9', product: 'D365-MARKETING', date: '2017-01-15', amount: '12,5' }),
  ],
  people: [person('A', 'P1'), person('A', 'P1')],
  examPasses: [{ personId: 'NOBODY', exam: 'MB2-715', date: '2017-01-01' }],
  fxRates: [{ currency: 'EUR', month: '2017-13', usdPerUnit: 1.1 }],
});

/** A definition wrong in as many ways, caught by its schema. */
const definitionProblems = (() => {
  const compiled = compileProgramVersion({
    id: 'bad id',
    name: { en: 'Program' },
    effectiveFrom: '2017-02-30',
    markets: [],
    countries: { usa: 'developed' },
    associationTypes: [{ id: 'DPOR', name: { en: 'DPOR' } }],
    products: [{ id: 'P', name: { en: 'Product' } }],
    exams: [{ id: 'E1', title: { en: 'Exam' } }],
    competencies: [
      {
        id: 'c',
        name: { en: 'Competency' },
        options: [
          { id: 'o', name: { en: 'Option' }, levels: [{ id: 'l', name: { en: 'Level' }, requirements: [{ id: 'r', kind: 'bogus' }] }] },
        ],
      },
    ],
    colour: 'blue',
  });
  return compiled.ok ? [] : compiled.problems;
})();

/** The record as a whole is wrong: the catalog words "record" too. */
const wholeRecordProblems = (() => {
  const compiled = compileProgramVersion('program.yaml');
  return compiled.ok ? [] : compiled.problems;
})();

// Worded in English, as a shell hands them on: the engine's problems are data without words.
const problems: WordedProblem[] = [...datasetProblems, ...definitionProblems, ...wholeRecordProblems].map((p) => wordProblem(p));
const codes = [...new Set(problems.map((p) => p.code))].sort();

function only(code: string, record?: string): Problem {
  const found = problems.filter((p) => p.code === code && (record === undefined || p.record === record));
  expect(found, code).toHaveLength(1);
  return found[0]!;
}

describe('problems in every locale', () => {
  it('come from many codes', () => {
    expect(codes).toEqual(
      expect.arrayContaining([
        'associationOverlap',
        'duplicateId',
        'empty',
        'missing',
        'notCalendarDate',
        'notCountryCode',
        'notCurrencyCode',
        'notDecimalNumber',
        'notId',
        'notMarketCountry',
        'notMonth',
        'notProgramProduct',
        'notRequirementKind',
        'numberOrDecimalText',
        'tooFewEntries',
        'unknownField',
        'unknownReference',
        'wrongType',
      ]),
    );
  });

  it('use codes every catalog has', () => {
    for (const locale of LOCALES) {
      expect(
        codes.filter((code) => CATALOGS[locale][`problem.${code}`] === undefined),
        locale,
      ).toEqual([]);
    }
  });

  it('include the codes schemas give as errors, which every catalog words', () => {
    for (const locale of LOCALES) {
      expect(
        [...SCHEMA_CODES].filter((code) => CATALOGS[locale][`problem.${code}`] === undefined),
        locale,
      ).toEqual([]);
    }
  });

  it('keep their English message as the en catalog words it', () => {
    for (const p of problems) {
      expect(p.message).toBe(en.t(`problem.${p.code}`, p.values));
      expect(formatProblem(p, en)).toBe(formatProblem(p));
      expect(formatProblem(p)).toBe(`${p.record}: ${p.message}`);
    }
  });

  it.each([
    ['fr-FR', fr],
    ['zh-TW', zh],
  ] as const)('are worded in full in %s', (_locale, tr) => {
    for (const p of problems) {
      const shown = formatProblem(p, tr);
      expect(shown.startsWith(`${p.record}: `)).toBe(true);
      expect(shown, p.code).not.toBe(formatProblem(p));
      // No English wording left: only the values (fields, quoted values, labels) are shared.
      expect(shown.slice(p.record.length + 2), p.code).not.toMatch(/\b(must|is not|is missing|does not|record|entry|entries|open)\b/);
    }
  });
});

describe('representative problems, word for word', () => {
  it('a currency that is not an ISO 4217 code', () => {
    const p = only('notCurrencyCode');
    expect(formatProblem(p)).toBe('revenue[0] (id R-88): currency "EURO" is not an ISO 4217 code');
    expect(formatProblem(p, fr)).toBe('revenue[0] (id R-88): currency "EURO" n’est pas un code ISO 4217');
    expect(formatProblem(p, zh)).toBe('revenue[0] (id R-88): currency "EURO" 不是 ISO 4217 代碼');
  });

  it('a reference to a person the dataset does not have', () => {
    const p = only('unknownReference', 'examPasses[0]');
    expect(formatProblem(p)).toBe('examPasses[0]: personId "NOBODY" does not name a person of the dataset');
    expect(formatProblem(p, fr)).toBe('examPasses[0]: personId "NOBODY" ne désigne aucune personne du jeu de données');
    expect(formatProblem(p, zh)).toBe('examPasses[0]: personId "NOBODY" 並未指向資料集中的任何人員');
  });

  it('overlapping DPOR associations, one without an end', () => {
    const p = only('associationOverlap');
    expect(formatProblem(p)).toBe(
      'associations[1]: DPOR association of customer "C1" with partner "P2" (2017-03-01 to 2017-06-30) overlaps associations[0] (partner "P1", 2017-01-01 to open)',
    );
    expect(formatProblem(p, fr)).toBe(
      'associations[1]: l’association de partenaire de référence numérique (DPOR) du client "C1" avec le partenaire "P2" (du 2017-03-01 au 2017-06-30) chevauche associations[0] (partenaire "P1", du 2017-01-01 sans date de fin)',
    );
    expect(formatProblem(p, zh)).toBe(
      'associations[1]: 客戶 "C1" 與合作夥伴 "P2" 之間的有記錄可查的數位合作夥伴 (DPOR) 關聯（2017-03-01 至 2017-06-30）與 associations[0]（合作夥伴 "P1"，2017-01-01 起，無結束日期）重疊',
    );
  });

  it('a value of the wrong kind, and a definition that is not even a mapping', () => {
    const name = only('wrongType', 'partners[2] (id P3)');
    expect(formatProblem(name)).toBe('partners[2] (id P3): name must be a text, not a number');
    expect(formatProblem(name, fr)).toBe('partners[2] (id P3): name doit être un texte, et non un nombre');
    expect(formatProblem(name, zh)).toBe('partners[2] (id P3): name 必須是文字，而不是數字');
    const whole = only('wrongType', 'definition');
    expect(formatProblem(whole)).toBe('definition: record must be an object, not a text');
    expect(formatProblem(whole, fr)).toBe('definition: l’enregistrement doit être un objet, et non un texte');
    expect(formatProblem(whole, zh)).toBe('definition: 記錄必須是物件，而不是文字');
  });

  it('counts in plural forms', () => {
    const p = only('tooFewEntries');
    expect(formatProblem(p)).toBe('definition: markets must have at least 1 entry');
    expect(formatProblem(p, fr)).toBe('definition: markets doit avoir au moins 1 entrée');
    expect(formatProblem(p, zh)).toBe('definition: markets 至少必須有 1 個項目');
    const two = { ...p, values: { ...p.values, minimum: 2 } };
    expect(en.t(`problem.${p.code}`, two.values)).toBe('markets must have at least 2 entries');
    expect(formatProblem(two, fr)).toBe('definition: markets doit avoir au moins 2 entrées');
  });
});
