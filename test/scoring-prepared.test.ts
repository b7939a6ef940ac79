/**
 * Issue 19: prepare once, score many. The prepared path (indexes built once, a
 * partner reading only its own records) must give the whole report — points,
 * bands, next point, routes — exactly as the frozen whole-dataset scorer does,
 * on random small datasets under every bundled scored version.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthIndex, monthText, prepareScoring, preparerOf, scoreAll, scorePartner, scorePrepared } from '../src/engine/index.js';
import { scorePartner as scoreWholeDataset } from './support/score-whole-dataset.js';
import { bill, datasetOf, emptyRecords, tenantWith } from './support/scoring.js';
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

  it('gives the same whole report and batch under the other reading of the growth cohort (the tenants of M at both ends)', () => {
    // No bundled version reads `current-cohort` (docs/rules.md states it as the alternative): each version with a
    // growth ratio is switched to it here, so that the switch's other branch is held to the frozen scorer too.
    const switched = versions
      .filter((v) => v.paths.some((p) => p.metrics.some((m) => m.kind === 'growth-ratio')))
      .map((v) => ({
        ...v,
        paths: v.paths.map((p) => ({
          ...p,
          metrics: p.metrics.map((m) => (m.kind === 'growth-ratio' ? { ...m, cohort: 'current-cohort' as const } : m)),
        })),
      }));
    expect(switched.length).toBeGreaterThan(0);
    for (const version of switched) {
      const start = monthIndex(version.effectiveFrom.slice(0, 7));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 14 }), recordsArbFor(version), (k, x) => {
          const M = start + k;
          const data = datasetOf(recordsAt(M, x), versions);
          const prepared = prepareScoring(version, data);
          const batch = scoreAll(version, data, M);
          for (const partner of [...PARTNERS, 'nobody']) {
            const expected = scoreWholeDataset(version, data, partner, M);
            expect(scorePrepared(prepared, partner, M)).toEqual(expected);
            const inBatch = batch.find((b) => b.partnerId === partner);
            if (inBatch) expect(inBatch.paths.map((p) => p.total)).toEqual(expected.paths.map((p) => p.total));
          }
        }),
        { numRuns: 40 },
      );
    }
  });

  /**
   * PCS's track rule, an evaluation month M, and a partner P credited on one (tenant, workload) pair billed
   * `amounts[i]` dollars in the i-th month the rule reads; `segment(moreThanUsd)` is P's segment under that limit
   * (one pair needed) on the prepared path, held to the frozen scorer's.
   */
  function trackCase(amounts: (i: number) => string) {
    const pcs = versions.find((v) => v.segmentation.kind === 'track')!;
    const segmentation = pcs.segmentation as Extract<(typeof pcs)['segmentation'], { kind: 'track' }>;
    const M = monthIndex(pcs.effectiveFrom.slice(0, 7)) + 13;
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    const id = tenantWith(r, 'T', segmentation.workloads[0]!, 'P', segmentation.associations.eligible[0]!, monthText(M - 24));
    segmentation.months.forEach((k, i) => bill(r, id, monthText(M + k), amounts(i)));
    const data = datasetOf(r, versions);
    const segment = (moreThanUsd: string, minimumPairs = 1): string => {
      const version = { ...pcs, segmentation: { ...segmentation, moreThanUsd, minimumPairs } };
      const prepared = scorePrepared(prepareScoring(version, data), 'P', M).segment;
      expect(scoreWholeDataset(version, data, 'P', M).segment, moreThanUsd).toBe(prepared);
      return prepared;
    };
    return { segmentation, segment };
  }

  it('classifies the track by revenue just over the limit, when the limit holds fractions of a cent too', () => {
    // The prepared path compares whole cents with the limit's floor; the frozen scorer compares exact fractions.
    const { segmentation, segment } = trackCase(() => '100.00');
    const cases: [moreThanUsd: string, over: boolean][] = [
      ['99.99', true],
      ['99.999', true],
      ['99.9999', true],
      ['100', false],
      ['100.001', false],
      ['100.005', false],
      ['100.01', false],
      ['0', true],
    ];
    for (const [moreThanUsd, over] of cases)
      expect(segment(moreThanUsd), moreThanUsd).toBe(over ? segmentation.ifMet : segmentation.otherwise);
  });

  it('classifies the track by every month it names: a pair under the limit in one of them does not count', () => {
    // $100 in the first month the rule reads, $50 in the others.
    const { segmentation, segment } = trackCase((i) => (i === 0 ? '100' : '50'));
    expect(segment('75')).toBe(segmentation.otherwise);
    expect(segment('49.99')).toBe(segmentation.ifMet);
  });

  it('counts the pairs of workloads without credit (their revenue is 0) when the limit is below 0', () => {
    // Every workload of the tenant is over a limit of −$1 in every month, but the one billed a credit of $5 in one of them.
    const credit = trackCase((i) => (i === 0 ? '-5' : '10'));
    const all = credit.segmentation.workloads.length;
    expect(credit.segment('-1', all - 1)).toBe(credit.segmentation.ifMet);
    expect(credit.segment('-1', all)).toBe(credit.segmentation.otherwise);
    const billed = trackCase(() => '10');
    expect(billed.segment('-1', all)).toBe(billed.segmentation.ifMet);
    expect(billed.segment('0', 2)).toBe(billed.segmentation.otherwise);
  });

  it('counts a pair credited with no revenue against a threshold of zero, and not a pair without credit', () => {
    const pcs = versions.find((v) => v.segmentation.kind === 'track')!;
    const pathIndex = pcs.paths.findIndex((p) => p.metrics.some((m) => m.kind === 'pair-count-change' && m.measure === 'revenue'));
    const path = pcs.paths[pathIndex]!;
    const metric = path.metrics.find((m) => m.kind === 'pair-count-change' && m.measure === 'revenue')!;
    const version = {
      ...pcs,
      paths: pcs.paths.map((p, i) =>
        i === pathIndex ? { ...p, metrics: p.metrics.map((m) => (m === metric ? { ...m, unitThreshold: 0 } : m)) } : p,
      ),
    };
    const M = monthIndex(pcs.effectiveFrom.slice(0, 7)) + 13;
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    const workloads = (metric as Extract<typeof metric, { kind: 'pair-count-change' }>).workloads;
    const eligible = (metric as Extract<typeof metric, { kind: 'pair-count-change' }>).associations.eligible[0]!;
    // Credited from M-6 (so not in the baseline month M-12), billed $0.00 in M; another tenant billed, with no
    // association of P.
    const credited = tenantWith(r, 'T1', workloads[0]!, 'P', eligible, monthText(M - 6));
    bill(r, credited, monthText(M), '0.00');
    const other = tenantWith(r, 'T2', workloads[0]!, 'Q', eligible, monthText(M - 24));
    bill(r, other, monthText(M), '10');
    r.partners.push({ id: 'Q', country: 'US' });
    const data = datasetOf(r, versions);
    const report = scorePrepared(prepareScoring(version, data), 'P', M);
    const measured = report.paths[pathIndex]!.metrics.find((m) => m.id === metric.id)!;
    expect(measured.details).toEqual({ current: 1, baseline: 0 });
    expect(report).toEqual(scoreWholeDataset(version, data, 'P', M));
  });

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

describe('one preparation for every version', () => {
  // The index does not depend on the version: preparerOf builds it once, with the parts the first version reads;
  // a part a later version reads (PCS reads no seats, baselines or instances; PCI does) is built when first asked.
  const first = versions.find((v) => v.segmentation.kind === 'track')!;
  for (const version of versions) {
    it(`scores ${version.effectiveFrom} from the index prepared for ${first.effectiveFrom}, as the frozen scorer does`, () => {
      const start = monthIndex(version.effectiveFrom.slice(0, 7));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 14 }), recordsArbFor(version), (k, x) => {
          const M = start + k;
          const data = datasetOf(recordsAt(M, x), versions);
          const prepare = preparerOf(data);
          const index = prepare(first).index;
          expect(prepare(version).index).toBe(index);
          for (const partner of PARTNERS)
            expect(scorePrepared(prepare(version), partner, M)).toEqual(scoreWholeDataset(version, data, partner, M));
        }),
        { numRuns: 30 },
      );
    });
  }
});
