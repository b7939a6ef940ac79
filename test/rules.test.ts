/**
 * Every rule of docs/rules.md at its edges: exactly the threshold passes, one
 * cent or one person less fails, in both markets, at both window edges.
 */
import { describe, expect, it } from 'vitest';
import {
  CE,
  CE_EXAMS,
  OPS,
  OPS_EXAMS,
  PRODUCTS,
  certifiedPeople,
  customer,
  dataset,
  dpor,
  evaluateRaw,
  levelOf,
  line,
  optionOf,
  partner,
  passes,
  person,
  requirementOf,
} from './support/builders.js';

const AS_OF = '2017-07-07';

/** One partner with one DPOR customer; revenue lines as given. */
function withRevenue(country: string, lines: ReturnType<typeof line>[], extra: Parameters<typeof dataset>[0] = {}) {
  return dataset({
    partners: [partner('P', country)],
    customers: [customer('C', country)],
    associations: [dpor('C', 'P', '2010-01-01')],
    revenue: lines,
    ...extra,
  });
}

function usd(amount: number | string, product: string, netNew = true, date = '2017-01-15') {
  return line({ customerId: 'C', product, date, amount, netNew });
}

describe('Enterprise Customer Engagement revenue: net new, Plan 1 with its apps and Plan 2', () => {
  const cases = [
    { market: 'developed', country: 'US', level: 'silver', threshold: '100000' },
    { market: 'developed', country: 'US', level: 'gold', threshold: '300000' },
    { market: 'developing', country: 'IN', level: 'silver', threshold: '50000' },
    { market: 'developing', country: 'IN', level: 'gold', threshold: '150000' },
  ];
  for (const { market, country, level, threshold } of cases) {
    it(`${level} in a ${market} market: ${threshold} USD exactly is met`, () => {
      const report = evaluateRaw(withRevenue(country, [usd(threshold, 'D365-ENTERPRISE-PLAN-1')]), AS_OF);
      const requirement = requirementOf(report, 'P', CE, level, 'net-new-revenue');
      expect(requirement).toMatchObject({ met: true, actual: Number(threshold), required: Number(threshold), shortfall: 0 });
      expect(report.partners[0]!.market).toBe(market);
    });
    it(`${level} in a ${market} market: one cent less is not met, short by 0.01`, () => {
      const amount = (Number(threshold) - 0.01).toFixed(2);
      const report = evaluateRaw(withRevenue(country, [usd(amount, 'D365-ENTERPRISE-PLAN-1')]), AS_OF);
      expect(requirementOf(report, 'P', CE, level, 'net-new-revenue')).toMatchObject({
        met: false,
        actual: Number(amount),
        shortfall: 0.01,
      });
    });
  }

  it('counts Plan 1, each of its component apps and Plan 2, and nothing else', () => {
    const products = PRODUCTS.filter((p) => p !== 'D365-OPERATIONS' && p !== 'AX-2012-ON-PREMISE');
    const counted = products.map((p) => usd(1000, p));
    const notCounted = [usd(5000, 'D365-OPERATIONS'), usd(7000, 'AX-2012-ON-PREMISE')];
    const report = evaluateRaw(withRevenue('US', [...counted, ...notCounted]), AS_OF);
    const requirement = requirementOf(report, 'P', CE, 'silver', 'net-new-revenue');
    expect(requirement.actual).toBe(6000);
    expect(requirement.kind === 'revenue' && [...requirement.evidence.revenueLineIds].sort()).toEqual(counted.map((l) => l.id).sort());
  });

  it('ignores lines that are not net new', () => {
    const report = evaluateRaw(withRevenue('US', [usd(100000, 'D365-ENTERPRISE-PLAN-1', false), usd(99999.99, 'D365-SALES')]), AS_OF);
    expect(requirementOf(report, 'P', CE, 'silver', 'net-new-revenue')).toMatchObject({ met: false, actual: 99999.99 });
  });

  it('lets credits (negative amounts) reduce the sum', () => {
    const report = evaluateRaw(withRevenue('US', [usd(100000, 'D365-ENTERPRISE-PLAN-1'), usd(-0.01, 'D365-SALES')]), AS_OF);
    expect(requirementOf(report, 'P', CE, 'silver', 'net-new-revenue')).toMatchObject({ met: false, actual: 99999.99, shortfall: 0.01 });
  });
});

describe('Enterprise Operations revenue: (a) all revenue and (b) net new revenue, both required', () => {
  const cases = [
    { country: 'US', level: 'silver', all: 100000, netNew: 25000 },
    { country: 'US', level: 'gold', all: 300000, netNew: 75000 },
    { country: 'IN', level: 'silver', all: 50000, netNew: 12000 },
    { country: 'IN', level: 'gold', all: 150000, netNew: 37000 },
  ];
  for (const { country, level, all, netNew } of cases) {
    const people = certifiedPeople('P', 'ops', level === 'gold' ? 15 : 5, OPS_EXAMS);
    it(`${level} in ${country}: ${all} all + ${netNew} net new exactly attains the level`, () => {
      const lines = [usd(netNew, 'D365-OPERATIONS'), usd(all - netNew, 'AX-2012-ON-PREMISE', false)];
      const report = evaluateRaw(withRevenue(country, lines, people), AS_OF);
      expect(requirementOf(report, 'P', OPS, level, 'revenue')).toMatchObject({ met: true, actual: all, required: all });
      expect(requirementOf(report, 'P', OPS, level, 'net-new-revenue')).toMatchObject({ met: true, actual: netNew, required: netNew });
      expect(levelOf(report, 'P', OPS)).toBe(level);
    });
    it(`${level} in ${country}: (a) one cent short fails the level although (b) is met`, () => {
      const lines = [usd(netNew, 'D365-OPERATIONS'), usd((all - netNew - 0.01).toFixed(2), 'AX-2012-ON-PREMISE', false)];
      const report = evaluateRaw(withRevenue(country, lines, people), AS_OF);
      expect(requirementOf(report, 'P', OPS, level, 'revenue')).toMatchObject({ met: false, shortfall: 0.01 });
      expect(requirementOf(report, 'P', OPS, level, 'net-new-revenue')).toMatchObject({ met: true });
      expect(optionOf(report, 'P', OPS).levels.find((l) => l.level === level)!.met).toBe(false);
    });
    it(`${level} in ${country}: (b) one cent short fails the level although (a) is met`, () => {
      const lines = [usd((netNew - 0.01).toFixed(2), 'D365-ENTERPRISE-PLAN-2'), usd(all, 'AX-2012-ON-PREMISE', false)];
      const report = evaluateRaw(withRevenue(country, lines, people), AS_OF);
      expect(requirementOf(report, 'P', OPS, level, 'net-new-revenue')).toMatchObject({ met: false, shortfall: 0.01 });
      expect(requirementOf(report, 'P', OPS, level, 'revenue')).toMatchObject({ met: true });
    });
  }

  it('(a) counts Plan 2, Operations SKU and AX 2012, net new or not; (b) only net new Plan 2 and Operations SKU', () => {
    const lines = [
      usd(1, 'D365-ENTERPRISE-PLAN-2'),
      usd(10, 'D365-OPERATIONS'),
      usd(100, 'AX-2012-ON-PREMISE'),
      usd(1000, 'D365-ENTERPRISE-PLAN-2', false),
      usd(10000, 'D365-OPERATIONS', false),
      usd(100000, 'D365-ENTERPRISE-PLAN-1'),
      usd(1000000, 'D365-SALES'),
    ];
    const report = evaluateRaw(withRevenue('US', lines), AS_OF);
    expect(requirementOf(report, 'P', OPS, 'silver', 'revenue').actual).toBe(11111);
    expect(requirementOf(report, 'P', OPS, 'silver', 'net-new-revenue').actual).toBe(11);
    // A net new Plan 2 line also counts for Customer Engagement.
    expect(requirementOf(report, 'P', CE, 'silver', 'net-new-revenue').actual).toBe(1100001);
  });
});

describe('TTM window', () => {
  function actualOn(asOf: string, date: string): number {
    const report = evaluateRaw(withRevenue('US', [usd(500, 'D365-SALES', true, date)]), asOf);
    return requirementOf(report, 'P', CE, 'silver', 'net-new-revenue').actual;
  }

  it.each([
    ['2017-07-07', '2016-07-07', 0],
    ['2017-07-07', '2016-07-08', 500],
    ['2017-07-07', '2017-07-07', 500],
    ['2017-07-07', '2017-07-08', 0],
    // 29 February as of date: one year earlier is 28 February.
    ['2016-02-29', '2015-02-28', 0],
    ['2016-02-29', '2015-03-01', 500],
    ['2016-02-29', '2016-02-29', 500],
    // A window that reaches back over a 29 February starts the day after the 28th.
    ['2017-02-28', '2016-02-28', 0],
    ['2017-02-28', '2016-02-29', 500],
    ['2017-03-01', '2016-03-01', 0],
    ['2017-03-01', '2016-03-02', 500],
    ['2017-01-01', '2016-01-01', 0],
    ['2017-01-01', '2016-01-02', 500],
  ])('as of %s a line dated %s counts %d', (asOf, date, expected) => {
    expect(actualOn(asOf, date)).toBe(expected);
  });

  it('lists the counted lines as evidence, in date order', () => {
    const late = usd(1, 'D365-SALES', true, '2017-06-01');
    const early = usd(2, 'D365-SALES', true, '2016-08-01');
    const outside = usd(4, 'D365-SALES', true, '2016-07-01');
    const report = evaluateRaw(withRevenue('US', [late, outside, early]), AS_OF);
    const requirement = requirementOf(report, 'P', CE, 'silver', 'net-new-revenue');
    expect(requirement).toMatchObject({ evidence: { revenueLineIds: [early.id, late.id] } });
  });
});

describe('DPOR attribution', () => {
  const handOver = dataset({
    partners: [partner('OLD'), partner('NEW')],
    customers: [customer('C')],
    associations: [dpor('C', 'OLD', '2015-01-01', '2017-03-31'), dpor('C', 'NEW', '2017-04-01')],
    revenue: [
      line({ id: 'before', customerId: 'C', product: 'D365-SALES', date: '2017-03-31', amount: 100 }),
      line({ id: 'after', customerId: 'C', product: 'D365-SALES', date: '2017-04-01', amount: 1000 }),
    ],
  });

  it('a hand-over mid-window splits the customer’s revenue by line date, ends inclusive', () => {
    const report = evaluateRaw(handOver, AS_OF);
    expect(requirementOf(report, 'OLD', CE, 'silver', 'net-new-revenue')).toMatchObject({
      actual: 100,
      evidence: { revenueLineIds: ['before'] },
    });
    expect(requirementOf(report, 'NEW', CE, 'silver', 'net-new-revenue')).toMatchObject({
      actual: 1000,
      evidence: { revenueLineIds: ['after'] },
    });
  });

  it('revenue outside every DPOR association counts for nobody', () => {
    const report = evaluateRaw(
      dataset({
        partners: [partner('P')],
        customers: [customer('C'), customer('D')],
        associations: [dpor('C', 'P', '2017-02-01', '2017-02-28')],
        revenue: [
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-01-31', amount: 1 }),
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-02-01', amount: 10 }),
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-02-28', amount: 100 }),
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-03-01', amount: 1000 }),
          line({ customerId: 'D', product: 'D365-SALES', date: '2017-02-15', amount: 10000 }),
        ],
      }),
      AS_OF,
    );
    expect(requirementOf(report, 'P', CE, 'silver', 'net-new-revenue').actual).toBe(110);
  });

  it('the association in force on the line date decides, not the one in force on the as-of date', () => {
    const report = evaluateRaw(handOver, '2017-03-31');
    expect(requirementOf(report, 'OLD', CE, 'silver', 'net-new-revenue').actual).toBe(100);
    expect(requirementOf(report, 'NEW', CE, 'silver', 'net-new-revenue').actual).toBe(0);
  });
});

describe('foreign currency', () => {
  it('converts each line at its own month’s rate and rounds to cents half away from zero', () => {
    const report = evaluateRaw(
      withRevenue(
        'FR',
        [
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-01-31', amount: 100, currency: 'EUR' }),
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-02-01', amount: 100, currency: 'EUR' }),
          // 0.5 × 0.01 = 0.005 USD → 0.01; -0.5 × 0.01 → -0.01
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-03-01', amount: '0.5', currency: 'EUR' }),
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-03-02', amount: '-0.5', currency: 'EUR' }),
          line({ customerId: 'C', product: 'D365-SALES', date: '2017-03-03', amount: '0.5', currency: 'EUR' }),
        ],
        {
          fxRates: [
            { currency: 'EUR', month: '2017-01', usdPerUnit: 1.0614 },
            { currency: 'EUR', month: '2017-02', usdPerUnit: '1.0643' },
            { currency: 'EUR', month: '2017-03', usdPerUnit: '0.01' },
          ],
        },
      ),
      AS_OF,
    );
    // 106.14 + 106.43 + 0.01 - 0.01 + 0.01
    expect(requirementOf(report, 'P', CE, 'silver', 'net-new-revenue').actual).toBe(212.58);
  });

  it('sums many lines exactly where floating point would drift', () => {
    const lines = Array.from({ length: 1000 }, () => usd('0.10', 'D365-SALES'));
    const report = evaluateRaw(withRevenue('US', lines), AS_OF);
    expect(requirementOf(report, 'P', CE, 'silver', 'net-new-revenue').actual).toBe(100);
  });
});

describe('certified people', () => {
  function ceReport(people: ReturnType<typeof person>[], examPasses: ReturnType<typeof passes>, asOf = AS_OF) {
    return evaluateRaw(dataset({ partners: [partner('P')], people, examPasses }), asOf);
  }

  it.each([
    ['silver', 5, true],
    ['silver', 4, false],
    ['gold', 15, true],
    ['gold', 14, false],
  ] as const)('Customer Engagement %s with %d qualified people: met = %s', (level, count, met) => {
    const { people, examPasses } = certifiedPeople('P', 'p', count, CE_EXAMS);
    const requirement = requirementOf(ceReport(people, examPasses), 'P', CE, level, 'certified-people');
    expect(requirement).toMatchObject({ met, actual: count, shortfall: met ? 0 : 1 });
  });

  it.each([
    ['silver', 5, true],
    ['silver', 4, false],
    ['gold', 15, true],
    ['gold', 14, false],
  ] as const)('Operations %s with %d qualified people: met = %s', (level, count, met) => {
    const { people, examPasses } = certifiedPeople('P', 'p', count, OPS_EXAMS);
    const requirement = requirementOf(ceReport(people, examPasses), 'P', OPS, level, 'certified-people');
    expect(requirement).toMatchObject({ met, actual: count, shortfall: met ? 0 : 1 });
  });

  it('the same people: 5 with MB2-715+716, 4 of them with 717/718, and a sixth with only 717 is not met', () => {
    const people = Array.from({ length: 6 }, (_, i) => person(`p${i + 1}`, 'P'));
    const examPasses = [
      ...['p1', 'p2', 'p3', 'p4', 'p5'].flatMap((p) => passes(p, ['MB2-715', 'MB2-716'], '2016-01-01')),
      ...passes('p1', ['MB2-717'], '2016-02-01'),
      ...passes('p2', ['MB2-718'], '2016-02-01'),
      ...passes('p3', ['MB2-717', 'MB2-718'], '2016-02-01'),
      ...passes('p4', ['MB2-718'], '2016-02-01'),
      ...passes('p6', ['MB2-717'], '2016-02-01'),
    ];
    const requirement = requirementOf(ceReport(people, examPasses), 'P', CE, 'silver', 'certified-people');
    expect(requirement).toMatchObject({ met: false, actual: 4, shortfall: 1, evidence: { personIds: ['p1', 'p2', 'p3', 'p4'] } });
  });

  it('Operations needs all four exams: three of them is not enough', () => {
    const { people, examPasses } = certifiedPeople('P', 'p', 5, OPS_EXAMS.slice(0, 3));
    expect(requirementOf(ceReport(people, examPasses), 'P', OPS, 'silver', 'certified-people')).toMatchObject({ actual: 0 });
  });

  it('an exam passed after the as-of date does not count yet; on the day itself it does', () => {
    const { people, examPasses } = certifiedPeople('P', 'p', 5, ['MB2-715', 'MB2-716'], '2016-01-01');
    examPasses.push(...people.map((p) => ({ personId: p.id, exam: 'MB2-718', date: '2017-07-07' })));
    expect(requirementOf(ceReport(people, examPasses, '2017-07-06'), 'P', CE, 'silver', 'certified-people')).toMatchObject({ actual: 0 });
    expect(requirementOf(ceReport(people, examPasses, '2017-07-07'), 'P', CE, 'silver', 'certified-people')).toMatchObject({
      actual: 5,
      met: true,
    });
  });

  it('exam passes do not age out of the window: a pass years ago still counts', () => {
    const { people, examPasses } = certifiedPeople('P', 'p', 5, OPS_EXAMS, '2010-05-05');
    expect(requirementOf(ceReport(people, examPasses), 'P', OPS, 'silver', 'certified-people')).toMatchObject({ met: true });
  });

  it('exams outside the catalog are kept but count for nothing', () => {
    const { people, examPasses } = certifiedPeople('P', 'p', 5, ['MB2-715', 'MB2-716', 'MB2-712']);
    expect(requirementOf(ceReport(people, examPasses), 'P', CE, 'silver', 'certified-people')).toMatchObject({ actual: 0 });
  });

  it('people count only for their own partner', () => {
    const { people, examPasses } = certifiedPeople('Q', 'q', 5, CE_EXAMS);
    const report = evaluateRaw(dataset({ partners: [partner('P'), partner('Q')], people, examPasses }), AS_OF);
    expect(requirementOf(report, 'P', CE, 'silver', 'certified-people').actual).toBe(0);
    expect(requirementOf(report, 'Q', CE, 'silver', 'certified-people').actual).toBe(5);
  });
});

describe('levels', () => {
  it('an option’s level is the highest level whose requirements are all met', () => {
    const { people, examPasses } = certifiedPeople('P', 'p', 15, CE_EXAMS);
    const report = evaluateRaw(withRevenue('US', [usd(300000, 'D365-SALES')], { people, examPasses }), AS_OF);
    expect(levelOf(report, 'P', CE)).toBe('gold');
    expect(optionOf(report, 'P', CE).levels.map((l) => [l.level, l.met])).toEqual([
      ['silver', true],
      ['gold', true],
    ]);
  });

  it('Gold revenue with Silver people is Silver', () => {
    const { people, examPasses } = certifiedPeople('P', 'p', 14, CE_EXAMS);
    const report = evaluateRaw(withRevenue('US', [usd(300000, 'D365-SALES')], { people, examPasses }), AS_OF);
    expect(levelOf(report, 'P', CE)).toBe('silver');
  });

  it('no level when any Silver requirement is missed', () => {
    const { people, examPasses } = certifiedPeople('P', 'p', 15, CE_EXAMS);
    const report = evaluateRaw(withRevenue('US', [usd(99999.99, 'D365-SALES')], { people, examPasses }), AS_OF);
    expect(levelOf(report, 'P', CE)).toBeNull();
  });

  it('the report names the program, its version and every partner with its market', () => {
    const report = evaluateRaw(dataset({ partners: [partner('A', 'NG'), partner('B', 'JP')] }), AS_OF);
    expect(report).toMatchObject({
      asOf: AS_OF,
      program: 'microsoft-partner-network',
      programVersion: '2017-07-07',
      partners: [
        { partnerId: 'A', market: 'developing' },
        { partnerId: 'B', market: 'developed' },
      ],
    });
    expect(report.partners[0]!.competencies.map((c) => [c.competency, c.options.map((o) => o.option)])).toEqual([
      ['cloud-business-applications', [CE, OPS]],
    ]);
  });
});
