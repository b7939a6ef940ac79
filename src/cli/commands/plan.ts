/** `attain plan <dataset.json> --partner ID`: what it takes to reach the next level (or the levels named). */
import { planPartner, prepare, type PreparedData, type Target } from '../../engine/index.js';
import { parseTarget as parseTargetOf } from '../../app/rules.js';
import { asJson, asOfDate, checkPartners, loadInputs, versionFor, withNote, type InputOptions } from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderPlanTable } from '../render/plan-table.js';
import { UsageError } from '../usage-error.js';

export interface PlanCommandOptions extends InputOptions {
  readonly partner: string;
  readonly asOf?: string | undefined;
  readonly target?: readonly string[] | undefined;
  readonly format: string;
}

export async function runPlan(datasetPath: string | undefined, options: PlanCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const asOf = asOfDate(options.asOf, io);
  const inputs = await loadInputs(datasetPath, options, io, options.partner);
  checkPartners(inputs, [options.partner]);
  const version = versionFor(inputs, asOf);
  const prepared = prepare(version, inputs.dataset);
  const targets = options.target && options.target.length > 0 ? options.target.map((t) => parseTarget(prepared, t)) : undefined;
  const plan = planPartner(prepared, options.partner, asOf, targets);
  io.stdout(options.format === 'json' ? asJson(inputs, plan) : withNote(inputs, tr, renderPlanTable(plan, version, inputs.dataset, tr)));
}

/** `OPTION/LEVEL`, or `COMPETENCY/OPTION/LEVEL` when an option id is not unique. */
function parseTarget(prepared: PreparedData, text: string): Target {
  const target = parseTargetOf(prepared.program, text, '--target');
  if (!target.ok) throw new UsageError(target.problems);
  return target.value;
}
