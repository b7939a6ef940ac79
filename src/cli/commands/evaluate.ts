/** `attain evaluate <dataset.json>`: every partner's level and every requirement's shortfall. */
import { evaluate, prepare } from '../../engine/index.js';
import { asOfDate, assumptionsNote, checkPartners, loadInputs, versionFor, type InputOptions } from '../inputs.js';
import type { CliIo } from '../io.js';
import { renderEvaluationTable } from '../render/evaluation-table.js';

export interface EvaluateCommandOptions extends InputOptions {
  readonly asOf?: string | undefined;
  readonly partner?: readonly string[] | undefined;
  readonly format: string;
}

export const FORMATS = ['table', 'json'] as const;

export function runEvaluate(datasetPath: string, options: EvaluateCommandOptions, io: CliIo): void {
  const asOf = asOfDate(options.asOf, io);
  const inputs = loadInputs(datasetPath, options);
  const version = versionFor(inputs, asOf);
  const partnerIds = options.partner && options.partner.length > 0 ? [...new Set(options.partner)] : undefined;
  checkPartners(inputs, partnerIds ?? []);

  const report = evaluate(prepare(version, inputs.dataset), { asOf, partnerIds });
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(inputs.assumptions ? { ...report, assumptions: inputs.assumptions } : report, null, 2)}\n`);
  } else {
    const note = assumptionsNote(inputs.assumptions);
    io.stdout(`${note ? `${note}\n\n` : ''}${renderEvaluationTable(report, version, inputs.dataset)}`);
  }
}
