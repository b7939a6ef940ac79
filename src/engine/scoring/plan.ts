/**
 * The scored plan: the cheapest way for a partner's path to reach a band (the
 * next one, or the band that qualifies). Each metric has a ladder — the steps
 * from its value now to full points, each with the value it needs, the points
 * after it and what it costs in the metric's own unit — and the plan takes one
 * step of every ladder, the combination of least total cost that reaches the
 * band's points with every metric above the minimum the version sets (an exact
 * multiple-choice knapsack). Costs in different units are made comparable by
 * units of cost: how much of each unit counts as one. Pure and exact.
 */
import { nextValue, pointsOf, valueForPoints } from './points.js';
import {
  add,
  compare,
  div,
  max as maxOf,
  min as minOf,
  parseRational,
  rational,
  sub,
  toDecimalText,
  ZERO,
  type Rational,
} from './rational.js';
import type { ScoredVersionDefinition } from './schema.js';
import { monthText, type MonthIndex } from './months.js';
import { jsonPoints, measurePrepared, type MeasuredMetric, type MetricUnit, type NextPoint, type PreparedScoring } from './score.js';

/** What a step costs is counted in: the measured unit, or for growth the active users or consumption it needs. */
export type CostUnit = NextPoint['costUnit'];

export const COST_UNITS: readonly CostUnit[] = [
  'usd-cents',
  'customers',
  'people',
  'pairs',
  'deployments',
  'active-users',
  'consumption',
  'percent',
];

/**
 * How much of each unit counts as one unit of cost, by default (docs/rules.md §15.9): one certified person,
 * one customer, one (tenant, workload) pair, one deployment; $10,000 of revenue; 100 monthly active users;
 * 10,000 of consumption (the value of one PCS deployment); one point of growth where growth has no cost of its own.
 */
export const DEFAULT_UNITS_OF_COST: Readonly<Record<CostUnit, Rational>> = {
  'usd-cents': rational(1_000_000),
  customers: rational(1),
  people: rational(1),
  pairs: rational(1),
  deployments: rational(1),
  'active-users': rational(100),
  consumption: rational(10_000),
  percent: rational(1),
};

/** Units of cost given by the user: per cost unit, or per metric id (a metric's own overrides its unit's). */
export interface UnitsOfCost {
  readonly units?: Readonly<Partial<Record<CostUnit, Rational>>>;
  readonly metrics?: Readonly<Record<string, Rational>>;
}

/** One step of a ladder: the value it needs, each metric's points there, and what it costs from the value now. */
export interface LadderStep {
  readonly value: Rational;
  /** Points of each metric of the ladder at this value (same order as the ladder's metrics). */
  readonly points: readonly Rational[];
  readonly total: Rational;
  /** How much more of the cost unit than now. */
  readonly more: Rational;
  /** `more` in units of cost. */
  readonly cost: Rational;
  /** Every metric of the ladder meets the version's minimum per metric at this step. */
  readonly meetsMinimum: boolean;
}

/**
 * The steps one thing the partner changes climbs: usually one metric; a certified count together with the
 * headcount-growth metrics counting its people (one more certified person moves both).
 */
export interface Ladder {
  readonly metrics: readonly { readonly id: string; readonly max: Rational; readonly note?: string | undefined }[];
  /** The unit of the ladder's values (a percentage for growth). */
  readonly unit: MetricUnit;
  readonly costUnit: CostUnit;
  /** How much of the cost unit is one unit of cost here. */
  readonly unitOfCost: Rational;
  /** steps[0] is now (cost 0); each later step earns more points than the one before. */
  readonly steps: readonly LadderStep[];
}

/** A step in the abstract: the knapsack's view. */
export interface LadderChoice {
  readonly total: Rational;
  readonly cost: Rational;
}

/** The cheapest combination: the step index of each ladder, its cost and total. */
export interface LadderCombination {
  readonly steps: readonly number[];
  readonly cost: Rational;
  readonly total: Rational;
}

interface Prefix {
  readonly cost: Rational;
  readonly moved: number;
  readonly steps: readonly number[];
}

/** Negative when a is the better partial combination: less cost, then fewer ladders moved, then the earlier ladders climbed further. */
function better(a: Prefix, b: Prefix): number {
  const c = compare(a.cost, b.cost);
  if (c !== 0) return c;
  if (a.moved !== b.moved) return a.moved - b.moved;
  for (let i = 0; i < a.steps.length; i++) if (a.steps[i] !== b.steps[i]) return b.steps[i]! - a.steps[i]!;
  return 0;
}

const keyOf = (r: Rational): string => `${r.num}/${r.den}`;

/**
 * The combination of one allowed step per ladder whose totals reach `target`, of least total cost (ties: fewer
 * ladders moved from step 0, then the earlier ladders climbed further); undefined when none reaches it. Exact:
 * a dynamic programme over the points reached so far (capped at the target), keeping the best partial
 * combination for each, which is enough as cost and ladders moved add up and ties compare prefixes first.
 */
export function cheapestCombination(
  ladders: readonly (readonly LadderChoice[])[],
  target: Rational,
  allowed: (ladder: number, step: number) => boolean = () => true,
): LadderCombination | undefined {
  // Each ladder's totals counted from its least (points may be negative), so that capping at the target stays exact.
  const floors = ladders.map((choices) => (choices.length === 0 ? ZERO : choices.map((c) => c.total).reduce(minOf)));
  const bound = sub(target, floors.reduce(add, ZERO));
  let states = new Map<string, { total: Rational; best: Prefix }>([
    [keyOf(ZERO), { total: ZERO, best: { cost: ZERO, moved: 0, steps: [] } }],
  ]);
  ladders.forEach((choices, i) => {
    const next = new Map<string, { total: Rational; best: Prefix }>();
    for (const { total, best } of states.values())
      choices.forEach((choice, j) => {
        if (!allowed(i, j)) return;
        const reached = minOf(bound, add(total, sub(choice.total, floors[i]!)));
        const candidate: Prefix = { cost: add(best.cost, choice.cost), moved: best.moved + (j > 0 ? 1 : 0), steps: [...best.steps, j] };
        const key = keyOf(reached);
        const held = next.get(key);
        if (!held || better(candidate, held.best) < 0) next.set(key, { total: reached, best: candidate });
      });
    states = next;
  });
  // Shifted totals are at least 0: every combination reaching a bound of 0 or less lands on it.
  const done = ladders.length === 0 ? (compare(target, ZERO) <= 0 ? states.get(keyOf(ZERO)) : undefined) : states.get(keyOf(bound));
  if (!done) return undefined;
  const total = done.best.steps.reduce((sum, j, i) => add(sum, ladders[i]![j]!.total), ZERO);
  return { steps: done.best.steps, cost: done.best.cost, total };
}

/** Whether points meet the version's minimum per metric (none: always). */
function meetsMinimum(version: ScoredVersionDefinition, points: Rational): boolean {
  const minimum = version.minimumPerMetric;
  if (!minimum) return true;
  const c = compare(points, parseRational(String(minimum.points)) ?? ZERO);
  return minimum.strict ? c > 0 : c >= 0;
}

const MAX_STEPS = 10_000;

/** The ladders of a path's measured metrics: a headcount-growth metric climbs with the certified count it counts. */
export function laddersOf(version: ScoredVersionDefinition, metrics: readonly MeasuredMetric[], unitsOfCost: UnitsOfCost = {}): Ladder[] {
  return built(version, metrics, unitsOfCost).map((b) => b.ladder);
}

/** A ladder, and for a ladder of one metric the step that earns at least some points between its whole steps (undefined: none, or not above now). */
interface Built {
  readonly ladder: Ladder;
  readonly stepFor: (points: Rational) => LadderStep | undefined;
}

function built(version: ScoredVersionDefinition, metrics: readonly MeasuredMetric[], unitsOfCost: UnitsOfCost): Built[] {
  const grouped = new Set<string>();
  const levers: MeasuredMetric[][] = [];
  const counts = new Set(metrics.filter((m) => m.definition.kind === 'certified-count').map((m) => m.definition.id));
  for (const m of metrics) {
    if (grouped.has(m.definition.id)) continue;
    // A growth metric of a certified count of the path climbs in that count's ladder, wherever it is listed.
    if (m.definition.kind === 'headcount-growth' && counts.has(m.definition.of)) continue;
    const members = [m];
    if (m.definition.kind === 'certified-count')
      for (const h of metrics) if (h.definition.kind === 'headcount-growth' && h.definition.of === m.definition.id) members.push(h);
    for (const x of members) grouped.add(x.definition.id);
    levers.push(members);
  }
  return levers.map((members) => {
    const lead = members[0]!.measure;
    const start = lead.value;
    const costUnit: CostUnit = lead.cost ? lead.cost(start).unit : lead.unit;
    const override = members.map((x) => unitsOfCost.metrics?.[x.definition.id]).find((w) => w !== undefined);
    const unitOfCost = override ?? unitsOfCost.units?.[costUnit] ?? DEFAULT_UNITS_OF_COST[costUnit];
    const stepAt = (value: Rational): LadderStep => {
      const points = members.map((x) => pointsOf(x.rule, value, x.measure.full));
      const more = compare(value, start) === 0 ? ZERO : lead.cost ? lead.cost(value).more : sub(value, start);
      return {
        value,
        points,
        total: points.reduce(add, ZERO),
        more,
        cost: div(more, unitOfCost),
        meetsMinimum: points.every((p) => meetsMinimum(version, p)),
      };
    };
    const steps = [stepAt(start)];
    let value = start;
    for (let i = 0; i < MAX_STEPS; i++) {
      const nexts = members
        .map((x) => nextValue(x.rule, value, x.measure.full, x.measure.granularity))
        .filter((v): v is Rational => v !== undefined && compare(v, value) > 0);
      if (nexts.length === 0) break;
      value = nexts.reduce(minOf);
      const step = stepAt(value);
      // A later value of one metric may earn nothing more in total (another metric of the ladder already full): skip it.
      if (compare(step.total, steps.at(-1)!.total) > 0 || (step.meetsMinimum && !steps.at(-1)!.meetsMinimum)) steps.push(step);
    }
    const only = members.length === 1 ? members[0] : undefined;
    const stepFor = (points: Rational): LadderStep | undefined => {
      const value = only && valueForPoints(only.rule, only.measure.full, points, only.measure.granularity);
      return value !== undefined && compare(value, start) > 0 ? stepAt(value) : undefined;
    };
    const ladder: Ladder = {
      metrics: members.map((x) => ({ id: x.definition.id, max: x.rule.max, note: x.measure.note })),
      unit: lead.unit,
      costUnit,
      unitOfCost,
      steps,
    };
    return { ladder, stepFor };
  });
}

/**
 * The last point need not be whole: while a moved ladder of one metric can stop between its whole steps (a
 * fraction of a point of linear revenue or growth) with the total still at the bound, for less, the one saving
 * the most (ties: the earlier) stops there.
 */
function trimmed(ladders: readonly Built[], chosen: readonly LadderStep[], bound: Rational): LadderStep[] {
  const steps = [...chosen];
  for (let round = 0; round < steps.length; round++) {
    const total = steps.reduce((sum, s) => add(sum, s.total), ZERO);
    let best: { i: number; step: LadderStep; saving: Rational } | undefined;
    steps.forEach((step, i) => {
      const need = sub(bound, sub(total, step.total));
      if (compare(need, step.total) >= 0) return;
      const lower = ladders[i]!.stepFor(need);
      if (!lower || !lower.meetsMinimum || compare(lower.total, need) < 0 || compare(lower.cost, step.cost) >= 0) return;
      const saving = sub(step.cost, lower.cost);
      if (!best || compare(saving, best.saving) > 0) best = { i, step: lower, saving };
    });
    if (!best) break;
    const { i, step } = best;
    steps[i] = step;
  }
  return steps;
}

/** What the plan aims at: the band above the path's, the first band (the one that qualifies), or a band by id. */
export type ScoredPlanTarget = 'band' | 'qualification' | { readonly band: string };

/** Why a target cannot be reached. */
export type PlanUnreachable =
  /** A metric cannot score at all (e.g. no baseline, usage under its gate) and the version needs it above its minimum. */
  | { readonly code: 'cannotScore'; readonly metric: string; readonly note: string | null }
  /** A metric cannot reach the minimum per metric even at full value. */
  | { readonly code: 'belowMinimum'; readonly metric: string }
  /** Even every metric at its best, the total stays under the band. */
  | { readonly code: 'maximumBelowTarget'; readonly maximum: Rational; readonly needed: Rational };

/** One ladder's part in the plan: from its value now to the chosen step. */
export interface ScoredPlanMove {
  readonly metrics: readonly string[];
  readonly from: LadderStep;
  readonly to: LadderStep;
  readonly costUnit: CostUnit;
  readonly unitOfCost: Rational;
}

export interface ScoredPathPlan {
  readonly path: string;
  readonly total: Rational;
  readonly band: string | null;
  /** The band aimed at and its lower bound; null when the path is at the top band already (target `band`). */
  readonly target: { readonly band: string; readonly from: Rational } | null;
  readonly ladders: readonly Ladder[];
  readonly outcome:
    | { readonly kind: 'top' }
    | { readonly kind: 'reached' }
    | { readonly kind: 'unreachable'; readonly reasons: readonly PlanUnreachable[] }
    | {
        readonly kind: 'plan';
        /** Only the ladders that move, in the definition's order. */
        readonly moves: readonly ScoredPlanMove[];
        readonly cost: Rational;
        readonly total: Rational;
      };
}

const exactOf = (value: number | string): Rational => parseRational(String(value)) ?? ZERO;

/** The plan of one path, from its measured metrics. */
export function planPath(
  version: ScoredVersionDefinition,
  path: { readonly id: string; readonly metrics: readonly MeasuredMetric[] },
  target: ScoredPlanTarget,
  unitsOfCost: UnitsOfCost = {},
): ScoredPathPlan {
  const builtLadders = built(version, path.metrics, unitsOfCost);
  const ladders = builtLadders.map((b) => b.ladder);
  const now = ladders.map((l) => l.steps[0]!);
  const total = now.reduce((sum, s) => add(sum, s.total), ZERO);
  const minimumMet = now.every((s) => s.meetsMinimum);
  const bands = [...version.bands].map((b) => ({ id: b.id, from: exactOf(b.from) })).sort((a, b) => compare(a.from, b.from));
  const reached = minimumMet ? bands.filter((b) => compare(total, b.from) >= 0) : [];
  const band = reached.at(-1)?.id ?? null;
  const aim =
    target === 'band'
      ? bands.find((b) => !reached.includes(b))
      : target === 'qualification'
        ? bands[0]
        : bands.find((b) => b.id === target.band);
  const base = { path: path.id, total, band, ladders };
  if (!aim) return { ...base, target: null, outcome: { kind: 'top' } };
  const goal = { band: aim.id, from: aim.from };
  if (minimumMet && compare(total, aim.from) >= 0) return { ...base, target: goal, outcome: { kind: 'reached' } };
  const reasons: PlanUnreachable[] = [];
  for (const l of ladders)
    if (!l.steps.some((s) => s.meetsMinimum))
      l.metrics.forEach((m, k) => {
        if (l.steps.some((s) => meetsMinimum(version, s.points[k]!))) return;
        const cannot = l.steps.every((s) => compare(s.points[k]!, ZERO) === 0) && m.note !== undefined;
        reasons.push(cannot ? { code: 'cannotScore', metric: m.id, note: m.note ?? null } : { code: 'belowMinimum', metric: m.id });
      });
  const maximum = ladders.reduce((sum, l) => add(sum, l.steps.map((s) => s.total).reduce(maxOf)), ZERO);
  if (compare(maximum, aim.from) < 0) reasons.push({ code: 'maximumBelowTarget', maximum, needed: aim.from });
  if (reasons.length > 0) return { ...base, target: goal, outcome: { kind: 'unreachable', reasons } };
  const best = cheapestCombination(
    ladders.map((l) => l.steps),
    aim.from,
    (i, j) => ladders[i]!.steps[j]!.meetsMinimum,
  );
  if (!best)
    return {
      ...base,
      target: goal,
      outcome: { kind: 'unreachable', reasons: [{ code: 'maximumBelowTarget', maximum, needed: aim.from }] },
    };
  const steps = trimmed(
    builtLadders,
    best.steps.map((j, i) => ladders[i]!.steps[j]!),
    aim.from,
  );
  const moves = ladders.flatMap((l, i): ScoredPlanMove[] =>
    best.steps[i] === 0
      ? []
      : [{ metrics: l.metrics.map((m) => m.id), from: l.steps[0]!, to: steps[i]!, costUnit: l.costUnit, unitOfCost: l.unitOfCost }],
  );
  const sum = (f: (s: LadderStep) => Rational): Rational => steps.reduce((acc, s) => add(acc, f(s)), ZERO);
  return { ...base, target: goal, outcome: { kind: 'plan', moves, cost: sum((s) => s.cost), total: sum((s) => s.total) } };
}

export interface ScoredPlan {
  readonly version: string;
  readonly partnerId: string;
  readonly month: string;
  readonly segment: string;
  readonly paths: readonly ScoredPathPlan[];
}

/** The scored plan of a partner as of month M: every path, or the one named (undefined when no path has that id). */
export function planScored(
  prepared: PreparedScoring,
  partnerId: string,
  month: MonthIndex,
  target: ScoredPlanTarget,
  unitsOfCost: UnitsOfCost = {},
  pathId?: string,
): ScoredPlan {
  const measured = measurePrepared(prepared, partnerId, month);
  const paths = measured.paths.filter((p) => pathId === undefined || p.id === pathId);
  return {
    version: prepared.version.effectiveFrom,
    partnerId,
    month: monthText(month),
    segment: measured.segment,
    paths: paths.map((p) => planPath(prepared.version, p, target, unitsOfCost)),
  };
}

function stepJson(step: LadderStep) {
  return {
    value: toDecimalText(step.value, 4),
    points: step.points.map(jsonPoints),
    total: jsonPoints(step.total),
    more: toDecimalText(step.more, 4),
    cost: jsonPoints(step.cost),
    meetsMinimum: step.meetsMinimum,
  };
}

/** A scored plan as JSON can hold it: points and costs as exact fractions with their decimals, values as decimal text. */
export function scoredPlanJson(plan: ScoredPlan) {
  return {
    ...plan,
    paths: plan.paths.map((p) => {
      const o = p.outcome;
      return {
        path: p.path,
        total: jsonPoints(p.total),
        band: p.band,
        target: p.target && { band: p.target.band, from: jsonPoints(p.target.from) },
        outcome: o.kind,
        ...(o.kind === 'plan'
          ? {
              plan: {
                cost: jsonPoints(o.cost),
                total: jsonPoints(o.total),
                moves: o.moves.map((m) => ({
                  metrics: m.metrics,
                  costUnit: m.costUnit,
                  unitOfCost: toDecimalText(m.unitOfCost, 4),
                  from: stepJson(m.from),
                  to: stepJson(m.to),
                })),
              },
            }
          : {}),
        ...(o.kind === 'unreachable'
          ? {
              reasons: o.reasons.map((r) =>
                r.code === 'maximumBelowTarget' ? { ...r, maximum: jsonPoints(r.maximum), needed: jsonPoints(r.needed) } : r,
              ),
            }
          : {}),
        ladders: p.ladders.map((l) => ({
          metrics: l.metrics.map((m) => ({ id: m.id, max: jsonPoints(m.max), note: m.note ?? null })),
          unit: l.unit,
          costUnit: l.costUnit,
          unitOfCost: toDecimalText(l.unitOfCost, 4),
          steps: l.steps.map(stepJson),
        })),
      };
    }),
  };
}
