/**
 * Issue 19: the scoring index packs billing, seats and usage into monthly sums of plain numbers. Sums stay
 * exact: usage with decimals is scaled to its most decimal places, and a collection whose absolute values add up
 * beyond 2^53 − 1 is refused rather than summed inexactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  monthIndex,
  prepareScoring,
  scorePartner,
  scorePrepared,
  ScoringIndex,
  validateScoringRecords,
  type IndexReads,
} from '../src/engine/index.js';
import { denseSpan, MonthlySumOutOfRangeError, MonthlySums, MonthPlaces } from '../src/engine/scoring/monthly.js';
import { doubles, filled, zeros } from '../src/engine/scoring/heap-numbers.js';
import { scorePartner as scoreWholeDataset } from './support/score-whole-dataset.js';
import { catalogOf, datasetOf, emptyRecords, tenantWith, type Records } from './support/scoring.js';
import { PARTNERS, recordsArbFor, recordsAt, versions } from './support/scored-records.js';

describe('monthly sums', () => {
  const records = [
    { key: 0, month: 5, value: 3 },
    { key: 2, month: 9, value: -4 },
    { key: 0, month: 7, value: 10 },
    { key: 0, month: 5, value: 1 },
    { key: 1, month: 1, value: 99 }, // skipped: slot −1 below
  ];
  const sums = MonthlySums.pack(
    'test',
    records.length,
    3,
    (i) => (records[i]!.key === 1 ? -1 : records[i]!.key),
    (i) => records[i]!.month,
    (i) => records[i]!.value,
    true,
  );

  it('sums and counts each slot by month, 0 outside its months, for a slot without records and for slot −1', () => {
    expect([sums.at(0, 5), sums.countAt(0, 5), sums.at(0, 6), sums.countAt(0, 6), sums.at(0, 7)]).toEqual([4, 2, 0, 0, 10]);
    expect([sums.at(0, 4), sums.at(0, 8), sums.at(2, 9), sums.at(1, 1), sums.at(-1, 5)]).toEqual([0, 0, -4, 0, 0]);
    expect([sums.firstMonth(0), sums.lastMonth(0), sums.firstMonth(1) > sums.lastMonth(1)]).toEqual([5, 7, true]);
  });

  it('refuses values adding up (in absolute value) beyond 2^53 − 1', () => {
    const values = [Number.MAX_SAFE_INTEGER - 1, -2];
    expect(() =>
      MonthlySums.pack(
        'big',
        2,
        1,
        () => 0,
        (i) => i,
        (i) => values[i]!,
      ),
    ).toThrow(MonthlySumOutOfRangeError);
    expect(
      MonthlySums.pack(
        'fits',
        1,
        1,
        () => 0,
        () => 0,
        () => Number.MAX_SAFE_INTEGER,
      ).at(0, 0),
    ).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("the index's arrays in the heap", () => {
  it('are n copies of the value, by either way of making them, with every index present', () => {
    for (const n of [0, 1, 7, 1000]) {
      for (const largestFast of [0, 7, 2 ** 25]) {
        const a = filled(n, -3, largestFast);
        expect(a).toHaveLength(n);
        expect(a.every((x) => x === -3)).toBe(true);
        expect(Object.keys(a)).toHaveLength(n); // packed: no holes
      }
      expect(zeros(n)).toEqual(new Array(n).fill(0));
      for (const largestFast of [0, 7, 2 ** 25]) {
        const d = doubles(n, largestFast);
        expect(d).toEqual(new Array(n).fill(0));
        expect(Object.keys(d)).toHaveLength(n);
      }
      const d = doubles(n);
      // A double array keeps sums past small integers exact, like the Float64Array it replaces.
      if (n > 0) {
        d[0] = 2 ** 53 - 1;
        d[0] -= 1;
        expect(d[0]).toBe(2 ** 53 - 2);
      }
    }
  });
});

describe('monthly sums over wide spans of months', () => {
  /** Packs records of [slot, month, value], with counts. */
  const packOf = (slots: number, records: readonly (readonly [number, number, number])[]) =>
    MonthlySums.pack(
      'test',
      records.length,
      slots,
      (i) => records[i]![0],
      (i) => records[i]![1],
      (i) => records[i]![2],
      true,
    );

  it('answers as a plain map of slot and month, whether a slot is kept dense or sparse', () => {
    const month = fc.oneof(fc.integer({ min: 24_000, max: 24_060 }), fc.integer({ min: 0, max: 119_999 }));
    const record = fc.tuple(fc.integer({ min: -1, max: 5 }), month, fc.integer({ min: -1000, max: 1000 }));
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), fc.array(month, { minLength: 1, maxLength: 20 }), (records, asked) => {
        const sums = packOf(6, records);
        for (let slot = -1; slot < 6; slot++) {
          const mine = records.filter(([s]) => s === slot && slot >= 0);
          const months = mine.map(([, m]) => m);
          for (const m of [...asked, ...months, ...months.map((x) => x + 1), ...months.map((x) => x - 1)]) {
            const here = mine.filter(([, at]) => at === m);
            expect(sums.at(slot, m)).toBe(here.reduce((a, [, , v]) => a + v, 0));
            expect(sums.countAt(slot, m)).toBe(here.length);
          }
          if (mine.length > 0) expect([sums.firstMonth(slot), sums.lastMonth(slot)]).toEqual([Math.min(...months), Math.max(...months)]);
          else expect(sums.firstMonth(slot) > sums.lastMonth(slot)).toBe(true);
        }
        // Memory grows with the records, not with the years between them.
        expect(sums.cells).toBeLessThanOrEqual(records.reduce((a, [s]) => a + (s >= 0 ? 3 : 0), 0) + 24 * 6);
      }),
      { numRuns: 300 },
    );
  });

  it('packed for some months by their places, answers as a plain map of slot and month, and 0 for a month not kept', () => {
    const month = fc.integer({ min: 24_000, max: 24_040 });
    const record = fc.tuple(fc.integer({ min: -1, max: 5 }), month, fc.integer({ min: -1000, max: 1000 }));
    fc.assert(
      fc.property(fc.uniqueArray(month, { minLength: 1, maxLength: 6 }), fc.array(record, { maxLength: 60 }), (keptMonths, drawn) => {
        const months = [...keptMonths].sort((a, b) => a - b);
        const places = new MonthPlaces(months);
        // Only records of months kept are packed, each by its month's place, as the scoring index packs them.
        const records = drawn.filter(([, m]) => months.includes(m));
        const sums = MonthlySums.pack(
          'test',
          records.length,
          6,
          (i) => records[i]![0],
          (i) => places.placeOf(records[i]![1]),
          (i) => records[i]![2],
          true,
          places,
        );
        for (let slot = -1; slot < 6; slot++) {
          const mine = records.filter(([s]) => s === slot && slot >= 0);
          for (let m = 23_998; m <= 24_042; m++) {
            const here = mine.filter(([, at]) => at === m);
            expect(sums.at(slot, m)).toBe(here.reduce((a, [, , v]) => a + v, 0));
            expect(sums.countAt(slot, m)).toBe(here.length);
          }
          const at = mine.map(([, m]) => m);
          if (mine.length > 0) expect([sums.firstMonth(slot), sums.lastMonth(slot)]).toEqual([Math.min(...at), Math.max(...at)]);
          else expect(sums.firstMonth(slot) > sums.lastMonth(slot)).toBe(true);
        }
        // A run spans the places of the months kept, not the months between them.
        expect(sums.cells).toBeLessThanOrEqual(6 * months.length);
      }),
      { numRuns: 300 },
    );
    expect(() => new MonthPlaces([5, 5])).toThrow(RangeError);
    expect(new MonthPlaces([]).placeOf(0)).toBe(-1);
  });

  it('keeps two records nine thousand years apart in two cells, not a hundred thousand', () => {
    const slots = 20_000;
    // Every slot billed in 0001-01 and 9999-12: dense runs would take 2.4 billion cells (19 GB).
    const records = Array.from({ length: 2 * slots }, (_, i) => [i >> 1, i % 2 === 0 ? 12 : 9999 * 12 + 11, i + 1] as const);
    const sums = packOf(slots, records);
    expect(sums.cells).toBe(2 * slots);
    expect([sums.at(7, 12), sums.at(7, 9999 * 12 + 11), sums.at(7, 13), sums.countAt(7, 12)]).toEqual([15, 16, 0, 1]);
    expect([sums.firstMonth(7), sums.lastMonth(7)]).toEqual([12, 9999 * 12 + 11]);
    // A slot billed every month of three years stays one run of 36 cells.
    expect(denseSpan(36)).toBeGreaterThanOrEqual(36);
  });
});

/** Units with up to three decimals (some whole), from the drawn whole units. */
const withDecimals = (units: number | string): string => {
  const u = Number(units);
  return u % 3 === 0
    ? String(u)
    : `${Math.floor(u / 10)}.${
        String(u % 1000)
          .padStart(3, '0')
          .replace(/0+$/, '') || '0'
      }`;
};

describe('usage with decimals', () => {
  for (const version of versions) {
    it(`scores usage with decimal units exactly as the whole-dataset scorer under ${version.effectiveFrom}`, () => {
      const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 3;
      fc.assert(
        fc.property(recordsArbFor(version), (x) => {
          const records = recordsAt(M, x);
          const data = datasetOf(
            { ...records, usage: (records.usage ?? []).map((u) => ({ ...u, units: withDecimals(u.units) })) },
            versions,
          );
          const prepared = prepareScoring(version, data);
          for (const partner of PARTNERS) expect(scorePrepared(prepared, partner, M)).toEqual(scoreWholeDataset(version, data, partner, M));
        }),
        { numRuns: 25 },
      );
    });
  }

  it('refuses usage adding up beyond 2^53 − 1 of its smallest unit', () => {
    const version = versions[0]!;
    const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 3;
    const [x] = fc.sample(recordsArbFor(version), { numRuns: 1, seed: 19 });
    const records = recordsAt(M, x!);
    const tenantId = records.tenants![0]!.id;
    const workload = version.workloads[0]!.id;
    const month = version.effectiveFrom.slice(0, 7);
    const usage = [
      { tenantId, workload, month, units: '900719925474.0991' },
      { tenantId, workload, month, units: '0.0001' },
    ];
    // Refused when read (naming the record), so the index never meets it; the index refuses it too if handed it.
    const result = validateScoringRecords({ ...records, usage }, catalogOf(versions));
    expect(result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field} ${p.code}`)).toEqual(['usage[0] units usageTooPrecise']);
    const fine = datasetOf({ ...records, usage: usage.slice(1) }, versions);
    const tooMuch = { ...fine, usage: [...fine.usage, { ...fine.usage[0]!, units: '900719925474.0991' }] };
    expect(() => prepareScoring(version, tooMuch)).toThrow(MonthlySumOutOfRangeError);
  });
});

describe('usage, seats and billing a scoring dataset refuses or reads plainly', () => {
  const pcs = versions.find((v) => v.effectiveFrom === '2023-06-13')!;
  /** One partner with a Business Central tenant whose usage in October 2023 is `units` (and 30 in October 2022). */
  function withUsage(units: number | string): Records {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    tenantWith(r, 'T', 'BUSINESS-CENTRAL', 'P', 'DPOR');
    r.usage.push({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: '2022-10', units: 30 });
    r.usage.push({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: '2023-10', units });
    return r;
  }
  const usageOf = (units: number | string) => {
    const report = scorePartner(pcs, datasetOf(withUsage(units), versions), 'P', monthIndex('2023-10'));
    return report.paths[0]!.metrics.find((m) => m.id === 'usage-growth')!.value;
  };

  it('reads units written with an exponent or trailing zeros as the plain decimal they are', () => {
    // 45 users measure the same however 45 is written; another count measures otherwise.
    const plain = usageOf(45);
    expect([usageOf('45.000'), usageOf(45.0), usageOf('4.5e1'), usageOf('0.45e2')]).toEqual([plain, plain, plain, plain]);
    expect(usageOf(90)).not.toBe(plain);
    const data = datasetOf(withUsage(1e-7), versions);
    expect(data.usage.map((u) => u.units)).toEqual(['30', '0.0000001']);
    expect(() => scorePartner(pcs, data, 'P', monthIndex('2023-10'))).not.toThrow();
  });

  it('refuses, naming the record, units so fine that the usage no longer adds up exactly', () => {
    // 12 decimal places: 10,000 users become 10^16 units of 10^−12, past 2^53 − 1.
    const r = withUsage('0.000000000001');
    r.usage.push({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: '2023-09', units: 10_000 });
    const result = validateScoringRecords(r, catalogOf(versions));
    expect(result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field} ${p.code}`)).toEqual(['usage[1] units usageTooPrecise']);
    // The same fine record beside small usage is exact, and accepted.
    expect(validateScoringRecords(withUsage('0.000000000001'), catalogOf(versions)).ok).toBe(true);
  });

  it('refuses billing whose absolute amounts add up beyond exact cents, though each amount is exact', () => {
    const r = withUsage(3);
    const s = r.subscriptions[0]!.id;
    // $50 trillion is 5 × 10^15 cents, exact; two of them (a charge and its credit) are 10^16 in absolute value.
    r.billing.push({ id: 'B-1', subscriptionId: s, month: '2023-09', amountUsd: '50000000000000' });
    expect(validateScoringRecords(r, catalogOf(versions)).ok).toBe(true);
    r.billing.push({ id: 'B-2', subscriptionId: s, month: '2023-10', amountUsd: '-50000000000000' });
    const result = validateScoringRecords(r, catalogOf(versions));
    expect(result.ok ? [] : result.problems.map((p) => `${p.record} ${p.field} ${p.code}`)).toEqual(['dataset billing scoringSumTooLarge']);
  });
});

describe('the index built with every part at once or each part when first read', () => {
  const parts = ['billing', 'seats', 'usage', 'people', 'baselines', 'instances'] as const;
  const reads = (built: boolean): IndexReads => Object.fromEntries(parts.map((p) => [p, built])) as unknown as IndexReads;

  it('scales usage to the most decimal places, whichever record brings them, beside usage of a tenant nobody subscribes', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    tenantWith(r, 'T', 'BUSINESS-CENTRAL', 'P', 'DPOR');
    r.tenants.push({ id: 'U', country: 'US' });
    // More decimal places arrive twice after whole units, and fewer after them: the rows before are rescaled.
    const units = ['3', '1.5', '0.25', '2', '0.125', '40'];
    units.forEach((u, i) => r.usage.push({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: `2023-0${i + 1}`, units: u }));
    r.usage.push({ tenantId: 'U', workload: 'BUSINESS-CENTRAL', month: '2023-01', units: '7.5' });
    const data = datasetOf(r, versions);
    for (const built of [true, false]) {
      const index = new ScoringIndex(data, reads(built));
      const [tenant] = index.candidateTenants('P');
      expect(tenant?.id).toBe('T');
      const read = units.map((_, i) => index.usageOf(tenant!.slot, 'BUSINESS-CENTRAL', monthIndex(`2023-0${i + 1}`)));
      expect(
        read.map((u) => `${u.num}/${u.den}`),
        `built with the index: ${built}`,
      ).toEqual(['3/1', '3/2', '1/4', '2/1', '1/8', '40/1']);
      expect(index.usageScale).toBe(1000n);
      expect(index.workloadNumber('POWER-BI')).toBe(-1);
    }
  });

  it('refuses usage beyond 2^53 − 1 of its smallest unit even on a tenant nobody can be credited on', () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    r.tenants.push({ id: 'U', country: 'US' });
    r.usage.push({ tenantId: 'U', workload: 'BUSINESS-CENTRAL', month: '2023-01', units: '0.0001' });
    const fine = datasetOf(r, versions);
    const tooMuch = { ...fine, usage: [...fine.usage, { ...fine.usage[0]!, units: '900719925474.0991' }] };
    expect(() => new ScoringIndex(tooMuch, reads(true))).toThrow(MonthlySumOutOfRangeError);
    // Built when first read, the same refusal comes then.
    const later = new ScoringIndex(tooMuch, reads(false));
    expect(() => later.usage).toThrow(MonthlySumOutOfRangeError);
  });
});
