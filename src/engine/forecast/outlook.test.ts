import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CE,
  CE_EXAMS,
  OPS,
  OPS_EXAMS,
  certifiedPeople,
  customer,
  dataset,
  day,
  dpor,
  line,
  partner,
  program,
  programHistory,
  revision,
} from '../../../test/support/builders.js';
import { datasetArbitraryFor, REVISION_POPULATION, SEED_POPULATION } from '../../../test/support/random-datasets.js';
import { readJsonFile } from '../../files/dataset-file.js';
import { formatProblem } from '../../i18n/index.js';
import { dayNumberOf, isoDateOf, type IsoDate } from '../calendar.js';
import type { Dataset } from '../dataset/model.js';
import { validateDataset } from '../dataset/validate.js';
import { columnsOf } from '../evaluation/columns.js';
import { evaluate, judgePartner, measurePartner } from '../evaluation/evaluate.js';
import { NEVER, prepare } from '../evaluation/prepare.js';
import { ColumnsProgram, PreparedProgram, type VersionedData } from '../evaluation/prepared-program.js';
import type { RequirementEvaluation } from '../evaluation/report.js';
import type { ProgramVersion } from '../program/model.js';
import { ttmWindow } from '../rules/ttm-window.js';
import { forecastPartner } from './forecast.js';
import { outlookOf, type OptionOutlook } from './outlook.js';

function validated(raw: unknown): Dataset {
  const result = validateDataset(raw, programHistory);
  if (!result.ok) throw new Error(result.problems.map((p) => formatProblem(p)).join('\n'));
  return result.value;
}

function outlook(raw: ReturnType<typeof dataset>, asOf: string, option: string, forced?: ProgramVersion): OptionOutlook {
  const data = new PreparedProgram(programHistory, validated(raw), forced);
  return outlookOf(data, data.partnerIndex('P')!, day(asOf)).options.find((o) => o.option === option)!;
}

const sale = (date: string, amount: number | string, product = 'D365-SALES') => line({ customerId: 'C', product, date, amount });

function ce(lines: ReturnType<typeof line>[], people = 5, country = 'US') {
  return dataset({
    partners: [partner('P', country)],
    customers: [customer('C')],
    associations: [dpor('C', 'P', '2015-01-01')],
    revenue: lines,
    ...certifiedPeople('P', 'p', people, CE_EXAMS),
  });
}

describe('the outlook of an option', () => {
  it('just met: Silver held, Gold the next level, its largest shortfall the first of equal ratios', () => {
    // $100,000 and 5 people: Gold needs $300,000 (200,000 short, 2/3) and 15 people (10 short, 2/3).
    expect(outlook(ce([sale('2017-01-01', '100000.00')]), '2017-07-07', CE, program)).toEqual({
      competency: 'cloud-business-applications',
      option: CE,
      level: 'silver',
      next: {
        level: 'gold',
        largestShortfall: { requirement: 'net-new-revenue', kind: 'revenue', shortfall: 200000, required: 300000, ratio: 2 / 3 },
        revenueShortfall: 200000,
      },
      lapse: { date: '2018-01-01', levelAfter: null },
    });
  });

  it('one cent short: no level, Silver next, a cent of revenue to close', () => {
    const o = outlook(ce([sale('2017-01-01', '99999.99')]), '2017-07-07', CE, program);
    expect(o.level).toBeNull();
    expect(o.lapse).toBeNull();
    expect(o.next).toEqual({
      level: 'silver',
      largestShortfall: { requirement: 'net-new-revenue', kind: 'revenue', shortfall: 0.01, required: 100000, ratio: 1 / 10_000_000 },
      revenueShortfall: 0.01,
    });
  });

  it('the largest shortfall is the one furthest from its own requirement, whatever its unit', () => {
    // Gold: $290,000 of $300,000 (1/30 short) and 5 of 15 people (2/3 short): people first.
    const o = outlook(ce([sale('2017-01-01', 290000)]), '2017-07-07', CE, program);
    expect(o.next?.largestShortfall).toEqual({
      requirement: 'certified-people',
      kind: 'certified-people',
      shortfall: 10,
      required: 15,
      ratio: 2 / 3,
    });
    expect(o.next?.revenueShortfall).toBe(10000);
  });

  it('the top level has no next level', () => {
    const raw = dataset({ ...ce([sale('2017-01-01', 300000)]), ...certifiedPeople('P', 'p', 15, CE_EXAMS) });
    expect(outlook(raw, '2017-07-07', CE, program)).toMatchObject({
      level: 'gold',
      next: null,
      lapse: { date: '2018-01-01', levelAfter: null },
    });
  });

  it('adds the revenue shortfalls in cents, exactly', () => {
    // Operations Silver: (a) all revenue ≥ $100,000, (b) net new ≥ $25,000.
    const raw = dataset({
      partners: [partner('P')],
      customers: [customer('C')],
      associations: [dpor('C', 'P', '2015-01-01')],
      revenue: [
        line({ customerId: 'C', product: 'AX-2012-ON-PREMISE', date: '2017-01-01', amount: '75000.10', netNew: false }),
        line({ customerId: 'C', product: 'D365-OPERATIONS', date: '2017-01-01', amount: '24999.80' }),
      ],
      ...certifiedPeople('P', 'p', 5, OPS_EXAMS),
    });
    // (a) 99,999.90: 0.10 short; (b) 24,999.80: 0.20 short. 0.1 + 0.2 in floating point would be 0.30000000000000004.
    const o = outlook(raw, '2017-07-07', OPS, program);
    expect(o.level).toBeNull();
    expect(o.next?.revenueShortfall).toBe(0.3);
    expect(o.next?.largestShortfall).toMatchObject({ requirement: 'net-new-revenue', shortfall: 0.2, required: 25000, ratio: 0.2 / 25000 });
  });

  it('an any-of requirement counts by its closest alternative', () => {
    // The revision's Operations people: 3 on the Finance and Operations path (2 short), 4 on the AX 2012 path (1 short).
    const raw = dataset({
      partners: [partner('P')],
      customers: [customer('C')],
      associations: [dpor('C', 'P', '2015-01-01')],
      revenue: [line({ customerId: 'C', product: 'D365-OPERATIONS', date: '2017-11-01', amount: 100000 })],
      people: [],
      examPasses: [],
    });
    const fo = certifiedPeople('P', 'fo', 3, ['MB6-894', '70-534', 'MB6-895'], '2017-11-01');
    const ax = certifiedPeople('P', 'ax', 4, ['MB6-705', ...OPS_EXAMS], '2017-06-01');
    const o = outlook(
      { ...raw, people: [...fo.people, ...ax.people], examPasses: [...fo.examPasses, ...ax.examPasses] },
      '2017-12-01',
      OPS,
      revision,
    );
    expect(o.next?.largestShortfall).toEqual({
      requirement: 'certified-people',
      alternative: 'ax-2012',
      kind: 'certified-people',
      shortfall: 1,
      required: 5,
      ratio: 0.2,
    });
    expect(o.next?.revenueShortfall).toBe(0);
  });

  it('no threshold published for the market: the largest shortfall cannot be closed, no revenue amount is given', () => {
    // The page of 2017-06-27 published developed-market thresholds only: a partner in India attains no level.
    const o = outlook(ce([sale('2017-01-01', 900000)], 5, 'IN'), '2017-07-01', CE);
    expect(o).toEqual({
      competency: 'cloud-business-applications',
      option: CE,
      level: null,
      next: {
        level: 'silver',
        largestShortfall: {
          requirement: 'net-new-revenue',
          kind: 'revenue',
          shortfall: null,
          required: null,
          ratio: null,
          reason: 'no-threshold-published',
        },
        revenueShortfall: null,
      },
      lapse: null,
    });
  });

  it('a level held past a line leaving lapses when the line dated on the as-of date leaves', () => {
    // As of 2017-07-07: 105,000 - 5,000 = 100,000. 2018-01-01: the credit leaves, 105,000. 2018-07-07: the line of the as-of date leaves.
    const raw = ce([sale('2017-01-01', -5000), sale('2017-07-07', 105000)]);
    expect(outlook(raw, '2017-07-07', CE, program).lapse).toEqual({ date: '2018-07-07', levelAfter: null });
  });

  it('a level held past a line leaving lapses the day passes stop counting (AX 2012 exams, accepted until 2018-12-31)', () => {
    const raw = dataset({
      partners: [partner('P')],
      customers: [customer('C')],
      associations: [dpor('C', 'P', '2015-01-01')],
      revenue: [
        line({ customerId: 'C', product: 'D365-OPERATIONS', date: '2017-08-01', amount: 10000 }),
        line({ customerId: 'C', product: 'D365-OPERATIONS', date: '2018-06-01', amount: 100000 }),
      ],
      ...certifiedPeople('P', 'ax', 5, ['MB6-705', ...OPS_EXAMS], '2017-06-01'),
    });
    // Judged by the page of 2017-10-13 throughout: 2018-08-01 the first line leaves (100,000 remain); 2019-01-01 the people go.
    expect(outlook(raw, '2018-07-01', OPS, revision).lapse).toEqual({ date: '2019-01-01', levelAfter: null });
  });

  it('the lapse crosses versions as the forecast does (Plan 2 stops counting for Customer Engagement on 2017-10-13)', () => {
    const o = outlook(ce([sale('2017-06-01', 100000, 'D365-ENTERPRISE-PLAN-2')]), '2017-07-07', CE);
    expect(o.lapse).toEqual({ date: '2017-10-13', levelAfter: null });
  });
});

const EXAMPLE = validated(readJsonFile('examples/cloud-business-applications.json'));
const DATES = ['2017-06-27', '2017-07-07', '2017-09-30', '2017-10-13', '2017-11-15', '2018-01-01', '2018-08-31', '2019-01-01'].map(day);

/** The outlook the forecast and the evaluation give: the facts outlookOf must agree with. */
function expectAgreement(data: VersionedData, dataset: Dataset, asOf: IsoDate, forced?: ProgramVersion): void {
  const version = forced ?? data.on(asOf)!.program;
  const report = evaluate(prepare(version, dataset), { asOf, evidence: false });
  for (const [p, evaluation] of report.partners.entries()) {
    const outlook = outlookOf(data, p, asOf);
    const forecast = forecastPartner(data, evaluation.partnerId, asOf);
    expect(outlook.partnerId).toBe(evaluation.partnerId);
    const options = evaluation.competencies.flatMap((c) => c.options.map((o) => ({ competency: c.competency, ...o })));
    expect(outlook.options.map((o) => [o.competency, o.option, o.level])).toEqual(options.map((o) => [o.competency, o.option, o.level]));
    const byDay = dayByDay(data, p, asOf, outlook.options);
    outlook.options.forEach((o, i) => {
      const lapse = forecast.options[i]!.lapse;
      const where = `${evaluation.partnerId} ${o.option} as of ${asOf}`;
      expect(o.lapse, where).toEqual(lapse && { date: lapse.date, levelAfter: lapse.levelAfter });
      expect(o.lapse, where).toEqual(byDay[i]);
      const evaluated = options[i]!;
      const held = evaluated.level === null ? -1 : evaluated.levels.findIndex((l) => l.level === evaluated.level);
      const next = evaluated.levels[held + 1];
      if (!next) {
        expect(o.next).toBeNull();
        return;
      }
      expect(o.next?.level).toBe(next.level);
      expect(o.next?.largestShortfall).toEqual(largestOf(next.requirements));
      expect(o.next?.revenueShortfall).toBe(revenueOf(next.requirements));
    });
  }
}

/**
 * The lapse found the slow way, independently of the change dates the
 * forecast looks at: the partner judged on every day after the as-of date,
 * with nothing dated after it, until every level held has lapsed or nothing
 * can change any more (every line gone from the window, every version in
 * force, every exam's acceptance over).
 */
function dayByDay(data: VersionedData, partner: number, asOf: IsoDate, options: readonly OptionOutlook[]) {
  const asOfDay = dayNumberOf(asOf);
  const versions = data.program.versions.map((v) => data.of(v));
  const horizon = Math.max(
    asOfDay + 367,
    ...data.switchesAfter(asOf).map((d) => dayNumberOf(d)),
    ...versions.flatMap((v) => [...v.examAcceptedUntil].filter((d) => d !== NEVER).map((d) => d + 1)),
  );
  const found: ({ date: IsoDate; levelAfter: string | null } | null)[] = options.map(() => null);
  const pending = new Set(options.flatMap((o, i) => (o.level === null ? [] : [i])));
  for (let day = asOfDay + 1; day <= horizon && pending.size > 0; day++) {
    const date = isoDateOf(day);
    const prepared = data.on(date)!;
    const judged = judgePartner(prepared, measurePartner(prepared, partner, ttmWindow(date), { evidence: false, knownUntil: asOfDay }));
    const now = judged.competencies.flatMap((c) => c.options.map((o) => ({ competency: c.competency, ...o })));
    for (const i of pending) {
      const { competency, option, level } = options[i]!;
      const o = now.find((n) => n.competency === competency && n.option === option);
      if (o?.levels.find((l) => l.level === level)?.met) continue;
      found[i] = { date, levelAfter: o?.level ?? null };
      pending.delete(i);
    }
  }
  return found;
}

/** From the report's figures (an any-of's are its closest alternative's): the unmet requirement with the largest shortfall ÷ required. */
function largestOf(requirements: readonly RequirementEvaluation[]) {
  const shown = requirements
    .filter((r) => !r.met)
    .map((r) => {
      const alternative = r.kind === 'any-of' ? r.alternatives.find((a) => a.id === r.closest)! : undefined;
      const single = alternative ?? (r as Exclude<RequirementEvaluation, { kind: 'any-of' }>);
      const ratio =
        single.required === null || single.shortfall === null
          ? null
          : single.required === 0
            ? 1
            : single.kind === 'revenue'
              ? Math.round(single.shortfall * 100) / Math.round(single.required * 100)
              : single.shortfall / single.required;
      return {
        requirement: r.id,
        ...(alternative ? { alternative: alternative.id } : {}),
        kind: single.kind,
        shortfall: single.shortfall,
        required: single.required,
        ratio,
        ...(single.kind === 'revenue' && single.reason ? { reason: single.reason } : {}),
      };
    });
  const rank = (ratio: number | null) => (ratio === null ? Infinity : ratio);
  return shown.reduce((a, b) => (rank(b.ratio) > rank(a.ratio) ? b : a));
}

/** The report's revenue shortfalls added up in cents; null when one has no threshold. */
function revenueOf(requirements: readonly RequirementEvaluation[]): number | null {
  let cents = 0;
  for (const r of requirements) {
    const single = r.kind === 'any-of' ? r.alternatives.find((a) => a.id === r.closest)! : r;
    if (single.kind !== 'revenue') continue;
    if (single.shortfall === null) return null;
    cents += Math.round(single.shortfall * 100);
  }
  return cents / 100;
}

describe('outlookOf agrees with the forecast and the evaluation', () => {
  it.each(DATES)('for every partner of the example as of %s', (asOf) => {
    expectAgreement(new PreparedProgram(programHistory, EXAMPLE), EXAMPLE, asOf);
  });

  it('judged by one version throughout (--program-version)', () => {
    for (const asOf of DATES.slice(1)) expectAgreement(new PreparedProgram(programHistory, EXAMPLE, program), EXAMPLE, asOf, program);
  });

  it('from columns as from a dataset', () => {
    const columns = new ColumnsProgram(programHistory, columnsOf(EXAMPLE));
    const records = new PreparedProgram(programHistory, EXAMPLE);
    for (const asOf of DATES)
      for (const id of EXAMPLE.partners.map((p) => p.id)) {
        expect(outlookOf(columns, columns.partnerIndex(id)!, asOf)).toEqual(outlookOf(records, records.partnerIndex(id)!, asOf));
      }
  });

  it.each([
    ['seed dates', SEED_POPULATION, undefined],
    ['revision dates', REVISION_POPULATION, undefined],
    ['revision dates, judged by the page of 2017-10-13 throughout', REVISION_POPULATION, revision],
  ] as const)('on random datasets (%s), from columns', (_, population, forced) => {
    fc.assert(
      fc.property(datasetArbitraryFor(population), ({ raw, asOf }) => {
        const data = validated(raw);
        const columns = new ColumnsProgram(programHistory, columnsOf(data), forced);
        // The drawn date and two earlier ones, when levels held are likelier to lapse within the data's dates.
        for (const back of [0, 90, 200]) {
          const date = isoDateOf(dayNumberOf(day(asOf)) - back);
          if (forced || programHistory.versions.some((v) => v.effectiveFrom <= date)) expectAgreement(columns, data, date, forced);
        }
      }),
      { numRuns: 80 },
    );
  });
});
