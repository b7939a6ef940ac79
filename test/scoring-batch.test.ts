/**
 * Issue 19: every partner in one pass. scoreAll must give, for every partner, the segment, each path's
 * metric points, total and band, and the partner's band exactly as scorePartner's report does — on random
 * small datasets and on generated populations, under every bundled scored version.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  monthIndex,
  prepareScoring,
  scoreAll,
  scoreAllPrepared,
  scorePartner,
  scorePrepared,
  type PreparedScoring,
  type BatchScore,
  type ScoredVersionDefinition,
  type ScoringDataset,
} from '../src/engine/index.js';
import { generateScoredRecords } from '../src/generate/scored.js';
import { datasetOf } from './support/scoring.js';
import { recordsArbFor, recordsAt, versions } from './support/scored-records.js';

/** What the batch says of a partner, read from scorePartner's whole report (scorePrepared's, the same, on larger datasets). */
function fromReport(
  version: ScoredVersionDefinition,
  data: ScoringDataset,
  partnerId: string,
  month: number,
  prepared?: PreparedScoring,
): BatchScore {
  const report = prepared ? scorePrepared(prepared, partnerId, month) : scorePartner(version, data, partnerId, month);
  return {
    partnerId,
    segment: report.segment,
    paths: report.paths.map((p) => ({ id: p.id, points: p.metrics.map((m) => m.points), total: p.total, band: p.band })),
    band: report.band,
  };
}

function expectSameAsReports(
  version: ScoredVersionDefinition,
  data: ScoringDataset,
  month: number,
  prepared?: PreparedScoring,
): BatchScore[] {
  const batch = scoreAll(version, data, month);
  expect(batch.map((b) => b.partnerId)).toEqual([...data.partners.keys()]);
  for (const b of batch) expect(b).toEqual(fromReport(version, data, b.partnerId, month, prepared));
  return batch;
}

describe('scoreAll against scorePartner', () => {
  for (const version of versions) {
    it(`gives every partner's points, totals and bands as scorePartner does under ${version.effectiveFrom}, on random datasets`, () => {
      const start = monthIndex(version.effectiveFrom.slice(0, 7));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 14 }), recordsArbFor(version), fc.integer({ min: -2, max: 2 }), (k, x, shift) => {
          const M = start + k;
          const data = datasetOf(recordsAt(M, x), versions);
          expectSameAsReports(version, data, M + shift);
        }),
        { numRuns: 60 },
      );
    });

    it(`agrees with scorePartner on a generated population under ${version.effectiveFrom}, bands reached included`, () => {
      const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 6;
      const data = datasetOf(generateScoredRecords(version, { partners: 150, month: M, seed: 19 }), versions);
      const prepared = prepareScoring(version, data);
      const batch = expectSameAsReports(version, data, M, prepared);
      // Not vacuous: most partners earn points, some reach a band.
      expect(batch.filter((b) => b.paths.some((p) => p.total.num > 0n)).length).toBeGreaterThan(50);
      expect(batch.some((b) => b.band !== null)).toBe(true);
      // One preparation scores several months alike.
      for (const month of [M - 1, M]) expect(scoreAllPrepared(prepared, month)).toEqual(scoreAll(version, data, month));
    });
  }

  it('scores nobody in an empty dataset', () => {
    const data = datasetOf({}, versions);
    for (const version of versions) expect(scoreAll(version, data, monthIndex(version.effectiveFrom.slice(0, 7)))).toEqual([]);
  });
});
