/** `attain evaluate <dataset.json>`: every partner's level and every requirement's shortfall. */
import { evaluate, prepare } from '../../engine/index.js';
import { asJson, asOfDate, checkPartners, loadInputs, versionFor, withNote, type InputOptions } from '../inputs.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';
import { renderEvaluationTable } from '../render/evaluation-table.js';

export interface EvaluateCommandOptions extends InputOptions {
  readonly asOf?: string | undefined;
  readonly partner?: readonly string[] | undefined;
  readonly format: string;
}

export const FORMATS = ['table', 'json'] as const;

export async function runEvaluate(
  datasetPath: string | undefined,
  options: EvaluateCommandOptions,
  io: CliIo,
  tr: Translator,
): Promise<void> {
  const asOf = asOfDate(options.asOf, io);
  const inputs = await loadInputs(datasetPath, options, io);
  const version = versionFor(inputs, asOf);
  const partnerIds = options.partner && options.partner.length > 0 ? [...new Set(options.partner)] : undefined;
  checkPartners(inputs, partnerIds ?? []);

  const report = evaluate(prepare(version, inputs.dataset), { asOf, partnerIds });
  io.stdout(
    options.format === 'json' ? asJson(inputs, report) : withNote(inputs, tr, renderEvaluationTable(report, version, inputs.dataset, tr)),
  );
}
