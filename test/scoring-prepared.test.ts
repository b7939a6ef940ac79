/**
 * Issue 19: prepare once, score many. The prepared path (indexes built once, a
 * partner reading only its own records) must give the whole report — points,
 * bands, next point, routes — exactly as the frozen whole-dataset scorer does,
 * on random small datasets under every bundled scored version.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthIndex, prepareScoring, scorePartner, scorePrepared } from '../src/engine/index.js';
import { scorePartner as scoreWholeDataset } from './support/score-whole-dataset.js';
import { datasetOf } from './support/scoring.js';
import { PARTNERS, recordsArbFor, recordsAt, versions } from './support/scored-records.js';

describe('prepared scoring against the frozen whole-dataset scorer', () => {
  for (const version of versions) {
    it(`gives the same whole report under ${version.effectiveFrom}, for every partner and several months from one preparation`, () => {
      const start = monthIndex(version.effectiveFrom.slice(0, 7));
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 14 }),
          recordsArbFor(version),
          fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 1, maxLength: 3 }),
          (k, x, shifts) => {
            const M = start + k;
            const data = datasetOf(recordsAt(M, x), versions);
            const prepared = prepareScoring(version, data);
            for (const shift of shifts)
              for (const partner of [...PARTNERS, 'nobody']) {
                const expected = scoreWholeDataset(version, data, partner, M + shift);
                expect(scorePrepared(prepared, partner, M + shift)).toEqual(expected);
                expect(scorePartner(version, data, partner, M + shift)).toEqual(expected);
              }
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('draws datasets in which partners do score under every version (the property is not vacuous)', () => {
    for (const version of versions) {
      const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 3;
      const samples = fc.sample(recordsArbFor(version), { numRuns: 200, seed: 19 });
      const scoring = samples.filter((x) => {
        const data = datasetOf(recordsAt(M, x), versions);
        const prepared = prepareScoring(version, data);
        return PARTNERS.some((p) =>
          scorePrepared(prepared, p, M).paths.some((path) => path.metrics.some((m) => m.points.num !== 0n && m.kind !== 'certified-count')),
        );
      });
      // PCS metrics need revenue over per-pair thresholds in two months; about 5% of draws reach them, PCI far more.
      expect(scoring.length, version.effectiveFrom).toBeGreaterThanOrEqual(5);
    }
  });
});
