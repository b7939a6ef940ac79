/**
 * `attain plan <records.json> --scored [folder] --partner ID --month YYYY-MM`: the cheapest way for a
 * partner's path to the next band, or to the band that qualifies, under the scored rules (PCI, PCS).
 */
import { scoredPlanOf, type ScoredPlanInputNames } from '../../app/scored-plans.js';
import { scoredPlanJson } from '../../engine/index.js';
import type { Translator } from '../../i18n/index.js';
import { renderScoredPlanTable } from '../../render/scored-plan-table.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';
import { loadScoredInput, refuseWith, scoredMonth, type ScoredOption } from './scored-options.js';

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

export async function runScoredPlan(given: string | undefined, options: ScoredPlanOptions, io: CliIo, tr: Translator): Promise<void> {
  // The threshold plan's inputs mean nothing to the scored one.
  refuseWith(
    [
      [options.asOf, '--as-of'],
      [options.program, '--program'],
      [options.assume, '--assume'],
    ],
    '--scored',
  );
  const month = scoredMonth(options.month);
  const { versions, data, source } = await loadScoredInput(given, options.scored, options, io, options.partner);
  const choice = { programVersion: options.programVersion, path: options.path, target: options.target, unitOfCost: options.unitOfCost };
  const planned = scoredPlanOf(versions, data, options.partner, month, choice, CLI_NAMES(source));
  if (!planned.ok) throw new UsageError(planned.problems);
  const { plan, version } = planned.value;
  io.stdout(options.format === 'json' ? `${JSON.stringify(scoredPlanJson(plan), null, 2)}\n` : renderScoredPlanTable(plan, version, tr));
}

/** The flags a plan's problems name, and the records file. */
const CLI_NAMES = (dataset: string): ScoredPlanInputNames => ({
  month: '--month',
  programVersion: '--program-version',
  partner: '--partner',
  dataset,
  path: '--path',
  target: '--target',
  unitOfCost: '--unit-of-cost',
});
