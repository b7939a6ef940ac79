/**
 * `attain plan <dataset.json> --partner ID`: what it takes to reach the next level (or the levels named).
 * With `--scored`: the cheapest way to the next band of a scored program (scored-plan.ts).
 */
import { plan } from '../../app/reports.js';
import { asJson, asOfDate, CLI_INPUTS, loadInputs, orExit, programVersionOf, withNote, type InputOptions } from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderPlanTable } from '../../render/plan-table.js';
import { isScored, refuseWithout } from './scored-options.js';
import { runScoredPlan, type ScoredPlanOptions } from './scored-plan.js';

export interface PlanCommandOptions extends InputOptions, Omit<ScoredPlanOptions, keyof InputOptions> {
  readonly partner: string;
  readonly asOf?: string | undefined;
  readonly target?: readonly string[] | undefined;
  readonly format: string;
}

export async function runPlan(datasetPath: string | undefined, options: PlanCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  if (isScored(options.scored)) {
    await runScoredPlan(datasetPath, options, io, tr);
    return;
  }
  // The flags that only the scored plan reads.
  refuseWithout(
    [
      [options.month, '--month'],
      [options.path, '--path'],
      [options.unitOfCost, '--unit-of-cost'],
    ],
    '--scored',
  );
  const rules = { asOf: asOfDate(options.asOf, io), programVersion: programVersionOf(options) };
  const inputs = await loadInputs(datasetPath, options, io, options.partner);
  const { version, result } = orExit(plan(inputs, options.partner, rules, options.target ?? [], CLI_INPUTS));
  io.stdout(
    options.format === 'json' ? asJson(inputs, result) : withNote(inputs, tr, renderPlanTable(result, version, inputs.dataset, tr)),
  );
}
