/**
 * The levels batch (`evaluateLevels`): every partner's level of each option, revenue per scope and qualifying
 * people per qualification in typed arrays, as the partner list reads them. It must say exactly what the report
 * says (`evaluate`: each option's `level`, and the measures its requirements are judged on), on random datasets
 * and dates under both versions, on a generated population where every level is reached, for a subset of
 * partners in the order asked, and fail the same way on a sum beyond the exact range.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeable } from '../src/app/data.js';
import {
  columnsOf,
  evaluate,
  evaluateLevels,
  MAX_EXACT_CENTS,
  centsToDecimalText,
  measurePartner,
  prepareColumns,
  SumOutOfRangeError,
  ttmWindow,
  validateDataset,
  type IsoDate,
  type LevelsBatch,
  type PreparedData,
  type ProgramVersion,
} from '../src/engine/index.js';
import { generateColumns } from '../src/generate/index.js';
import { formatProblem } from '../src/i18n/index.js';
import {
  CE,
  CE_EXAMS,
  certifiedPeople,
  customer,
  dpor,
  exampleWithLines,
  line,
  partner,
  program,
  programHistory,
  revision,
} from './support/builders.js';
import { datasetArbitraryFor, REVISION_POPULATION, SEED_POPULATION } from './support/random-datasets.js';

/** The batch as plain rows, one per partner: what the report says of the same partners, below. */
function batchRows(prepared: PreparedData, batch: LevelsBatch) {
  const scopes = prepared.program.revenueScopes.length;
  const qualifications = prepared.program.qualifications.length;
  return Array.from(batch.partners, (p, k) => ({
    partnerId: prepared.partnerIds[p]!,
    levels: batch.options.map((o, i) => {
      const level = batch.level[k * batch.options.length + i]!;
      return `${o.competency}/${o.option}: ${level < 0 ? 'none' : o.levels[level]}`;
    }),
    scopeCents: [...batch.scopeCents.subarray(k * scopes, (k + 1) * scopes)],
    qualifiedPeople: [...batch.qualifiedPeople.subarray(k * qualifications, (k + 1) * qualifications)],
  }));
}

function reportRows(prepared: PreparedData, asOf: IsoDate, partnerIds?: readonly string[]) {
  const report = evaluate(prepared, { asOf, partnerIds, evidence: false });
  return report.partners.map((p) => {
    const measures = measurePartner(prepared, prepared.partnerIndex.get(p.partnerId)!, ttmWindow(asOf), { evidence: false });
    return {
      partnerId: p.partnerId,
      levels: p.competencies.flatMap((c) => c.options.map((o) => `${c.competency}/${o.option}: ${o.level ?? 'none'}`)),
      scopeCents: [...measures.scopeCents],
      qualifiedPeople: measures.qualifiedPeople.map((people) => people.length),
    };
  });
}

describe('the levels batch says what the report says', () => {
  const cases: [string, ProgramVersion, typeof SEED_POPULATION][] = [
    ['the seed version', program, SEED_POPULATION],
    ['the revision', revision, REVISION_POPULATION],
  ];
  for (const [name, version, population] of cases) {
    it(`on random datasets and dates, every partner or some in any order, under ${name}`, () => {
      const asOfArbitrary = fc
        .integer({ min: population.firstDay - 30, max: population.lastDay + 400 })
        .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10) as IsoDate);
      fc.assert(
        fc.property(datasetArbitraryFor(population), asOfArbitrary, fc.boolean(), fc.boolean(), ({ raw }, asOf, whole, some) => {
          const validated = validateDataset(raw, programHistory);
          if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
          const columns = columnsOf(validated.value);
          const prepared = whole ? prepareColumns(version, columns) : prepareColumns(version, columns, { window: ttmWindow(asOf) });
          const partnerIds = some ? [...columns.partners.ids].reverse().filter((_, i) => i % 2 === 0) : undefined;
          const batch = evaluateLevels(prepared, { asOf, partnerIds });
          expect(batch.asOf).toBe(asOf);
          expect(batchRows(prepared, batch)).toEqual(reportRows(prepared, asOf, partnerIds));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('on a generated population, where partners reach every level of every option', () => {
    const columns = generateColumns(programHistory, { partners: 400, seed: 5 });
    for (const asOf of ['2017-12-31', '2018-06-30'] as IsoDate[]) {
      const prepared = prepareColumns(revision, columns, { window: ttmWindow(asOf) });
      const rows = batchRows(prepared, evaluateLevels(prepared, { asOf }));
      expect(rows).toEqual(reportRows(prepared, asOf));
      const reached = new Set(rows.flatMap((r) => r.levels));
      for (const option of revision.competencies.flatMap((c) => c.options.map((o) => `${c.id}/${o.id}`)))
        for (const level of ['none', 'silver', 'gold']) expect(reached, `${option}: ${level}`).toContain(`${option}: ${level}`);
    }
  });

  it('at the edges: the threshold exactly and the people exactly are met, a cent or a person less is not, in both markets', () => {
    const cases = [
      { country: 'US', silver: 100000, gold: 300000 },
      { country: 'IN', silver: 50000, gold: 150000 },
    ].flatMap(({ country, silver, gold }) => [
      { id: `${country}-silver`, country, usd: silver, people: 5, expected: 'silver' },
      { id: `${country}-silver-cent-less`, country, usd: silver - 0.01, people: 5, expected: 'none' },
      { id: `${country}-silver-person-less`, country, usd: silver, people: 4, expected: 'none' },
      { id: `${country}-gold`, country, usd: gold, people: 15, expected: 'gold' },
      { id: `${country}-gold-cent-less`, country, usd: gold - 0.01, people: 15, expected: 'silver' },
      { id: `${country}-gold-person-less`, country, usd: gold, people: 14, expected: 'silver' },
    ]);
    const raw = {
      partners: cases.map((c) => partner(c.id, c.country)),
      customers: cases.map((c) => customer(`C-${c.id}`, c.country)),
      associations: cases.map((c) => dpor(`C-${c.id}`, c.id, '2010-01-01')),
      revenue: cases.map((c) =>
        line({ customerId: `C-${c.id}`, product: 'D365-ENTERPRISE-PLAN-1', date: '2017-01-15', amount: c.usd.toFixed(2) }),
      ),
      people: [] as unknown[],
      examPasses: [] as unknown[],
    };
    for (const c of cases) {
      const { people, examPasses } = certifiedPeople(c.id, c.id, c.people, CE_EXAMS);
      raw.people.push(...people);
      raw.examPasses.push(...examPasses);
    }
    const validated = validateDataset(raw, programHistory);
    if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
    const asOf = '2017-07-07' as IsoDate;
    const prepared = prepareColumns(program, columnsOf(validated.value));
    const rows = batchRows(prepared, evaluateLevels(prepared, { asOf }));
    expect(rows).toEqual(reportRows(prepared, asOf));
    const option = program.competencies.flatMap((c) => c.options.map((o) => `${c.id}/${o.id}`)).find((o) => o.endsWith(`/${CE}`))!;
    expect(rows.map((r) => [r.partnerId, r.levels.find((l) => l.startsWith(`${option}:`))])).toEqual(
      cases.map((c) => [c.id, `${option}: ${c.expected}`]),
    );
  });

  it('refuses an unknown partner and a date that is not one, as evaluate does', () => {
    const columns = generateColumns(programHistory, { partners: 3, seed: 1 });
    const prepared = prepareColumns(program, columns);
    expect(() => evaluateLevels(prepared, { asOf: '2017-12-31' as IsoDate, partnerIds: ['P-NOBODY'] })).toThrow(
      'partner "P-NOBODY" is not in the dataset',
    );
    expect(() => evaluateLevels(prepared, { asOf: '2017-02-30' as IsoDate })).toThrow(RangeError);
  });

  it('fails on a sum beyond the exact range with the error of the report, naming the partner and the requirement', () => {
    const data = judgeable(exampleWithLines([centsToDecimalText(MAX_EXACT_CENTS), '1']), programHistory, 'data.json');
    if (!data.ok) throw new Error(JSON.stringify(data.problems));
    const asOf = '2017-07-07' as IsoDate;
    const prepared = prepareColumns(program, columnsOf(data.value.dataset));
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      throw new Error('no error');
    };
    const fromBatch = thrown(() => evaluateLevels(prepared, { asOf }));
    expect(fromBatch).toBeInstanceOf(SumOutOfRangeError);
    expect(fromBatch).toEqual(thrown(() => evaluate(prepared, { asOf, evidence: false })));
    expect((fromBatch as SumOutOfRangeError).problem).toMatchObject({ code: 'sumOutOfRange', values: { partner: 'P-CONTOSO' } });
  });
});
