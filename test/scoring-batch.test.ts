/**
 * Issue 19: every partner in one pass. scoreAll must give, for every partner, the segment, each path's
 * metric points, total and band, and the partner's band exactly as scorePartner's report does — on random
 * small datasets and on generated populations, under every bundled scored version. A preparation for one month
 * (what scoreAll makes: only the months that month's metrics read packed) gives the whole report scorePartner
 * gives, and refuses any other month.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  monthIndex,
  monthsRead,
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
import { datasetOf, emptyRecords } from './support/scoring.js';
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

  it('gives the same from a dataset whose records have no places remembered (references found by id)', () => {
    // A dataset made without validation, or records copied, has no places (places.ts): each record then finds its
    // subscription, tenant or person by id, in the index and in the batch's certified counts alike.
    for (const version of versions) {
      const start = monthIndex(version.effectiveFrom.slice(0, 7));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 14 }), recordsArbFor(version), (k, x) => {
          const M = start + k;
          const data = datasetOf(recordsAt(M, x), versions);
          const unplaced: ScoringDataset = {
            ...data,
            billing: [...data.billing],
            seats: [...data.seats],
            usage: [...data.usage],
            associations: [...data.associations],
            examPasses: [...data.examPasses],
            certificationsHeld: [...data.certificationsHeld],
          };
          expect(scoreAll(version, unplaced, M)).toEqual(expectSameAsReports(version, data, M));
        }),
        { numRuns: 25 },
      );
    }
  });

  it('counts certified people at the edges of the date: held from the last day of the month, expiring on it, no longer eligible', () => {
    const pcs = versions.find((v) => v.effectiveFrom === '2023-06-13')!;
    const M = monthIndex('2023-12'); // certifications are held on 2023-12-31
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' }, { id: 'Q', country: 'US' });
    const held: [partner: string, certification: string, date: string, expires?: string][] = [
      ['P', 'd365-functional-consultant-sales', '2023-12-31'], // counts: held on the day
      ['P', 'd365-functional-consultant-sales', '2024-01-01'], // not yet
      ['P', 'd365-functional-consultant-sales', '2023-01-01', '2023-12-31'], // counts: expires on the day
      ['P', 'd365-functional-consultant-sales', '2023-01-01', '2023-12-30'], // expired the day before
      ['P', 'power-platform-app-maker', '2023-01-01'], // eligible until 2023-11-30
      ['Q', 'd365-functional-consultant-sales', '2023-06-01'], // Q's, not P's
    ];
    held.forEach(([partnerId, certification, date, expires], i) => {
      r.people.push({ id: `person-${i}`, partnerId });
      r.certificationsHeld.push({ personId: `person-${i}`, certification, date, ...(expires ? { expires } : {}) });
    });
    const data = datasetOf(r, versions);
    const batch = expectSameAsReports(pcs, data, M);
    const certified = (partner: string) =>
      scorePartner(pcs, data, partner, M).paths[0]!.metrics.find((m) => m.id === 'intermediate-certifications')!.value;
    expect([certified('P'), certified('Q')]).toEqual(['2', '1']);
    expect(batch.map((b) => b.paths[0]!.points[1])).toEqual(['P', 'Q'].map((p) => fromReport(pcs, data, p, M).paths[0]!.points[1]));
  });

  it('scores nobody in an empty dataset', () => {
    const data = datasetOf({}, versions);
    for (const version of versions) expect(scoreAll(version, data, monthIndex(version.effectiveFrom.slice(0, 7)))).toEqual([]);
  });
});

describe('a preparation for one month', () => {
  for (const version of versions) {
    it(`gives scorePartner's whole report for that month under ${version.effectiveFrom}, and refuses another`, () => {
      const start = monthIndex(version.effectiveFrom.slice(0, 7));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 14 }), recordsArbFor(version), fc.integer({ min: -2, max: 2 }), (k, x, shift) => {
          const M = start + k;
          const data = datasetOf(recordsAt(M, x), versions);
          const month = M + shift;
          const prepared = prepareScoring(version, data, { month });
          for (const partnerId of data.partners.keys())
            expect(scorePrepared(prepared, partnerId, month)).toEqual(scorePartner(version, data, partnerId, month));
          expect(() => scoreAllPrepared(prepared, month + 1)).toThrow(RangeError);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('packs the months the metrics read: the Partner Capability Score of 2023-06-13 as of 2023-12 reads four', () => {
    const pcs = versions.find((v) => v.effectiveFrom === '2023-06-13')!;
    const M = monthIndex('2023-12');
    // Track: M−1 and M−13; net customer adds, the usage growth and deployments: M and M−12.
    expect(monthsRead(pcs, M)).toEqual([M - 13, M - 12, M - 1, M]);
    // PCI's net customer adds read their window and, for each of its months, the seats a year before it and the month before that.
    const pci = versions.find((v) => v.effectiveFrom === '2020-12-16')!;
    const nca = pci.paths.flatMap((p) => p.metrics).find((m) => m.kind === 'net-customer-adds');
    if (nca?.kind !== 'net-customer-adds') throw new Error('PCI 2020-12-16 has a net customer adds metric');
    const read = monthsRead(pci, M);
    expect(read).toContain(M + nca.window.from - 13);
    expect(read).not.toContain(M + nca.window.from - 14);
    // Its new large deployments: usage below the threshold at M−12, reached in M−11 … M−1.
    for (let k = -12; k <= -1; k++) expect(read).toContain(M + k);
  });

  it('says which month it was prepared for when asked for another', () => {
    const version = versions.find((v) => v.effectiveFrom === '2023-06-13')!;
    const M = monthIndex('2023-12');
    const data = datasetOf(generateScoredRecords(version, { partners: 20, month: M, seed: 3 }), versions);
    const prepared = prepareScoring(version, data, { month: M });
    expect(() => scorePrepared(prepared, [...data.partners.keys()][0]!, M - 1)).toThrow(/prepared for 2023-12 cannot score 2023-11/);
    expect(scoreAllPrepared(prepared, M)).toEqual(scoreAllPrepared(prepareScoring(version, data), M));
  });
});
