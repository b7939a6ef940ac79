/**
 * `attain plan <records.json> --scored [folder] --partner ID --month YYYY-MM`: the cheapest way for a
 * partner's path to the next band, or to the band that qualifies, under the scored rules (PCI, PCS).
 */
import {
  isMonth,
  lastDayOf,
  monthIndex,
  parseRational,
  planScored,
  prepareScoring,
  problem,
  rational,
  scoredPlanJson,
  compareRational,
  type CostUnit,
  type Rational,
  type ScoredPlanTarget,
  type ScoredVersionDefinition,
  type UnitsOfCost,
} from '../../engine/index.js';
import type { Translator } from '../../i18n/index.js';
import { renderScoredPlanTable } from '../../render/scored-plan-table.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';
import { chooseScoredVersion } from './score.js';
import { loadScoredRecords, refuseWith, requirePartners, scoredRecordsPath, type ScoredOption } from './scored-options.js';

export interface ScoredPlanOptions {
  readonly partner: string;
  readonly scored?: ScoredOption;
  readonly month?: string | undefined;
  readonly path?: string | undefined;
  readonly target?: readonly string[] | undefined;
  readonly unitOfCost?: readonly string[] | undefined;
  readonly programVersion?: string | undefined;
  readonly asOf?: string | undefined;
  readonly program?: string | undefined;
  readonly assume?: string | undefined;
  readonly data?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly format: string;
}

/** The names `--unit-of-cost` takes for each cost unit: dollars for revenue (read into cents), the others as they are. */
const UNIT_NAMES: Readonly<Record<string, CostUnit>> = {
  usd: 'usd-cents',
  people: 'people',
  customers: 'customers',
  pairs: 'pairs',
  deployments: 'deployments',
  'active-users': 'active-users',
  consumption: 'consumption',
};

/** `--target`: band (the next one), qualification (the first band), or a band's id; once. */
export function scoredTargetOf(given: readonly string[] | undefined, version: ScoredVersionDefinition): ScoredPlanTarget {
  const values = given ?? [];
  const refuse = (value: string) =>
    new UsageError([problem('--target', '', 'notAPlanTarget', { value, bands: version.bands.map((b) => b.id).join(', ') })]);
  if (values.length > 1) throw refuse(values[1]!);
  const value = values[0] ?? 'band';
  if (value === 'band' || value === 'qualification') return value;
  if (version.bands.some((b) => b.id === value)) return { band: value };
  throw refuse(value);
}

/**
 * `--unit-of-cost name=amount` (repeatable): how much of a unit (usd, people, customers, pairs, deployments,
 * active-users, consumption) or of a metric's cost (by its id) counts as one unit of cost. Revenue in dollars.
 */
export function unitsOfCostOf(given: readonly string[] | undefined, version: ScoredVersionDefinition): UnitsOfCost {
  const units: Partial<Record<CostUnit, Rational>> = {};
  const metrics: Record<string, Rational> = {};
  const definitions = new Map(version.paths.flatMap((p) => p.metrics.map((m) => [m.id, m] as const)));
  for (const text of given ?? []) {
    const at = text.indexOf('=');
    const name = at < 0 ? text : text.slice(0, at);
    const amount = at < 0 ? undefined : parseRational(text.slice(at + 1).trim());
    const unit = UNIT_NAMES[name.trim()];
    const metric = definitions.get(name.trim());
    if (amount === undefined || compareRational(amount, rational(0)) <= 0 || (unit === undefined && metric === undefined))
      throw new UsageError([problem('--unit-of-cost', '', 'notUnitOfCost', { value: text, units: Object.keys(UNIT_NAMES).join(', ') })]);
    const dollars = unit === 'usd-cents' || metric?.kind === 'revenue-sum';
    const inUnit = dollars ? rational(amount.num * 100n, amount.den) : amount;
    if (unit) units[unit] = inUnit;
    else metrics[name.trim()] = inUnit;
  }
  return { units, metrics };
}

export function runScoredPlan(given: string | undefined, options: ScoredPlanOptions, io: CliIo, tr: Translator): void {
  const path = scoredRecordsPath(given);
  // The threshold plan's inputs mean nothing to the scored one.
  refuseWith(
    [
      [options.asOf, '--as-of'],
      [options.program, '--program'],
      [options.assume, '--assume'],
      [options.data, '--data'],
      [options.databaseUrl, '--database-url'],
    ],
    '--scored',
  );
  if (options.month === undefined)
    throw new UsageError([problem('--scored', '', 'optionNeedsOption', { option: '--scored', requires: '--month' })]);
  if (!isMonth(options.month))
    throw new UsageError([problem('--month', '', 'notMonth', { subject: '--month', value: JSON.stringify(options.month) })]);
  const { versions, data } = loadScoredRecords(path, options.scored);
  requirePartners(data, [options.partner], path);
  const month = monthIndex(options.month);
  const version = chooseScoredVersion(versions, lastDayOf(month), options.programVersion, '--month');
  if (options.path !== undefined && !version.paths.some((p) => p.id === options.path))
    throw new UsageError([
      problem('--path', '', 'notAPath', {
        value: options.path,
        version: version.effectiveFrom,
        paths: version.paths.map((p) => p.id).join(', '),
      }),
    ]);
  const target = scoredTargetOf(options.target, version);
  const units = unitsOfCostOf(options.unitOfCost, version);
  const plan = planScored(prepareScoring(version, data), options.partner, month, target, units, options.path);
  io.stdout(options.format === 'json' ? `${JSON.stringify(scoredPlanJson(plan), null, 2)}\n` : renderScoredPlanTable(plan, version, tr));
}
