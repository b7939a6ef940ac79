import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveCovering } from '../src/engine/plan/covering.js';

/** Every integer assignment up to the largest shortfall: the truth for small cases. */
function bruteForce(profiles: number[][], shortfalls: number[]): number | undefined {
  const top = Math.max(0, ...shortfalls);
  let best: number | undefined;
  const x = profiles.map(() => 0);
  const visit = (j: number): void => {
    if (j === profiles.length) {
      const ok = shortfalls.every((s, r) => profiles.reduce((acc, p, i) => acc + (p.includes(r) ? x[i]! : 0), 0) >= s);
      const total = x.reduce((a, b) => a + b, 0);
      if (ok && (best === undefined || total < best)) best = total;
      return;
    }
    for (let v = 0; v <= top; v++) {
      x[j] = v;
      visit(j + 1);
    }
  };
  visit(0);
  return best;
}

describe('the smallest revenue that closes several shortfalls', () => {
  it('Operations: net new Plan 2 / Operations SKU counts in both thresholds, so the larger shortfall is enough', () => {
    // profile 0: net new Plan 2 or Operations SKU (counts in (a) and (b)); profile 1: AX 2012 (only (a)).
    const solution = solveCovering({ profiles: [[0, 1], [0]], shortfalls: [185_000_00, 5_000_00] });
    expect(solution).toEqual({ amounts: [185_000_00, 0], total: 185_000_00 });
    expect(solveCovering({ profiles: [[0, 1], [0]], shortfalls: [0, 5_000_00] })).toEqual({ amounts: [5_000_00, 0], total: 5_000_00 });
  });

  it('needs whole cents where the fractional optimum would split one', () => {
    // Three requirements pairwise shared: the linear optimum is 1.5 cents, the integer one 2.
    expect(
      solveCovering({
        profiles: [
          [0, 1],
          [1, 2],
          [0, 2],
        ],
        shortfalls: [1, 1, 1],
      })?.total,
    ).toBe(2);
  });

  it('says so when no sale can close a shortfall', () => {
    expect(solveCovering({ profiles: [[0]], shortfalls: [5, 5] })).toBeUndefined();
  });

  it('is optimal: equal to brute force on small random cases, and always feasible', () => {
    const instance = fc.integer({ min: 1, max: 3 }).chain((requirements) =>
      fc.record({
        shortfalls: fc.array(fc.integer({ min: -3, max: 6 }), { minLength: requirements, maxLength: requirements }),
        profiles: fc.array(
          fc.subarray(
            Array.from({ length: requirements }, (_, r) => r),
            { minLength: 1 },
          ),
          { minLength: 1, maxLength: 4 },
        ),
      }),
    );
    fc.assert(
      fc.property(instance, ({ shortfalls, profiles }) => {
        const solution = solveCovering({ profiles, shortfalls });
        const truth = bruteForce(profiles, shortfalls);
        expect(solution?.total).toBe(truth);
        if (!solution) return;
        shortfalls.forEach((s, r) => {
          const covered = profiles.reduce((acc, p, i) => acc + (p.includes(r) ? solution.amounts[i]! : 0), 0);
          expect(covered).toBeGreaterThanOrEqual(s);
        });
        expect(solution.amounts.every((a) => Number.isInteger(a) && a >= 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
