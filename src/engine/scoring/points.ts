/**
 * Points from a metric's value, as the definition says: linear up to full
 * points, so much per unit up to the maximum, or all or nothing; negatives
 * clamped to 0 or not; the points rounded or not. Exact: fractions stay
 * fractions (2/3 × 10 = 20/3 points).
 */
import { add, ceil, compare, div, floor, max as maxOf, min, mul, rational, sub, ZERO, type Rational } from './rational.js';

export interface PointsRule {
  readonly max: Rational;
  readonly partial: 'linear' | 'per-unit' | 'all-or-nothing';
  /** Points per unit of value (per-unit only). */
  readonly perUnit?: Rational | undefined;
  readonly clampAtZero: boolean;
  readonly rounding: { readonly mode: 'none' | 'floor' | 'nearest'; readonly step: Rational };
}

function rounded(rule: PointsRule, raw: Rational): Rational {
  const { mode, step } = rule.rounding;
  if (mode === 'none') return raw;
  const steps = mode === 'floor' ? floor(div(raw, step)) : floor(add(div(raw, step), rational(1, 2)));
  return mul(rational(steps), step);
}

/** The points a value earns when `full` earns the maximum (undefined `full`: the metric cannot score). */
export function pointsOf(rule: PointsRule, value: Rational, full: Rational | undefined): Rational {
  if (full === undefined) return ZERO;
  const v = rule.clampAtZero ? maxOf(value, ZERO) : value;
  let raw: Rational;
  if (compare(v, full) >= 0) raw = rule.max;
  else if (rule.partial === 'all-or-nothing') raw = ZERO;
  else if (rule.partial === 'per-unit') raw = min(rule.max, mul(rule.perUnit ?? ZERO, v));
  else raw = compare(full, ZERO) <= 0 ? rule.max : min(rule.max, div(mul(rule.max, v), full));
  return rounded(rule, raw);
}

/**
 * The least value, a whole multiple of `granularity`, that earns at least
 * `target` points; undefined when the metric cannot score or `target` is
 * beyond its maximum.
 */
export function valueForPoints(
  rule: PointsRule,
  full: Rational | undefined,
  target: Rational,
  granularity: Rational,
): Rational | undefined {
  if (full === undefined || compare(target, rule.max) > 0) return undefined;
  const step = rule.rounding.mode === 'none' ? rational(1) : rule.rounding.step;
  // Rounded to the nearest, half a step below the target is enough.
  const raw = rule.rounding.mode === 'nearest' ? sub(target, div(step, rational(2))) : target;
  let needed: Rational;
  if (rule.partial === 'all-or-nothing' || compare(raw, rule.max) >= 0) needed = full;
  else if (rule.partial === 'per-unit') needed = rule.perUnit && compare(rule.perUnit, ZERO) > 0 ? min(full, div(raw, rule.perUnit)) : full;
  else needed = min(full, div(mul(full, raw), rule.max));
  let candidate = mul(rational(ceil(div(needed, granularity))), granularity);
  // The inverse is exact: the loop only guards the ceiling to the granularity.
  while (compare(pointsOf(rule, candidate, full), target) < 0) candidate = add(candidate, granularity);
  return candidate;
}

/**
 * The least value, a whole multiple of `granularity`, that earns more points
 * than `value` does (the next whole point, or the next step of rounding, or
 * the maximum if nearer); undefined at the maximum or when the metric cannot score.
 */
export function nextValue(rule: PointsRule, value: Rational, full: Rational | undefined, granularity: Rational): Rational | undefined {
  if (full === undefined) return undefined;
  const now = pointsOf(rule, value, full);
  if (compare(now, rule.max) >= 0) return undefined;
  const step = rule.rounding.mode === 'none' ? rational(1) : rule.rounding.step;
  const target = min(rule.max, mul(rational(floor(div(now, step)) + 1n), step));
  return valueForPoints(rule, full, target, granularity);
}
