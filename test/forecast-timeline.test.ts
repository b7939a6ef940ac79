/**
 * Forecasts and timelines on hand-built partners, answers worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  forecastPartner,
  PreparedProgram,
  stepDates,
  timelineOf,
  validateDataset,
  type OptionForecast,
  type ProgramVersion,
} from '../src/engine/index.js';
import { formatProblem } from '../src/i18n/index.js';
import {
  CE,
  CE_EXAMS,
  OPS,
  OPS_EXAMS,
  certifiedPeople,
  customer,
  dataset,
  dpor,
  line,
  partner,
  program,
  programHistory,
  revision,
  day,
} from './support/builders.js';

function prepared(raw: ReturnType<typeof dataset>, forced?: ProgramVersion): PreparedProgram {
  const validated = validateDataset(raw, programHistory);
  if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
  return new PreparedProgram(programHistory, validated.value, forced);
}

function forecast(raw: ReturnType<typeof dataset>, asOf: string, option: string, forced?: ProgramVersion): OptionForecast {
  return forecastPartner(prepared(raw, forced), 'P', day(asOf)).options.find((o) => o.option === option)!;
}

function ceSilver(lines: ReturnType<typeof line>[]) {
  return dataset({
    partners: [partner('P')],
    customers: [customer('C')],
    associations: [dpor('C', 'P', '2015-01-01')],
    revenue: lines,
    ...certifiedPeople('P', 'p', 5, CE_EXAMS),
  });
}

const sale = (date: string, amount: number | string, product = 'D365-SALES') => line({ customerId: 'C', product, date, amount });

describe('forecast: when a level lapses if no new revenue arrives', () => {
  it('lapses exactly on the day the deciding line leaves the window', () => {
    // 60,000 (2016-09-15) + 45,000 (2017-03-01) = 105,000 ≥ 100,000. The 2016-09-15 line is in the window
    // as of 2017-09-14 (window 2016-09-15 … 2017-09-14) and out of it as of 2017-09-15: 45,000 remain, short 55,000.
    const raw = ceSilver([sale('2016-09-15', 60000), sale('2017-03-01', 45000)]);
    expect(forecast(raw, '2017-09-14', CE, program).lapse).toEqual({
      date: '2017-09-15',
      programVersion: '2017-07-07',
      levelAfter: null,
      failing: [{ requirement: 'net-new-revenue', kind: 'revenue', actual: 45000, required: 100000, shortfall: 55000 }],
    });
    expect(forecast(raw, '2017-07-07', CE, program).lapse?.date).toBe('2017-09-15');
  });

  it('a line of 29 February leaves the window on 1 March of the next year', () => {
    const raw = ceSilver([sale('2016-02-29', 60000), sale('2016-12-01', 45000)]);
    expect(forecast(raw, '2017-01-01', CE, program).lapse?.date).toBe('2017-03-01');
  });

  it('holds while lines that leave do not take the sum below the threshold; a credit leaving raises it', () => {
    // -30,000 credit (2016-10-01) + 20,000 (2016-11-01) + 115,000 (2017-05-01) = 105,000.
    const raw = ceSilver([sale('2016-10-01', -30000), sale('2016-11-01', 20000), sale('2017-05-01', 115000)]);
    // As of 2017-07-07: 105,000. 2017-10-01: credit leaves → 135,000. 2017-11-01: 20,000 leaves → 115,000. 2018-05-01: 0.
    expect(forecast(raw, '2017-07-07', CE, program).lapse).toMatchObject({
      date: '2018-05-01',
      failing: [{ requirement: 'net-new-revenue', actual: 0 }],
    });
  });

  it('reports Gold lapsing to Silver', () => {
    const raw = dataset({
      ...ceSilver([sale('2016-08-01', 200000), sale('2017-06-01', 150000)]),
      ...certifiedPeople('P', 'p', 15, CE_EXAMS),
    });
    expect(forecast(raw, '2017-07-07', CE, program)).toMatchObject({
      level: 'gold',
      lapse: { date: '2017-08-01', levelAfter: 'silver', failing: [{ requirement: 'net-new-revenue', actual: 150000, shortfall: 150000 }] },
    });
  });

  it('lapses on the day a new version stops counting Plan 2 revenue for Customer Engagement', () => {
    const raw = ceSilver([sale('2017-06-01', 100000, 'D365-ENTERPRISE-PLAN-2')]);
    expect(forecast(raw, '2017-07-07', CE).lapse).toMatchObject({
      date: '2017-10-13',
      programVersion: '2017-10-13',
      failing: [{ requirement: 'net-new-revenue', actual: 0 }],
    });
    // Judged by the seed rules throughout, it holds until the line leaves.
    expect(forecast(raw, '2017-07-07', CE, program).lapse?.date).toBe('2018-06-01');
  });

  it('lapses the day after the last exam passes stop counting (AX 2012 exams, accepted until 2018-12-31)', () => {
    const raw = dataset({
      partners: [partner('P')],
      customers: [customer('C')],
      associations: [dpor('C', 'P', '2015-01-01')],
      revenue: [line({ customerId: 'C', product: 'D365-OPERATIONS', date: '2018-06-01', amount: 100000 })],
      ...certifiedPeople('P', 'ax', 5, ['MB6-705', ...OPS_EXAMS], '2017-06-01'),
    });
    // Under the page of 2017-10-13, which promised these passes until 2018-12-31 (the page of 2017-11-16 withdrew the path).
    expect(forecast(raw, '2018-07-01', OPS, revision).lapse).toMatchObject({
      date: '2019-01-01',
      failing: [{ requirement: 'certified-people', kind: 'certified-people', actual: 0, required: 5, shortfall: 5 }],
    });
  });

  it('ignores revenue dated after the as-of date: nothing new arrives', () => {
    const raw = ceSilver([sale('2016-09-15', 100000), sale('2017-09-01', 500000)]);
    expect(forecast(raw, '2017-07-07', CE, program).lapse?.date).toBe('2017-09-15');
  });
});

describe('forecast: projection at the TTM average monthly rate', () => {
  it('reaches Silver on the month the arrivals close the gap', () => {
    // TTM as of 2017-07-07: 90,000, all dated 2017-07-01 → 7,500 a month. 2017-08-07: 97,500; 2017-09-07: 105,000.
    const raw = ceSilver([sale('2017-07-01', 90000)]);
    expect(forecast(raw, '2017-07-07', CE, program).projection).toEqual({
      basis: 'ttm-average-monthly-rate',
      level: 'silver',
      reachedOn: '2017-09-07',
      monthlyRevenue: [{ requirement: 'net-new-revenue', amount: 7500 }],
      blockedBy: [],
      programVersion: '2017-07-07',
    });
  });

  it('is not reached when revenue is flat and people are missing; says what blocks it', () => {
    const raw = dataset({
      partners: [partner('P')],
      customers: [customer('C')],
      associations: [dpor('C', 'P', '2015-01-01')],
      revenue: [sale('2017-01-15', 12000)],
    });
    const p = forecast(raw, '2017-07-07', CE, program).projection!;
    expect(p.reachedOn).toBeNull();
    expect(p.monthlyRevenue).toEqual([{ requirement: 'net-new-revenue', amount: 1000 }]);
    expect(p.blockedBy.map((b) => [b.requirement, b.shortfall])).toEqual([
      ['net-new-revenue', 88000],
      ['certified-people', 5],
    ]);
  });
});

describe('timeline', () => {
  it('steps by month keep the day of the month, clamped; by week, seven days', () => {
    expect(stepDates(day('2017-01-31'), day('2017-05-01'), 'month')).toEqual(['2017-01-31', '2017-02-28', '2017-03-31', '2017-04-30']);
    expect(stepDates(day('2017-07-07'), day('2017-07-28'), 'week')).toEqual(['2017-07-07', '2017-07-14', '2017-07-21', '2017-07-28']);
  });

  it('gives each option’s level and each requirement’s actual with every level’s threshold, across a version switch', () => {
    const raw = ceSilver([sale('2016-09-15', 60000), sale('2017-03-01', 45000, 'D365-ENTERPRISE-PLAN-2')]);
    const timeline = timelineOf(prepared(raw), 'P', day('2017-08-15'), day('2017-10-15'), 'month');
    const ce = timeline.points.map((p) => {
      const o = p.options.find((x) => x.option === CE)!;
      return [p.date, p.programVersion, o.level, o.requirements.map((r) => [r.id, r.actual, r.required])];
    });
    expect(ce).toEqual([
      [
        '2017-08-15',
        '2017-07-07',
        'silver',
        [
          ['net-new-revenue', 105000, { silver: 100000, gold: 300000 }],
          ['certified-people', 5, { silver: 5, gold: 15 }],
        ],
      ],
      // The 2016-09-15 line has left.
      [
        '2017-09-15',
        '2017-07-07',
        null,
        [
          ['net-new-revenue', 45000, { silver: 100000, gold: 300000 }],
          ['certified-people', 5, { silver: 5, gold: 15 }],
        ],
      ],
      // The revision: Plan 2 no longer counts for Customer Engagement.
      [
        '2017-10-15',
        '2017-10-13',
        null,
        [
          ['net-new-revenue', 0, { silver: 100000, gold: 300000 }],
          ['certified-people', 5, { silver: 5, gold: 15 }],
        ],
      ],
    ]);
    const ops = timeline.points[2]!.options.find((o) => o.option === OPS)!;
    expect(ops.requirements.map((r) => r.id)).toEqual([
      'revenue',
      'net-new-revenue',
      'certified-people/finance-and-operations',
      'certified-people/ax-2012',
    ]);
  });
});
