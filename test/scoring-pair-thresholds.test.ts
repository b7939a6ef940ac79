/**
 * Issue 19: a pair-count metric counts a (tenant, workload) pair when its revenue or consumption reaches the unit
 * value (at least, or more than). The scorer compares whole cents or whole usage units against the least whole
 * amount that counts, worked out once per metric; these tests put the unit value on and beside the amounts the
 * records give — fractional thresholds, rates that do not divide them, both comparisons, a rate of zero or below —
 * and hold the scores to the frozen whole-dataset scorer, which compares fractions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthIndex, prepareScoring, scorePrepared, type ScoredVersionDefinition } from '../src/engine/index.js';
import { scorePartner as scoreWholeDataset } from './support/score-whole-dataset.js';
import { bill, datasetOf, emptyRecords, tenantWith } from './support/scoring.js';
import { PARTNERS, recordsArbFor, recordsAt, versions } from './support/scored-records.js';

const withPairCounts = versions.filter((v) => v.paths.some((p) => p.metrics.some((m) => m.kind === 'pair-count-change')));

/** The version with every workload's rate and every pair-count metric's unit value and comparison replaced. */
function variant(
  version: ScoredVersionDefinition,
  rates: readonly string[],
  unitThreshold: string,
  compare: 'at-least' | 'more-than',
): ScoredVersionDefinition {
  return {
    ...version,
    workloads: version.workloads.map((w, i) => ({ ...w, rate: rates[i % rates.length]! })),
    paths: version.paths.map((p) => ({
      ...p,
      metrics: p.metrics.map((m) => (m.kind === 'pair-count-change' ? { ...m, unitThreshold, compare } : m)),
    })),
  } as ScoredVersionDefinition;
}

const rate = fc.constantFrom('1', '0.3', '2.5', '3', '7', '200', '0.2', '0', '-1');
/** Units with up to two decimals, so that the usage scale moves too. */
const withDecimals = (units: number): string => (units % 4 === 0 ? `${units / 100}` : String(units));

describe('pair counts against the unit value', () => {
  for (const version of withPairCounts) {
    const M = monthIndex(version.effectiveFrom.slice(0, 7)) + 3;
    it(`count the pairs the whole-dataset scorer counts, at and beside the unit value, under ${version.effectiveFrom}`, () => {
      fc.assert(
        fc.property(
          recordsArbFor(version),
          fc.array(rate, { minLength: 1, maxLength: 5 }),
          fc.constantFrom<'at-least' | 'more-than'>('at-least', 'more-than'),
          fc.nat(),
          fc.constantFrom(-0.01, -0.001, 0, 0, 0.001, 0.01),
          (x, rates, compare, pick, nudge) => {
            const records = recordsAt(M, x);
            const drawn = { ...records, usage: (records.usage ?? []).map((u) => ({ ...u, units: withDecimals(Number(u.units)) })) };
            const data = datasetOf(drawn, versions);
            // A unit value a pair's amount gives in a month the metrics read (a subscription's billing that month, or
            // a tenant's usage of a workload at its rate), nudged a little either way or not at all.
            const months = new Set([M, M - 12]);
            const sums = new Map<string, number>();
            for (const b of data.billing)
              if (months.has(b.month))
                sums.set(`b ${b.subscriptionId} ${b.month}`, (sums.get(`b ${b.subscriptionId} ${b.month}`) ?? 0) + b.cents / 100);
            const rateOf = (w: string) =>
              Number(
                rates[
                  Math.max(
                    0,
                    version.workloads.findIndex((x) => x.id === w),
                  ) % rates.length
                ],
              );
            for (const u of data.usage)
              if (months.has(u.month)) {
                const key = `u ${u.tenantId} ${u.workload} ${u.month}`;
                sums.set(key, (sums.get(key) ?? 0) + Number(u.units) * rateOf(u.workload));
              }
            const amounts = [...sums.values(), 1500];
            const unit = (amounts[pick % amounts.length]! + nudge).toFixed(4);
            const changed = variant(version, rates, unit, compare);
            const prepared = prepareScoring(changed, data);
            for (const partner of PARTNERS)
              expect(scorePrepared(prepared, partner, M)).toEqual(scoreWholeDataset(changed, data, partner, M));
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});

describe('a pair on the unit value, and just beside it', () => {
  const pcs = versions.find((v) => v.effectiveFrom === '2023-06-13')!;
  const M = '2023-10';
  /** One partner credited (DPOR) on a Business Central subscription billed $1,500 in M, with 10 users then. */
  const records = () => {
    const r = emptyRecords();
    r.partners.push({ id: 'P', country: 'US' });
    const s = tenantWith(r, 'T', 'BUSINESS-CENTRAL', 'P', 'DPOR');
    bill(r, s, M, '1500.00');
    r.usage.push({ tenantId: 'T', workload: 'BUSINESS-CENTRAL', month: M, units: 10 });
    return datasetOf(r, versions);
  };
  /** The pairs counted in M by the metric, with every rate `rate`, the unit value `unit` compared by `compare`. */
  const counted = (metric: string, rate: string, unit: string, compare: 'at-least' | 'more-than') => {
    const version = variant(pcs, [rate], unit, compare);
    const data = records();
    const report = scorePrepared(prepareScoring(version, data), 'P', monthIndex(M));
    expect(report).toEqual(scoreWholeDataset(version, data, 'P', monthIndex(M)));
    return report.paths[0]!.metrics.find((m) => m.id === metric)!.details.current;
  };

  it('revenue: $1,500 is at least $1,500, not more than it; not at least $1,500.001; more than $1,499.999', () => {
    expect(counted('net-customer-adds', '1', '1500', 'at-least')).toBe(1);
    expect(counted('net-customer-adds', '1', '1500', 'more-than')).toBe(0);
    expect(counted('net-customer-adds', '1', '1500.001', 'at-least')).toBe(0);
    expect(counted('net-customer-adds', '1', '1499.999', 'more-than')).toBe(1);
  });

  it('consumption: 10 users at a rate of 3 are at least 30, not more; not at least 30.001; a rate of 0 reaches only 0', () => {
    expect(counted('deployments', '3', '30', 'at-least')).toBe(1);
    expect(counted('deployments', '3', '30', 'more-than')).toBe(0);
    expect(counted('deployments', '3', '30.001', 'at-least')).toBe(0);
    expect(counted('deployments', '3', '29.999', 'more-than')).toBe(1);
    expect(counted('deployments', '0', '0', 'at-least')).toBe(1);
    expect(counted('deployments', '0', '0', 'more-than')).toBe(0);
  });
});
