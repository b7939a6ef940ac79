/**
 * The smallest amount of new revenue that closes several revenue shortfalls
 * at once. A sale counts in every requirement whose scope holds its product;
 * which requirements a sale counts in is its "profile". We want amounts per
 * profile, in whole cents, such that every requirement reaches its shortfall
 * and the total is as small as possible: an integer covering program.
 *
 * Levels have a handful of revenue requirements, so the program is tiny: it
 * is solved exactly by branch and bound over a linear relaxation whose
 * optimum is found among the vertices of the feasible region, in exact
 * rational arithmetic.
 */

/** Profiles are sets of requirement indexes; shortfalls are in cents. */
export interface CoveringProblem {
  readonly profiles: readonly (readonly number[])[];
  readonly shortfalls: readonly number[];
}

export interface CoveringSolution {
  /** Cents per profile, in the order given. */
  readonly amounts: readonly number[];
  readonly total: number;
}

/** Beyond this many useful profiles the vertex enumeration grows too fast; real levels have two or three. */
const MAX_PROFILES = 8;

export function solveCovering(problem: CoveringProblem): CoveringSolution | undefined {
  const { profiles, shortfalls } = problem;
  const open = shortfalls.map((s, r) => (s > 0 ? r : -1)).filter((r) => r >= 0);
  const amounts = profiles.map(() => 0);
  if (open.length === 0) return { amounts, total: 0 };

  // A profile covering a superset of another's open requirements is at least as good: keep the maximal ones.
  const reduced = profiles.map((p) => p.filter((r) => shortfalls[r]! > 0));
  const useful: number[] = [];
  reduced.forEach((p, i) => {
    if (p.length === 0) return;
    const dominated = reduced.some(
      (q, j) => j !== i && p.every((r) => q.includes(r)) && (q.length > p.length || (q.length === p.length && j < i)),
    );
    if (!dominated) useful.push(i);
  });
  if (open.some((r) => !useful.some((i) => reduced[i]!.includes(r)))) return undefined; // a shortfall no sale can close
  if (useful.length > MAX_PROFILES) throw new RangeError(`too many revenue profiles to plan exactly (${useful.length})`);

  const rows = open.map((r) => ({ cover: useful.map((i) => (reduced[i]!.includes(r) ? 1 : 0)), need: shortfalls[r]! }));
  const best = branchAndBound(rows, useful.length);
  if (!best) return undefined;
  useful.forEach((i, k) => (amounts[i] = best[k]!));
  return { amounts, total: amounts.reduce((a, b) => a + b, 0) };
}

// Exact rationals: numerator / denominator, denominator > 0.
interface Q {
  readonly n: bigint;
  readonly d: bigint;
}
const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x;
};
const q = (n: bigint, d = 1n): Q => {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};
const sub = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
const cmp = (a: Q, b: Q): number => {
  const diff = a.n * b.d - b.n * a.d;
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
};
const floorQ = (a: Q): bigint => (a.n >= 0n ? a.n / a.d : -((-a.n + a.d - 1n) / a.d));
const ceilQ = (a: Q): bigint => -floorQ(q(-a.n, a.d));

interface Row {
  readonly cover: readonly number[];
  readonly need: number;
}

/** One linear constraint `coefficients · x ≥ bound` (or ≤ when `upper`). */
interface Constraint {
  readonly coefficients: readonly bigint[];
  readonly bound: bigint;
  readonly upper: boolean;
}

function branchAndBound(rows: readonly Row[], k: number): number[] | undefined {
  let best: { value: bigint; x: bigint[] } | undefined;
  const explore = (lower: bigint[], upper: (bigint | undefined)[]): void => {
    const relaxed = solveRelaxation(rows, k, lower, upper);
    if (!relaxed) return;
    const bound = ceilQ(relaxed.value);
    if (best && bound >= best.value) return;
    const fractional = relaxed.x.findIndex((v) => v.d !== 1n);
    if (fractional < 0) {
      best = { value: bound, x: relaxed.x.map((v) => v.n) };
      return;
    }
    const v = relaxed.x[fractional]!;
    explore(
      lower,
      upper.map((u, j) => (j === fractional ? floorQ(v) : u)),
    );
    explore(
      lower.map((l, j) => (j === fractional ? ceilQ(v) : l)),
      upper,
    );
  };
  explore(
    Array.from({ length: k }, () => 0n),
    Array.from({ length: k }, () => undefined),
  );
  return best?.x.map(Number);
}

/** Minimum of Σx over the region, found at a vertex: every choice of k tight constraints. */
function solveRelaxation(
  rows: readonly Row[],
  k: number,
  lower: readonly bigint[],
  upper: readonly (bigint | undefined)[],
): { value: Q; x: Q[] } | undefined {
  const unit = (j: number): bigint[] => Array.from({ length: k }, (_, i) => (i === j ? 1n : 0n));
  const constraints: Constraint[] = [
    ...rows.map((r) => ({ coefficients: r.cover.map(BigInt), bound: BigInt(r.need), upper: false })),
    ...lower.map((l, j) => ({ coefficients: unit(j), bound: l, upper: false })),
    ...upper.flatMap((u, j) => (u === undefined ? [] : [{ coefficients: unit(j), bound: u, upper: true }])),
  ];
  let best: { value: Q; x: Q[] } | undefined;
  for (const chosen of combinations(constraints.length, k)) {
    const x = solveSystem(
      chosen.map((c) => constraints[c]!),
      k,
    );
    if (!x) continue;
    const feasible = constraints.every((c) => {
      const lhs = c.coefficients.reduce((acc, a, j) => q(acc.n * x[j]!.d + a * x[j]!.n * acc.d, acc.d * x[j]!.d), q(0n));
      const side = cmp(lhs, q(c.bound));
      return c.upper ? side <= 0 : side >= 0;
    });
    if (!feasible) continue;
    const value = x.reduce((acc, v) => q(acc.n * v.d + v.n * acc.d, acc.d * v.d), q(0n));
    // Among equal totals, fewer separate sales read better: prefer more zero amounts.
    const zeros = (v: readonly Q[]) => v.filter((a) => a.n === 0n).length;
    const order = best ? cmp(value, best.value) : -1;
    if (order < 0 || (order === 0 && zeros(x) > zeros(best!.x))) best = { value, x };
  }
  return best;
}

/** Gaussian elimination on the chosen constraints as equalities; undefined when singular. */
function solveSystem(equations: readonly Constraint[], k: number): Q[] | undefined {
  const m = equations.map((e) => [...e.coefficients.map((c) => q(c)), q(e.bound)]);
  for (let col = 0; col < k; col++) {
    const pivot = m.findIndex((row, i) => i >= col && row[col]!.n !== 0n);
    if (pivot < 0) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]!;
    for (let i = 0; i < k; i++) {
      if (i === col || m[i]![col]!.n === 0n) continue;
      const factor = div(m[i]![col]!, p[col]!);
      m[i] = m[i]!.map((v, j) => sub(v, mul(factor, p[j]!)));
    }
  }
  return m.map((row, i) => div(row[k]!, row[i]!));
}

function* combinations(n: number, k: number): Generator<number[]> {
  const pick: number[] = [];
  function* go(start: number): Generator<number[]> {
    if (pick.length === k) {
      yield [...pick];
      return;
    }
    for (let i = start; i <= n - (k - pick.length); i++) {
      pick.push(i);
      yield* go(i + 1);
      pick.pop();
    }
  }
  yield* go(0);
}
