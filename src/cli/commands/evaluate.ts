/** `attain evaluate <dataset.json>`: every partner's level and every requirement's shortfall. */
import { evaluate, isIsoDate, prepare, type Problem } from '../../engine/index.js';
import { loadDataset } from '../../files/dataset-file.js';
import { loadProgram } from '../../files/program-files.js';
import { localToday, type CliIo } from '../io.js';
import { renderEvaluationTable } from '../render/evaluation-table.js';
import { UsageError } from '../usage-error.js';

export interface EvaluateCommandOptions {
  readonly asOf?: string | undefined;
  readonly partner?: readonly string[] | undefined;
  readonly format: string;
  readonly program?: string | undefined;
}

export const FORMATS = ['table', 'json'] as const;

export function runEvaluate(datasetPath: string, options: EvaluateCommandOptions, io: CliIo): void {
  const asOf = options.asOf ?? localToday(io.now());
  const problems: Problem[] = [];
  if (!isIsoDate(asOf)) problems.push({ record: '--as-of', field: '', message: `"${asOf}" is not a calendar date (YYYY-MM-DD)` });
  if (!(FORMATS as readonly string[]).includes(options.format)) {
    problems.push({ record: '--format', field: '', message: `"${options.format}" is not one of ${FORMATS.join(', ')}` });
  }
  if (problems.length > 0) throw new UsageError(problems);

  const program = loadProgram(options.program);
  const dataset = loadDataset(datasetPath, program);
  const prepared = prepare(program, dataset);
  const partnerIds = options.partner && options.partner.length > 0 ? [...new Set(options.partner)] : undefined;
  const unknown = (partnerIds ?? []).filter((id) => !prepared.partnerIndex.has(id));
  if (unknown.length > 0) {
    throw new UsageError(unknown.map((id) => ({ record: '--partner', field: '', message: `"${id}" is not a partner of ${datasetPath}` })));
  }

  const report = evaluate(prepared, { asOf, partnerIds });
  io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderEvaluationTable(report, program, dataset));
}
