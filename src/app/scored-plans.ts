/**
 * The scored plan (docs/rules.md §15.9): the cheapest way for a partner's
 * path to the next band, or to the band that qualifies, for the command line
 * (`attain plan --scored`) and the API (`GET /api/v1/partners/{id}/score/plan`)
 * alike: the same version choice, the same reading of the target and of the
 * units of cost, the same plan and the same JSON (`scoredPlanAnswer`). The
 * dataset's indexes come prepared (`PreparedScores.prepare`, built once per
 * store state by StoredScores from the partner's neighbourhood), so a
 * request measures the partner's own records only.
 */
import {
  compareRational,
  lastDayOf,
  parseRational,
  planScored,
  problem,
  rational,
  scoredPlanJson,
  type CostUnit,
  type MonthIndex,
  type Problem,
  type Rational,
  type ScoredPlan,
  type ScoredPlanTarget,
  type ScoredVersionDefinition,
  type ScoringDataset,
  type UnitsOfCost,
} from '../engine/index.js';
import type { Outcome } from './reports.js';
import { chooseScored, prepareScores, type PreparedScores, type ScoreInputNames } from './scores.js';

/** What the problems of a plan name: the score's inputs, and the path, target and units of cost as the shell asking calls them. */
export interface ScoredPlanInputNames extends ScoreInputNames {
  readonly path: string;
  readonly target: string;
  readonly unitOfCost: string;
}

export interface ScoredPlanChoice {
  /** The effective date of the version to plan by, instead of the one in force at the month's end. */
  readonly programVersion?: string | undefined;
  /** The one path to plan (its id); every path when absent. */
  readonly path?: string | undefined;
  /** band (the next one), qualification (the first band), or a band's id; at most once. */
  readonly target?: readonly string[] | undefined;
  /** `name=amount`, each: how much of a unit or of a metric's cost counts as one unit of cost. */
  readonly unitOfCost?: readonly string[] | undefined;
}

/** A partner's plan and the version it was made by. */
export interface ScoredPlanResult {
  readonly version: ScoredVersionDefinition;
  readonly plan: ScoredPlan;
}

/** The names a unit of cost is given by: dollars for revenue (read into cents), the others as they are. */
const UNIT_NAMES: Readonly<Record<string, CostUnit>> = {
  usd: 'usd-cents',
  people: 'people',
  customers: 'customers',
  pairs: 'pairs',
  deployments: 'deployments',
  'active-users': 'active-users',
  consumption: 'consumption',
};

type Read<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** The target: band (the next one), qualification (the first band), or a band's id; once. */
function targetOf(given: readonly string[] | undefined, version: ScoredVersionDefinition, name: string): Read<ScoredPlanTarget> {
  const values = given ?? [];
  const refuse = (value: string): Read<ScoredPlanTarget> => ({
    ok: false,
    problem: problem(name, '', 'notAPlanTarget', { value, bands: version.bands.map((b) => b.id).join(', ') }),
  });
  if (values.length > 1) return refuse(values[1]!);
  const value = values[0] ?? 'band';
  if (value === 'band' || value === 'qualification') return { ok: true, value };
  if (version.bands.some((b) => b.id === value)) return { ok: true, value: { band: value } };
  return refuse(value);
}

/**
 * The units of cost, `name=amount` each: how much of a unit (usd, people, customers, pairs, deployments,
 * active-users, consumption) or of a metric's cost (by its id) counts as one unit of cost. Revenue in dollars.
 */
function unitsOfCostOf(given: readonly string[] | undefined, version: ScoredVersionDefinition, name: string): Read<UnitsOfCost> {
  const units: Partial<Record<CostUnit, Rational>> = {};
  const metrics: Record<string, Rational> = {};
  const definitions = new Map(version.paths.flatMap((p) => p.metrics.map((m) => [m.id, m] as const)));
  for (const text of given ?? []) {
    const at = text.indexOf('=');
    const key = (at < 0 ? text : text.slice(0, at)).trim();
    const amount = at < 0 ? undefined : parseRational(text.slice(at + 1).trim());
    const unit = Object.hasOwn(UNIT_NAMES, key) ? UNIT_NAMES[key] : undefined;
    const metric = definitions.get(key);
    if (amount === undefined || compareRational(amount, rational(0)) <= 0 || (unit === undefined && metric === undefined))
      return { ok: false, problem: problem(name, '', 'notUnitOfCost', { value: text, units: Object.keys(UNIT_NAMES).join(', ') }) };
    const dollars = unit === 'usd-cents' || metric?.kind === 'revenue-sum';
    const inUnit = dollars ? rational(amount.num * 100n, amount.den) : amount;
    if (unit) units[unit] = inUnit;
    else metrics[key] = inUnit;
  }
  return { ok: true, value: { units, metrics } };
}

/**
 * A partner's scored plan as of month M: a `partner` failure when the records have no such partner, `rules`
 * when no version judges the month (or the one named is not one), `target` when the path, the target or a
 * unit of cost is not one of the version's.
 */
export function scoredPlanOf(
  versions: readonly ScoredVersionDefinition[],
  scores: ScoringDataset | PreparedScores,
  partnerId: string,
  month: MonthIndex,
  choice: ScoredPlanChoice,
  names: ScoredPlanInputNames,
): Outcome<ScoredPlanResult> {
  const prepared = 'prepare' in scores ? scores : prepareScores(scores);
  if (!prepared.data.partners.has(partnerId))
    return { ok: false, kind: 'partner', problems: [problem(names.partner, '', 'notAPartner', { id: partnerId, dataset: names.dataset })] };
  const chosen = chooseScored(versions, lastDayOf(month), choice.programVersion, names);
  if (!chosen.ok) return chosen;
  const version = chosen.value;
  const refused = (p: Problem): Outcome<ScoredPlanResult> => ({ ok: false, kind: 'target', problems: [p] });
  if (choice.path !== undefined && !version.paths.some((p) => p.id === choice.path))
    return refused(
      problem(names.path, '', 'notAPath', {
        value: choice.path,
        version: version.effectiveFrom,
        paths: version.paths.map((p) => p.id).join(', '),
      }),
    );
  const target = targetOf(choice.target, version, names.target);
  if (!target.ok) return refused(target.problem);
  const units = unitsOfCostOf(choice.unitOfCost, version, names.unitOfCost);
  if (!units.ok) return refused(units.problem);
  const plan = planScored(prepared.prepare(version), partnerId, month, target.value, units.value, choice.path);
  return { ok: true, value: { version, plan } };
}

export type ScoredPlanAnswer = ReturnType<typeof scoredPlanJson>;

/** A partner's scored plan as JSON, as `attain plan --scored --format json` prints it and the API answers it. */
export function scoredPlanAnswer(
  versions: readonly ScoredVersionDefinition[],
  scores: ScoringDataset | PreparedScores,
  partnerId: string,
  month: MonthIndex,
  choice: ScoredPlanChoice,
  names: ScoredPlanInputNames,
): Outcome<ScoredPlanAnswer> {
  const planned = scoredPlanOf(versions, scores, partnerId, month, choice, names);
  return planned.ok ? { ok: true, value: scoredPlanJson(planned.value.plan) } : planned;
}
