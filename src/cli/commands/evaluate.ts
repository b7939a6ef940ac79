/** `attain evaluate <dataset.json>`: every partner's level and every requirement's shortfall. */
import {
  evaluate,
  isIsoDate,
  prepare,
  versionFrom,
  versionInEffect,
  type Problem,
  type Program,
  type ProgramVersion,
} from '../../engine/index.js';
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
  readonly programVersion?: string | undefined;
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
  const version = chooseVersion(program, asOf, options.programVersion);
  const dataset = loadDataset(datasetPath, program);
  const prepared = prepare(version, dataset);
  const partnerIds = options.partner && options.partner.length > 0 ? [...new Set(options.partner)] : undefined;
  const unknown = (partnerIds ?? []).filter((id) => !prepared.partnerIndex.has(id));
  if (unknown.length > 0) {
    throw new UsageError(unknown.map((id) => ({ record: '--partner', field: '', message: `"${id}" is not a partner of ${datasetPath}` })));
  }

  const report = evaluate(prepared, { asOf, partnerIds });
  io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderEvaluationTable(report, version, dataset));
}

/** The version in force on the as-of date, or the one asked for with --program-version. */
function chooseVersion(program: Program, asOf: string, forced: string | undefined): ProgramVersion {
  const dates = program.versions.map((v) => v.effectiveFrom).join(', ');
  if (forced !== undefined) {
    if (!isIsoDate(forced)) {
      throw new UsageError([{ record: '--program-version', field: '', message: `"${forced}" is not a calendar date (YYYY-MM-DD)` }]);
    }
    const version = versionFrom(program, forced);
    if (!version) {
      throw new UsageError([
        {
          record: '--program-version',
          field: '',
          message: `"${forced}" is not a version of ${program.id} (versions take effect on ${dates})`,
        },
      ]);
    }
    return version;
  }
  const version = versionInEffect(program, asOf);
  if (!version) {
    throw new UsageError([
      {
        record: '--as-of',
        field: '',
        message: `${asOf} is before the first version of ${program.id} (versions take effect on ${dates}); name one with --program-version to evaluate under its rules anyway`,
      },
    ]);
  }
  return version;
}
