/**
 * The scored plan: each metric kind's ladder at its edges, the cheapest
 * combination of steps against a brute force, and the plans of the
 * specification's worked examples (A-Ex2, B-Ex5), including the minimum per
 * metric forcing a step and targets that cannot be reached.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cheapestCombination,
  compareRational,
  laddersOf,
  monthIndex,
  planScored,
  prepareScoring,
  rational,
  scoredVersionOn,
  toDecimalText,
  type IsoDate,
  type LadderChoice,
  type MeasuredMetric,
  type PointsRule,
  type Rational,
  type ScoredPathPlan,
  type ScoredPlanTarget,
  type ScoredVersionDefinition,
  type UnitsOfCost,
} from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { datasetOf, month, peopleHolding, tenantWith, type Records } from './support/scoring.js';
import { aEx2, bEx4, bEx5 } from './support/scoring-examples.js';

const read = readScoredDefinitions();
if (!read.ok) throw new Error(JSON.stringify(read.problems));
const versions = read.versions;
const version = (date: string) => scoredVersionOn(versions, date as IsoDate)!;
const PCI = version('2020-11-30');
const PCS = version('2023-10-31');

const text = (r: Rational): string => toDecimalText(r, 4);

/** A metric of the version (for its id and kind) measured as given, with its points rule. */
function measured(
  v: ScoredVersionDefinition,
  id: string,
  rule: Partial<PointsRule> & Pick<PointsRule, 'max' | 'partial'>,
  measure: Partial<MeasuredMetric['measure']> & Pick<MeasuredMetric['measure'], 'value'>,
): MeasuredMetric {
  const definition = v.paths.flatMap((p) => p.metrics).find((m) => m.id === id)!;
  return {
    definition,
    segment: 'developed',
    rule: { clampAtZero: true, rounding: { mode: 'none', step: rational(1) }, ...rule },
    measure: { full: undefined, unit: 'people', granularity: rational(1), details: {}, ...measure },
  };
}

/** Each step as [value, points, more]. */
const stepsOf = (v: ScoredVersionDefinition, metrics: MeasuredMetric[]) =>
  laddersOf(v, metrics).map((l) => l.steps.map((s) => [text(s.value), text(s.total), text(s.more)]));

describe('ladders, by kind of partial credit', () => {
  it('linear, one cent under full points: one step of one cent to the maximum', () => {
    const revenue = measured(
      PCI,
      'net-new-revenue',
      { max: rational(10), partial: 'linear' },
      { value: rational(29_999_999), full: rational(30_000_000), unit: 'usd-cents' },
    );
    const [ladder] = laddersOf(PCI, [revenue]);
    expect(ladder!.steps.map((s) => [text(s.value), text(s.total), text(s.more)])).toEqual([
      ['29999999', '10', '0'],
      ['30000000', '10', '1'],
    ]);
    // Exact: 9.99999967 points now, not 10.
    expect(compareRational(ladder!.steps[0]!.total, rational(10))).toBe(-1);
    // $10,000 is one unit of cost: one cent is a millionth of it.
    expect(ladder!.steps[1]!.cost).toEqual(rational(1, 1_000_000));
  });
  it('linear, a fraction of a point now (2 of 3 adds = 20/3): the next whole customer reaches full points', () => {
    const adds = measured(
      PCI,
      'net-customer-adds',
      { max: rational(10), partial: 'linear' },
      { value: rational(2), full: rational(3), unit: 'customers' },
    );
    expect(stepsOf(PCI, [adds])).toEqual([
      [
        ['2', '6.6667', '0'],
        ['3', '10', '1'],
      ],
    ]);
  });
  it('points floored to whole points (PCS usage growth): a step per point, each costing the consumption it needs', () => {
    // 2.5% growth (1,000 → 1,025) earns 2 points; 3% needs 1,030: 5 more.
    const base = rational(1000);
    const current = rational(1025);
    const growth = measured(
      PCS,
      'usage-growth',
      { max: rational(30), partial: 'linear', rounding: { mode: 'floor', step: rational(1) } },
      {
        value: rational(5, 2),
        full: rational(30),
        unit: 'percent',
        granularity: rational(1, 100),
        cost: (target) => ({
          more: rational((base.num * (100n * target.den + target.num) + 100n * target.den - 1n) / (100n * target.den) - current.num),
          unit: 'consumption',
        }),
      },
    );
    const [ladder] = laddersOf(PCS, [growth]);
    expect(ladder!.costUnit).toBe('consumption');
    expect(ladder!.steps).toHaveLength(29);
    expect(ladder!.steps.slice(0, 3).map((s) => [text(s.value), text(s.total), text(s.more)])).toEqual([
      ['2.5', '2', '0'],
      ['3', '3', '5'],
      ['4', '4', '15'],
    ]);
    expect([text(ladder!.steps.at(-1)!.value), text(ladder!.steps.at(-1)!.total)]).toEqual(['30', '30']);
  });
  it('points rounded to the nearest: half a point below the next is enough', () => {
    // 13 of 30 → 4.33, rounded to 4; 14 → 4.67, rounded to 5.
    const nearest = measured(
      PCI,
      'developers',
      { max: rational(10), partial: 'linear', rounding: { mode: 'nearest', step: rational(1) } },
      { value: rational(13), full: rational(30) },
    );
    expect(stepsOf(PCI, [nearest])[0]!.slice(0, 3)).toEqual([
      ['13', '4', '0'],
      ['14', '5', '1'],
      ['17', '6', '4'],
    ]);
  });
  it('all or nothing: the only step is full points', () => {
    const deployments = measured(
      PCI,
      'new-large-deployments',
      { max: rational(20), partial: 'all-or-nothing' },
      { value: rational(1), full: rational(5), unit: 'deployments' },
    );
    expect(stepsOf(PCI, [deployments])).toEqual([
      [
        ['1', '0', '0'],
        ['5', '20', '4'],
      ],
    ]);
  });
  it('per unit (2.14 a person), capped: the last person gives the maximum from full on', () => {
    const advanced = measured(
      PCS,
      'advanced-certifications',
      { max: rational(15), partial: 'per-unit', perUnit: rational(214, 100) },
      { value: rational(5), full: rational(7) },
    );
    expect(stepsOf(PCS, [advanced])).toEqual([
      [
        ['5', '10.7', '0'],
        ['6', '12.84', '1'],
        ['7', '15', '2'],
      ],
    ]);
  });
  it('a metric that cannot score has no step above now', () => {
    const gated = measured(
      PCS,
      'usage-growth',
      { max: rational(30), partial: 'linear' },
      { value: rational(0), note: 'underBaselineGate' },
    );
    const [ladder] = laddersOf(PCS, [gated]);
    expect(ladder!.steps).toHaveLength(1);
    expect(ladder!.steps[0]!.meetsMinimum).toBe(false);
  });
  it('the minimum per metric (PCS: above zero): a negative value climbs through steps that do not meet it', () => {
    const adds = measured(
      PCS,
      'net-customer-adds',
      { max: rational(15), partial: 'linear', clampAtZero: false },
      { value: rational(-1), full: rational(5), unit: 'pairs' },
    );
    const [ladder] = laddersOf(PCS, [adds]);
    expect(ladder!.steps.slice(0, 3).map((s) => [text(s.value), text(s.total), s.meetsMinimum])).toEqual([
      ['-1', '-3', false],
      ['0', '0', false],
      ['1', '3', true],
    ]);
    // PCI sets no minimum: every step meets it.
    expect(
      laddersOf(PCI, [
        measured(PCI, 'net-customer-adds', { max: rational(10), partial: 'linear' }, { value: rational(0), full: rational(3) }),
      ])[0]!.steps[0]!.meetsMinimum,
    ).toBe(true);
  });
  it('a headcount-growth metric climbs with the certified count whose people it counts', () => {
    const consultants = measured(
      PCI,
      'functional-consultants',
      { max: rational(15), partial: 'linear' },
      { value: rational(26), full: rational(15) },
    );
    const growth = measured(
      PCI,
      'functional-consultant-growth',
      { max: rational(15), partial: 'all-or-nothing' },
      { value: rational(26), full: rational(27) },
    );
    // Listed before its count or after it, the growth metric climbs in the count's ladder.
    expect(laddersOf(PCI, [growth, consultants]).map((l) => l.metrics.map((m) => m.id))).toEqual([
      ['functional-consultants', 'functional-consultant-growth'],
    ]);
    const ladders = laddersOf(PCI, [consultants, growth]);
    expect(ladders).toHaveLength(1);
    expect(ladders[0]!.metrics.map((m) => m.id)).toEqual(['functional-consultants', 'functional-consultant-growth']);
    expect(ladders[0]!.steps.map((s) => [text(s.value), s.points.map(text), text(s.more)])).toEqual([
      ['26', ['15', '0'], '0'],
      ['27', ['15', '15'], '1'],
    ]);
  });
  it('units of cost: per unit and per metric, the metric’s own first', () => {
    const adds = measured(
      PCI,
      'net-customer-adds',
      { max: rational(10), partial: 'linear' },
      { value: rational(0), full: rational(3), unit: 'customers' },
    );
    const devs = measured(PCI, 'developers', { max: rational(5), partial: 'linear' }, { value: rational(0), full: rational(5) });
    const units: UnitsOfCost = { units: { customers: rational(2), people: rational(4) }, metrics: { developers: rational(1, 2) } };
    const [a, d] = laddersOf(PCI, [adds, devs], units);
    expect([a!.steps[1]!.cost, d!.steps[1]!.cost]).toEqual([rational(1, 2), rational(2)]);
  });
});

describe('the cheapest combination', () => {
  const ladder = (...steps: [number, number][]): LadderChoice[] =>
    steps.map(([total, cost]) => ({ total: rational(total), cost: rational(cost) }));
  it('takes the cheapest mix, not the cheapest single ladder', () => {
    const best = cheapestCombination([ladder([0, 0], [5, 10]), ladder([0, 0], [3, 2]), ladder([0, 0], [2, 2])], rational(5));
    expect(best && [best.steps, text(best.cost), text(best.total)]).toEqual([[0, 1, 1], '4', '5']);
  });
  it('ties: fewer ladders moved, then the earlier ladder', () => {
    expect(cheapestCombination([ladder([0, 0], [2, 2]), ladder([0, 0], [2, 1], [4, 2])], rational(4))!.steps).toEqual([0, 2]);
    expect(cheapestCombination([ladder([0, 0], [4, 2]), ladder([0, 0], [4, 2])], rational(4))!.steps).toEqual([1, 0]);
  });
  it('none when the target is beyond every combination, or a ladder has no step allowed', () => {
    expect(cheapestCombination([ladder([0, 0], [3, 1]), ladder([1, 0])], rational(5))).toBeUndefined();
    expect(cheapestCombination([ladder([0, 0], [3, 1])], rational(1), () => false)).toBeUndefined();
  });
  it('the same least cost as a brute force over every combination of small random ladders', () => {
    const fraction = fc.record({ num: fc.integer({ min: 0, max: 12 }), den: fc.constantFrom(1, 2, 3, 7) });
    const ladders = fc.array(
      fc
        .tuple(
          fc.integer({ min: -6, max: 3 }),
          fc.boolean(),
          fc.array(fc.tuple(fraction, fraction, fc.boolean()), { minLength: 0, maxLength: 4 }),
        )
        .map(([start, allowedNow, rises]) => {
          // Steps from the points now (negative too: clampAtZero false): totals and costs only go up; some steps not allowed (the minimum per metric).
          let total = rational(start);
          let cost = rational(0);
          const steps: (LadderChoice & { allowed: boolean })[] = [{ total, cost, allowed: allowedNow }];
          for (const [t, c, allowed] of rises) {
            total = rational(total.num * BigInt(t.den) + BigInt(t.num + 1) * total.den, total.den * BigInt(t.den));
            cost = rational(cost.num * BigInt(c.den) + BigInt(c.num) * cost.den, cost.den * BigInt(c.den));
            steps.push({ total, cost, allowed });
          }
          return steps;
        }),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(ladders, fc.integer({ min: -10, max: 40 }), (ls, t) => {
        const target = rational(t, 2);
        let brute: Rational | undefined;
        const walk = (i: number, total: Rational, cost: Rational): void => {
          if (i === ls.length) {
            if (compareRational(total, target) >= 0 && (brute === undefined || compareRational(cost, brute) < 0)) brute = cost;
            return;
          }
          for (const s of ls[i]!)
            if (s.allowed)
              walk(
                i + 1,
                rational(total.num * s.total.den + s.total.num * total.den, total.den * s.total.den),
                rational(cost.num * s.cost.den + s.cost.num * cost.den, cost.den * s.cost.den),
              );
        };
        walk(0, rational(0), rational(0));
        const best = cheapestCombination(ls, target, (i, j) => ls[i]![j]!.allowed);
        if (brute === undefined) return best === undefined;
        if (!best) return false;
        // The combination is what it says: allowed steps, reaching the target, at that cost.
        const chosen = best.steps.map((j, i) => ls[i]![j]!);
        const sum = (f: (s: LadderChoice) => Rational) =>
          chosen.map(f).reduce((a, b) => rational(a.num * b.den + b.num * a.den, a.den * b.den), rational(0));
        return (
          compareRational(best.cost, brute) === 0 &&
          chosen.every((s) => s.allowed) &&
          compareRational(
            sum((s) => s.cost),
            brute,
          ) === 0 &&
          compareRational(
            sum((s) => s.total),
            target,
          ) >= 0
        );
      }),
      { numRuns: 500 },
    );
  });
});

const planOf = (records: Records, v: ScoredVersionDefinition, m: string, target: ScoredPlanTarget, path?: string, units?: UnitsOfCost) =>
  planScored(prepareScoring(v, datasetOf(records, versions)), 'P', monthIndex(m), target, units, path).paths;

/** The moves as [metrics, value now, value needed, points after, more, cost]. */
const movesOf = (p: ScoredPathPlan) =>
  p.outcome.kind === 'plan'
    ? p.outcome.moves.map((m) => [
        m.metrics.join('+'),
        text(m.from.value),
        text(m.to.value),
        text(m.to.total),
        text(m.to.more),
        text(m.to.cost),
      ])
    : p.outcome;

describe('the spec’s worked examples (A-Ex2, B-Ex5)', () => {
  const FO = 'finance-and-operations';
  it('A-Ex2 with 26 consultants: the next point of growth is one more consultant, and Gold takes it with 8 more active users', () => {
    const [fo] = planOf(aEx2(26), PCI, '2020-11', 'band', FO);
    expect([text(fo!.total), fo!.band, fo!.target?.band]).toEqual(['63', 'silver', 'gold']);
    const consultants = fo!.ladders.find((l) => l.metrics[0]!.id === 'functional-consultants')!;
    expect(consultants.steps.map((s) => [text(s.value), s.points.map(text), text(s.more)])).toEqual([
      ['26', ['15', '0'], '0'],
      ['27', ['15', '15'], '1'],
    ]);
    expect(movesOf(fo!)).toEqual([
      ['functional-consultants+functional-consultant-growth', '26', '27', '30', '1', '1'],
      ['monthly-active-user-growth', '15', '17', '17', '8', '0.08'],
    ]);
    expect(fo!.outcome.kind === 'plan' && [text(fo!.outcome.cost), text(fo!.outcome.total)]).toEqual(['1.08', '80']);
  });
  it('A-Ex2 with 27 consultants: Gold through 8 more active users; with active users dear, one more customer', () => {
    const [fo] = planOf(aEx2(27), PCI, '2020-11', 'band', FO);
    expect(movesOf(fo!)).toEqual([['monthly-active-user-growth', '15', '17', '17', '8', '0.08']]);
    const [dear] = planOf(aEx2(27), PCI, '2020-11', 'band', FO, { units: { 'active-users': rational(4) } });
    expect(movesOf(dear!)).toEqual([['net-customer-adds', '2', '3', '10', '1', '1']]);
  });
  it('the last point need not be whole: with 71.33 points, growth stops at 23.67% (35 more active users), not 24% (36)', () => {
    const r = aEx2(27);
    // One production instance less: new large deployments 1 of 3 (20/3), the total 71 1/3; Gold needs 8 2/3 more.
    r.instances = r.instances.filter((i) => i.id !== 'I2');
    const [fo] = planOf(r, PCI, '2020-11', 'band', FO);
    expect(text(fo!.total)).toBe('71.3333');
    expect(movesOf(fo!)).toEqual([['monthly-active-user-growth', '15', '23.67', '23.67', '35', '0.35']]);
    expect(fo!.outcome.kind === 'plan' && compareRational(fo!.outcome.total, rational(80))).toBe(1);
  });
  it('A-Ex2, Customer Engagement to Gold: unreachable, 75 points at most with growth under its gate', () => {
    const [ce] = planOf(aEx2(27), PCI, '2020-11', { band: 'gold' }, 'customer-engagement');
    expect(ce!.outcome).toEqual({
      kind: 'unreachable',
      reasons: [{ code: 'maximumBelowTarget', maximum: rational(75), needed: rational(80) }],
    });
  });
  it('at the band asked for: reached already; at the top band asked for the next: the top', () => {
    expect(planOf(aEx2(27), PCI, '2020-11', 'qualification', FO)[0]!.outcome).toEqual({ kind: 'reached' });
    const [top] = planOf(bEx4(), PCS, '2023-10', 'band');
    expect([top!.band, top!.target, top!.outcome]).toEqual(['qualified', null, { kind: 'top' }]);
  });
  it('B-Ex5: usage growth under its gate cannot score, and every metric must: qualification cannot be reached', () => {
    const [ba] = planOf(bEx5(false), PCS, '2023-10', 'qualification');
    expect(ba!.outcome).toEqual({
      kind: 'unreachable',
      reasons: [{ code: 'cannotScore', metric: 'usage-growth', note: 'underBaselineGate' }],
    });
  });
  it('B-Ex5 at 64.5: 6% more growth (1,560 of consumption); with consumption dear, one more advanced person', () => {
    const [ba] = planOf(bEx5(true), PCS, '2023-10', 'band');
    expect(movesOf(ba!)).toEqual([['usage-growth', '2', '8', '8', '1560', '0.156']]);
    const [dear] = planOf(bEx5(true), PCS, '2023-10', 'band', undefined, { units: { consumption: rational(1000) } });
    expect(movesOf(dear!)).toEqual([['advanced-certifications', '1', '2', '15', '1', '1']]);
    expect(dear!.outcome.kind === 'plan' && text(dear!.outcome.total)).toBe('72');
  });
  it('PCS at 70 points with usage growth at 0: the minimum forces a step of growth though the total is there', () => {
    const r = bEx5(false);
    peopleHolding(r, 'P', 1, 'power-platform-solution-architect-expert');
    // A tenant of 31 Business Central users a year ago and 26 now: 51,000 of consumption at both ends, 0% growth.
    tenantWith(r, 'X', 'BUSINESS-CENTRAL', 'P', 'DPOR');
    r.usage.push({ tenantId: 'X', workload: 'BUSINESS-CENTRAL', month: month('2023-10', -12), units: 31 });
    r.usage.push({ tenantId: 'X', workload: 'BUSINESS-CENTRAL', month: '2023-10', units: 26 });
    const [ba] = planOf(r, PCS, '2023-10', 'qualification');
    expect([text(ba!.total), ba!.band]).toEqual(['70', null]);
    // 1% of 51,000: 510 more.
    expect(movesOf(ba!)).toEqual([['usage-growth', '0', '1', '1', '510', '0.051']]);
    expect(ba!.outcome.kind === 'plan' && text(ba!.outcome.total)).toBe('71');
  });
});
