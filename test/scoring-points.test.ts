/**
 * Points at their edges (just under and at full points, partial points and
 * their rounding, the clamp at zero, all or nothing, per unit, the minimum per
 * metric), exact fractions, months, and a property test against a naive scorer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isMonth,
  monthIndex,
  monthText,
  nextValue,
  parseRational,
  pointsOf,
  rational,
  rationalToNumber,
  toDecimalText,
  validateScoringRecords,
  windowMonths,
  type PointsRule,
  type Rational,
} from '../src/engine/index.js';
import { add, compare, div, mul, sub } from '../src/engine/scoring/rational.js';

const r = (text: string): Rational => parseRational(text)!;
const rule = (partial: PointsRule['partial'], more: Partial<PointsRule> = {}): PointsRule => ({
  max: rational(10),
  partial,
  clampAtZero: true,
  rounding: { mode: 'none', step: rational(1) },
  ...more,
});
const pts = (ru: PointsRule, value: string, full: string | undefined = '300000'): string =>
  toDecimalText(pointsOf(ru, r(value), full === undefined ? undefined : r(full)), 6);

describe('points of a value', () => {
  it('linear: just under full points, at them, above them', () => {
    expect(pts(rule('linear'), '299999')).toBe('9.999967');
    expect(pointsOf(rule('linear'), r('299999.99'), r('300000'))).not.toEqual(rational(10));
    expect(pts(rule('linear'), '300000')).toBe('10');
    expect(pts(rule('linear'), '900000')).toBe('10');
    expect(pts(rule('linear'), '100000')).toBe('3.333333');
  });
  it('the clamp at zero, and its alternative', () => {
    expect(pts(rule('linear'), '-150000')).toBe('0');
    expect(pts(rule('linear', { clampAtZero: false }), '-150000')).toBe('-5');
  });
  it('rounding: down to whole points, to the nearest, or none', () => {
    const growth = (mode: 'none' | 'floor' | 'nearest', v: string) =>
      toDecimalText(pointsOf(rule('linear', { max: rational(30), rounding: { mode, step: rational(1) } }), r(v), rational(30)), 4);
    expect([growth('none', '2.99'), growth('floor', '2.99'), growth('nearest', '2.49'), growth('nearest', '2.5')]).toEqual([
      '2.99',
      '2',
      '2',
      '3',
    ]);
    expect(growth('floor', '29.999')).toBe('29');
    expect(growth('floor', '30')).toBe('30');
  });
  it('all or nothing: nothing just under, everything at the threshold', () => {
    expect(pts(rule('all-or-nothing'), '26', '27')).toBe('0');
    expect(pts(rule('all-or-nothing'), '27', '27')).toBe('10');
  });
  it('per unit: capped at the maximum, and the maximum at full', () => {
    const adv = rule('per-unit', { max: rational(15), perUnit: r('2.14') });
    expect(pts(adv, '3', '7')).toBe('6.42');
    expect(pts(adv, '6', '7')).toBe('12.84');
    expect(pts(adv, '7', '7')).toBe('15');
    const nca = rule('per-unit', { max: rational(15), perUnit: rational(3) });
    expect(pts(nca, '6', '99')).toBe('15');
  });
  it('no full value: the metric cannot score (no baseline, under the gate)', () => {
    expect(toDecimalText(pointsOf(rule('linear'), r('5'), undefined))).toBe('0');
    expect(nextValue(rule('linear'), r('5'), undefined, rational(1))).toBeUndefined();
  });
  it('fractions stay exact: three thirds of ten are ten', () => {
    const third = pointsOf(rule('linear'), rational(1), rational(3));
    expect(toDecimalText(third, 6)).toBe('3.333333');
    expect(toDecimalText(rational(third.num * 3n, third.den))).toBe('10');
  });
});

describe('what the next point costs', () => {
  it('linear in cents: the value of the next whole point', () => {
    expect(toDecimalText(nextValue(rule('linear'), rational(15_000_000), rational(30_000_000), rational(1))!)).toBe('18000000');
    expect(toDecimalText(nextValue(rule('linear'), rational(15_000_001), rational(30_000_000), rational(1))!)).toBe('18000000');
  });
  it('counts: whole people, a fraction of a point rounds the need up', () => {
    // 10 points at 3 people: one person is 3.33 points, the 4th point needs a second person.
    expect(toDecimalText(nextValue(rule('linear'), rational(1), rational(3), rational(1))!)).toBe('2');
  });
  it('at the maximum there is no next point', () => {
    expect(nextValue(rule('linear'), rational(5), rational(3), rational(1))).toBeUndefined();
  });
  it('all or nothing: the threshold', () => {
    expect(toDecimalText(nextValue(rule('all-or-nothing'), rational(20), rational(27), rational(1))!)).toBe('27');
  });
  it('a negative value: the need counts from below zero', () => {
    expect(toDecimalText(nextValue(rule('linear'), rational(-2), rational(10), rational(1))!)).toBe('1');
  });
});

describe('months', () => {
  it('counts back across years', () => {
    expect(monthText(monthIndex('2020-11') - 12)).toBe('2019-11');
    expect(monthText(monthIndex('2021-01') - 1)).toBe('2020-12');
    expect(monthText(monthIndex('2023-10') - 13)).toBe('2022-09');
    expect(windowMonths(monthIndex('2020-11'), -11, 0).map(monthText)).toEqual([
      '2019-12',
      '2020-01',
      '2020-02',
      '2020-03',
      '2020-04',
      '2020-05',
      '2020-06',
      '2020-07',
      '2020-08',
      '2020-09',
      '2020-10',
      '2020-11',
    ]);
  });

  it('reads a month as YYYY-MM exactly, and refuses anything else', () => {
    // The month is read from its characters: it must accept and refuse exactly what the pattern does.
    const PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
    const plain = (text: string) => {
      const m = PATTERN.exec(text);
      return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : 'refused';
    };
    const read = (text: string) => {
      try {
        return monthIndex(text);
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        return 'refused';
      }
    };
    const near = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: -1, max: 13 }))
        .map(([y, m]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`),
      fc.stringMatching(/^[0-9a/:\- ]{0,9}$/),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(near, (text) => {
        expect(read(text)).toBe(plain(text));
        expect(isMonth(text)).toBe(PATTERN.test(text));
      }),
      { numRuns: 3000 },
    );
    for (const text of ['0000-01', '9999-12', '2020-1', '2020-001', '20201-01', '2020/01', '٢٠٢٠-01', '2020-00', '2020-13', ' 2020-01'])
      expect([text, read(text)]).toEqual([text, plain(text)]);
  });
});

/** The naive scorer: floats, the formula of the spec written out. */
function naive(
  max: number,
  full: number,
  value: number,
  partial: 'linear' | 'all-or-nothing',
  clamp: boolean,
  floorPoints: boolean,
): number {
  const v = clamp ? Math.max(0, value) : value;
  let p = v >= full ? max : partial === 'all-or-nothing' ? 0 : Math.min(max, (max * v) / full);
  if (floorPoints) p = Math.floor(p + 1e-9);
  return p;
}

describe('against a naive scorer', () => {
  it('agrees on random metrics, values and readings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: -1_000_000, max: 2_000_000 }),
        fc.constantFrom<'linear' | 'all-or-nothing'>('linear', 'all-or-nothing'),
        fc.boolean(),
        fc.boolean(),
        (max, full, value, partial, clampAtZero, floorPoints) => {
          const ru = rule(partial, {
            max: rational(max),
            clampAtZero,
            rounding: { mode: floorPoints ? 'floor' : 'none', step: rational(1) },
          });
          const exact = pointsOf(ru, rational(value), rational(full));
          expect(rationalToNumber(exact)).toBeCloseTo(naive(max, full, value, partial, clampAtZero, floorPoints), 9);
          // The next point's value is the least whole value earning more.
          const next = nextValue(ru, rational(value), rational(full), rational(1));
          if (next === undefined) expect(rationalToNumber(exact)).toBe(max);
          else {
            expect(rationalToNumber(pointsOf(ru, next, rational(full)))).toBeGreaterThan(rationalToNumber(exact));
            const before = rational(next.num / next.den - 1n);
            if (rationalToNumber(before) >= value)
              expect(rationalToNumber(pointsOf(ru, before, rational(full)))).toBeLessThanOrEqual(rationalToNumber(exact) + 1 + 1e-9);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('scoring records', () => {
  const catalog = {
    products: new Set(['D365-SALES']),
    workloads: new Set(['D365-SALES']),
    associationTypes: new Set(['DPOR']),
    countries: new Set(['US']),
  };
  it('refuses an unknown collection and a collection that is not a list', () => {
    const result = validateScoringRecords({ usage: {}, tenant: [] } as never, catalog);
    expect(result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field} ${p.code}`)).toEqual([
      'dataset tenant unknownCollection',
      'dataset usage collectionNotArray',
    ]);
  });
  it('keeps a dataset without them valid', () => {
    expect(validateScoringRecords({}, catalog).ok).toBe(true);
  });
  it('names the record and the field of every problem', () => {
    const result = validateScoringRecords(
      {
        partners: [{ id: 'P', country: 'ZZ' }],
        tenants: [{ id: 'T', country: 'US' }],
        subscriptions: [{ id: 'S', tenantId: 'T9', product: 'D365-NOPE', paid: true }],
        billing: [
          { id: 'B1', subscriptionId: 'S', month: '2020-13', amountUsd: 1 },
          { id: 'B2', subscriptionId: 'S', month: '2020-01', amountUsd: '1.001' },
        ],
        associations: [{ partnerId: 'P', subscriptionId: 'S', type: 'OSA', from: '2020-05', to: '2020-01' }],
        usage: [{ tenantId: 'T', workload: 'D365-SALES', month: '2020-01', units: '-3' }],
      },
      catalog,
    );
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field} ${p.code}`);
    expect(problems).toEqual([
      'billing[0] (id B1) month notMonth',
      'partners[0] (id P) country notMarketCountry',
      'subscriptions[0] (id S) tenantId unknownReference',
      'subscriptions[0] (id S) product notProgramProduct',
      'billing[1] (id B2) amountUsd notDecimalNumber',
      'usage[0] units notDecimalNumber',
      'associations[0] type notAssociationType',
      'associations[0] to dateBefore',
    ]);
  });
  it('names each duplicated id with the first record that has it, in order, and references still find the id', () => {
    const billing = (id: string) => ({ id, subscriptionId: 'S', month: '2020-01', amountUsd: 1 });
    const result = validateScoringRecords(
      {
        partners: [{ id: 'P', country: 'US' }],
        tenants: [
          { id: 'T', country: 'US' },
          { id: 'T', country: 'US' },
        ],
        subscriptions: [{ id: 'S', tenantId: 'T', product: 'D365-SALES', paid: true }],
        billing: [billing('B1'), billing('B2'), billing('B1'), billing('B3'), billing('B2'), billing('B1')],
      },
      catalog,
    );
    const problems = result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field} ${p.code} ${String(p.values['other'])}`);
    expect(problems).toEqual([
      'tenants[1] (id T) id duplicateId tenants[0]',
      'billing[2] (id B1) id duplicateId billing[0]',
      'billing[4] (id B2) id duplicateId billing[1]',
      'billing[5] (id B1) id duplicateId billing[0]',
    ]);
  });
});

describe('exact fractions against the plain arithmetic', () => {
  // The arithmetic takes shortcuts for whole numbers (no reduction, no cross products): each result must be the
  // reduced fraction the plain formula gives, whole operands or not, signs and zero included.
  const plainGcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : plainGcd(b, a % b));
  const reduced = (num: bigint, den: bigint) => {
    const sign = den < 0n ? -1n : 1n;
    const g = plainGcd(num, den);
    return { num: (sign * num) / g, den: (sign * den) / g };
  };
  const big = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
  const fraction = fc.oneof(
    big.map((n) => [n, 1n] as const),
    fc.tuple(big, fc.bigInt({ min: 1n, max: 10n ** 12n })),
    fc.tuple(fc.integer({ min: -12, max: 12 }), fc.integer({ min: 1, max: 12 })).map(([n, d]) => [BigInt(n), BigInt(d)] as const),
  );
  it('add, sub, mul, div and compare give the reduced fraction of the plain formula', () => {
    fc.assert(
      fc.property(fraction, fraction, ([an, ad], [bn, bd]) => {
        const a = rational(an, ad);
        const b = rational(bn, bd);
        expect(a).toEqual(reduced(an, ad));
        expect(add(a, b)).toEqual(reduced(an * bd + bn * ad, ad * bd));
        expect(sub(a, b)).toEqual(reduced(an * bd - bn * ad, ad * bd));
        expect(mul(a, b)).toEqual(reduced(an * bn, ad * bd));
        if (bn !== 0n) expect(div(a, b)).toEqual(reduced(an * bd, ad * bn));
        const d = an * bd - bn * ad;
        expect(compare(a, b)).toBe(d < 0n ? -1 : d > 0n ? 1 : 0);
      }),
      { numRuns: 3000 },
    );
  });
  it('a whole number given as a number or a bigint, and a negative denominator', () => {
    expect(rational(-6, -4)).toEqual({ num: 3n, den: 2n });
    expect(rational(7)).toEqual({ num: 7n, den: 1n });
    expect(rational(0, -5)).toEqual({ num: 0n, den: 1n });
    // Small whole numbers are shared objects; the edges of the shared range and past them are the same values.
    for (const n of [-257, -256, -1, 0, 1, 256, 257]) expect(rational(n)).toEqual({ num: BigInt(n), den: 1n });
    expect(() => rational(0.5)).toThrow(RangeError);
    expect(() => rational(1, 0)).toThrow(RangeError);
  });
});
