/**
 * Plans on hand-built partners, with the answers worked out by hand here.
 */
import { describe, expect, it } from 'vitest';
import { planPartner, prepare, validateDataset, type PartnerPlan, type ProgramVersion } from '../src/engine/index.js';
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
  passes,
  person,
  program,
  programHistory,
  revision,
  day,
} from './support/builders.js';

const AS_OF = '2017-07-07';

function plan(raw: ReturnType<typeof dataset>, options: { asOf?: string; version?: ProgramVersion; targets?: string[] } = {}): PartnerPlan {
  const validated = validateDataset(raw, programHistory);
  if (!validated.ok) throw new Error(validated.problems.map((p) => formatProblem(p)).join('\n'));
  const targets = options.targets?.map((t) => {
    const [option, level] = t.split('/') as [string, string];
    return { competency: 'cloud-business-applications', option, level };
  });
  return planPartner(prepare(options.version ?? program, validated.value), 'P', day(options.asOf ?? AS_OF), targets);
}

const target = (p: PartnerPlan, option: string) => p.targets.find((t) => t.option === option)!;

describe('plan: people', () => {
  it('someone holding MB2-715 and MB2-716 needs one more exam, not three', () => {
    const four = certifiedPeople('P', 'q', 4, CE_EXAMS);
    const raw = dataset({
      partners: [partner('P')],
      people: [...four.people, person('almost', 'P'), person('nothing', 'P')],
      examPasses: [...four.examPasses, ...passes('almost', ['MB2-715', 'MB2-716'], '2017-01-01')],
    });
    const ce = target(plan(raw), CE);
    expect(ce).toMatchObject({ level: 'silver', met: false });
    expect(ce.exams).toMatchObject({
      additionalPasses: 1,
      newPeople: 0,
      feasible: true,
      assignments: [{ personId: 'almost', exams: ['MB2-717'] }],
    });
  });

  it('enrolls new people when the partner has too few, each with the whole exam list', () => {
    // Two people with nothing: 3 passes each; three more people to enroll, 3 passes each: 15.
    const raw = dataset({ partners: [partner('P')], people: [person('a', 'P'), person('b', 'P')] });
    expect(target(plan(raw), CE).exams).toMatchObject({
      additionalPasses: 15,
      newPeople: 3,
      assignments: [
        { personId: 'a', exams: ['MB2-715', 'MB2-716', 'MB2-717'] },
        { personId: 'b', exams: ['MB2-715', 'MB2-716', 'MB2-717'] },
        { personId: 'new-1', exams: ['MB2-715', 'MB2-716', 'MB2-717'] },
        { personId: 'new-2', exams: ['MB2-715', 'MB2-716', 'MB2-717'] },
        { personId: 'new-3', exams: ['MB2-715', 'MB2-716', 'MB2-717'] },
      ],
    });
  });

  it('picks the people closest to qualifying first', () => {
    // Operations Silver: 5 people needed; one has 3 of 4 exams, one has 1, one has none, two already qualify.
    const done = certifiedPeople('P', 'done', 2, OPS_EXAMS);
    const raw = dataset({
      partners: [partner('P')],
      people: [...done.people, person('three', 'P'), person('one', 'P'), person('none', 'P'), person('other', 'P')],
      examPasses: [
        ...done.examPasses,
        ...passes('three', ['MB6-893', 'MB6-892', 'MB6-890'], '2017-01-01'),
        ...passes('one', ['70-764'], '2017-01-01'),
      ],
    });
    expect(target(plan(raw), OPS).exams).toMatchObject({
      additionalPasses: 1 + 3 + 4,
      newPeople: 0,
      assignments: [
        { personId: 'three', exams: ['70-764'] },
        { personId: 'one', exams: ['MB6-893', 'MB6-892', 'MB6-890'] },
        { personId: 'none', exams: ['MB6-893', 'MB6-892', 'MB6-890', '70-764'] },
      ],
    });
  });

  it('never proposes a retired exam: after 2017-12-31 the AX 2012 path is closed to newcomers, the other path is planned', () => {
    const ax = certifiedPeople('P', 'ax', 3, ['MB6-705', ...OPS_EXAMS], '2017-06-01');
    const raw = dataset({ partners: [partner('P')], ...ax });
    const ops = target(plan(raw, { asOf: '2018-02-01', version: revision }), OPS);
    // Finance and Operations path, the same or different people: 5 with MB6-894 + 70-534 (3 existing, 2 new: 10 passes)
    // and 5 with one of MB6-895/896/897 (3 existing, the same 2 new: 5 passes).
    expect(ops.exams.requirements).toMatchObject([
      { requirement: 'certified-people', alternative: 'finance-and-operations', additionalPasses: 15, newPeople: 2 },
    ]);
    expect(ops.exams).toMatchObject({ additionalPasses: 15, newPeople: 2 });
    expect(ops.exams.assignments.flatMap((a) => a.exams)).not.toContain('MB6-705');
    expect(ops.exams.assignments.find((a) => a.personId === 'new-1')).toEqual({
      personId: 'new-1',
      exams: ['MB6-894', '70-534', 'MB6-895'],
    });
  });

  it('before retirement the AX path may still be planned when it is cheaper', () => {
    // Four AX people and one who lacks only MB6-705: one pass on the AX path, against 15 on the other.
    const ax = certifiedPeople('P', 'ax', 4, ['MB6-705', ...OPS_EXAMS], '2017-06-01');
    const raw = dataset({
      partners: [partner('P')],
      people: [...ax.people, person('late', 'P')],
      examPasses: [...ax.examPasses, ...passes('late', OPS_EXAMS, '2017-06-01')],
    });
    const ops = target(plan(raw, { asOf: '2017-11-01', version: revision }), OPS);
    expect(ops.exams).toMatchObject({ additionalPasses: 1, assignments: [{ personId: 'late', exams: ['MB6-705'] }] });
    expect(ops.exams.requirements[0]).toMatchObject({ alternative: 'ax-2012' });
  });
});

describe('plan: revenue', () => {
  function withRevenue(lines: ReturnType<typeof line>[], country = 'US') {
    return dataset({
      partners: [partner('P', country)],
      customers: [customer('C', country)],
      associations: [dpor('C', 'P', '2016-01-01')],
      revenue: lines,
    });
  }

  it('Operations: one net new Plan 2 / Operations SKU sale closes both thresholds; the larger shortfall is the total', () => {
    // (a) 40,000 of 100,000 → short 60,000; (b) 0 of 25,000 → short 25,000. 60,000 of net new Plan 2 or Operations SKU closes both.
    const ops = target(
      plan(withRevenue([line({ customerId: 'C', product: 'AX-2012-ON-PREMISE', date: '2017-01-01', amount: 40000, netNew: false })])),
      OPS,
    );
    expect(ops.revenue).toEqual([
      {
        requirement: 'revenue',
        shortfall: 60000,
        products: ['D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS', 'AX-2012-ON-PREMISE'],
        netNewOnly: false,
      },
      { requirement: 'net-new-revenue', shortfall: 25000, products: ['D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS'], netNewOnly: true },
    ]);
    expect(ops.revenueToClose).toBe(60000);
    expect(ops.sales).toEqual([
      { amount: 60000, products: ['D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS'], netNew: true, closes: ['revenue', 'net-new-revenue'] },
    ]);
  });

  it('Operations: when (a) is met, only the net new shortfall remains', () => {
    const ops = target(
      plan(withRevenue([line({ customerId: 'C', product: 'AX-2012-ON-PREMISE', date: '2017-01-01', amount: 110000, netNew: false })])),
      OPS,
    );
    expect(ops.revenueToClose).toBe(25000);
    expect(ops.sales).toEqual([
      { amount: 25000, products: ['D365-ENTERPRISE-PLAN-2', 'D365-OPERATIONS'], netNew: true, closes: ['net-new-revenue'] },
    ]);
  });

  it('Customer Engagement in a developing market: the exact shortfall in cents', () => {
    const ce = target(
      plan(withRevenue([line({ customerId: 'C', product: 'D365-SALES', date: '2017-01-01', amount: '49999.99' })], 'IN')),
      CE,
    );
    expect(ce.revenue[0]).toMatchObject({ requirement: 'net-new-revenue', shortfall: 0.01 });
    expect(ce.revenueToClose).toBe(0.01);
  });

  it('targets the level named, and says when it is already met', () => {
    const people = certifiedPeople('P', 'p', 5, CE_EXAMS);
    const raw = { ...withRevenue([line({ customerId: 'C', product: 'D365-SALES', date: '2017-01-01', amount: 100000 })]), ...people };
    const p = plan(raw, { targets: ['enterprise-customer-engagement/silver', 'enterprise-customer-engagement/gold'] });
    expect(p.targets.map((t) => [t.level, t.met, t.revenueToClose, t.exams.additionalPasses])).toEqual([
      ['silver', true, 0, 0],
      ['gold', false, 200000, 30],
    ]);
  });

  it('by default plans the next level up of each option, none above the top', () => {
    const people = certifiedPeople('P', 'p', 15, CE_EXAMS);
    const raw = { ...withRevenue([line({ customerId: 'C', product: 'D365-SALES', date: '2017-01-01', amount: 300000 })]), ...people };
    expect(plan(raw).targets.map((t) => `${t.option}/${t.level}`)).toEqual(['enterprise-operations/silver']);
  });
});

describe('plan: unattributed revenue', () => {
  it('lists the partner’s customers whose in-window revenue counts for nobody, with the amount at stake', () => {
    const raw = dataset({
      partners: [partner('P'), partner('Q')],
      customers: [customer('LAPSED'), customer('MOVED'), customer('STRANGER'), customer('OWN')],
      associations: [
        dpor('LAPSED', 'P', '2015-01-01', '2016-12-31'), // P's DPOR ended; nobody since
        dpor('MOVED', 'P', '2015-01-01', '2016-12-31'),
        dpor('MOVED', 'Q', '2017-01-01'), // now Q's: its revenue counts, for Q
        dpor('OWN', 'P', '2015-01-01'),
      ],
      revenue: [
        line({ customerId: 'LAPSED', product: 'D365-SALES', date: '2017-02-01', amount: 7000 }),
        line({ customerId: 'LAPSED', product: 'D365-SALES', date: '2017-03-01', amount: 500 }),
        line({ customerId: 'LAPSED', product: 'D365-SALES', date: '2016-06-01', amount: 99999 }), // outside the window
        line({ customerId: 'MOVED', product: 'D365-SALES', date: '2017-02-01', amount: 8000 }),
        line({ customerId: 'STRANGER', product: 'D365-SALES', date: '2017-02-01', amount: 9000 }), // never P's customer
        line({ customerId: 'OWN', product: 'D365-SALES', date: '2017-02-01', amount: 100 }),
      ],
    });
    expect(target(plan(raw), CE).unattributedRevenue).toEqual([{ customerId: 'LAPSED', amount: 7500 }]);
  });
});
