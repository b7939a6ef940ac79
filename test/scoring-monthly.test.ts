/**
 * Issue 19: the scoring index packs billing, seats and usage into monthly sums of plain numbers. Sums stay
 * exact: usage with decimals is scaled to its most decimal places, and a collection whose absolute values add up
 * beyond 2^53 − 1 is refused rather than summed inexactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthIndex, prepareScoring, scorePrepared } from '../src/engine/index.js';
import { MonthlySumOutOfRangeError, MonthlySums } from '../src/engine/scoring/monthly.js';
import { scorePartner as scoreWholeDataset } from './support/score-whole-dataset.js';
import { datasetOf } from './support/scoring.js';
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
    expect(() => prepareScoring(version, datasetOf({ ...records, usage }, versions))).toThrow(MonthlySumOutOfRangeError);
  });
});
