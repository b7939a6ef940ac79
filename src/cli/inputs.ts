/**
 * What every command reads: the program, the dataset (with what-if
 * assumptions merged in), the as-of date and the version that judges it.
 * Every problem found is a UsageError or an InvalidInputError: exit 2.
 */
import {
  InvalidInputError,
  isIsoDate,
  validateDataset,
  versionFrom,
  versionInEffect,
  withAssumptions,
  type Assumptions,
  type Dataset,
  type Program,
  type ProgramVersion,
} from '../engine/index.js';
import { readJsonFile } from '../files/dataset-file.js';
import { loadProgram } from '../files/program-files.js';
import { localToday, type CliIo } from './io.js';
import { UsageError } from './usage-error.js';

export interface InputOptions {
  readonly program?: string | undefined;
  readonly programVersion?: string | undefined;
  readonly assume?: string | undefined;
}

export interface Inputs {
  readonly program: Program;
  readonly dataset: Dataset;
  readonly datasetPath: string;
  /** Present when `--assume` merged a what-if fragment. */
  readonly assumptions?: Assumptions | undefined;
  /** The version `--program-version` forces, if any. */
  readonly forced?: ProgramVersion | undefined;
}

export function loadInputs(datasetPath: string, options: InputOptions): Inputs {
  const program = loadProgram(options.program);
  const forced = options.programVersion === undefined ? undefined : forcedVersion(program, options.programVersion);
  let raw = readJsonFile(datasetPath);
  let assumptions: Assumptions | undefined;
  let relabel = (p: InvalidInputError['problems'][number]) => p;
  if (options.assume !== undefined) {
    const merged = withAssumptions(raw, readJsonFile(options.assume), options.assume);
    if (!merged.ok) throw new InvalidInputError(options.assume, merged.problems);
    raw = merged.raw;
    assumptions = merged.assumptions;
    relabel = merged.relabel;
  }
  const validated = validateDataset(raw, program);
  if (!validated.ok) {
    const source = options.assume === undefined ? datasetPath : `${datasetPath} with ${options.assume}`;
    throw new InvalidInputError(source, validated.problems.map(relabel));
  }
  return { program, dataset: validated.value, datasetPath, assumptions, forced };
}

/** `--as-of`, checked; today in the local calendar when absent. */
export function asOfDate(value: string | undefined, io: CliIo): string {
  const asOf = value ?? localToday(io.now());
  if (!isIsoDate(asOf)) throw new UsageError([{ record: '--as-of', field: '', message: `"${asOf}" is not a calendar date (YYYY-MM-DD)` }]);
  return asOf;
}

function forcedVersion(program: Program, forced: string): ProgramVersion {
  if (!isIsoDate(forced)) {
    throw new UsageError([{ record: '--program-version', field: '', message: `"${forced}" is not a calendar date (YYYY-MM-DD)` }]);
  }
  const version = versionFrom(program, forced);
  if (!version) {
    throw new UsageError([
      {
        record: '--program-version',
        field: '',
        message: `"${forced}" is not a version of ${program.id} (versions take effect on ${versionDates(program)})`,
      },
    ]);
  }
  return version;
}

function versionDates(program: Program): string {
  return program.versions.map((v) => v.effectiveFrom).join(', ');
}

/** The version that judges a date: the forced one, or the one in force. */
export function versionFor(inputs: Inputs, date: string, flag = '--as-of'): ProgramVersion {
  const version = inputs.forced ?? versionInEffect(inputs.program, date);
  if (!version) {
    throw new UsageError([
      {
        record: flag,
        field: '',
        message: `${date} is before the first version of ${inputs.program.id} (versions take effect on ${versionDates(inputs.program)}); name one with --program-version to evaluate under its rules anyway`,
      },
    ]);
  }
  return version;
}

/** `--partner` ids must name partners of the dataset. */
export function checkPartners(inputs: Inputs, ids: readonly string[]): void {
  const known = new Set(inputs.dataset.partners.map((p) => p.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UsageError(
      unknown.map((id) => ({ record: '--partner', field: '', message: `"${id}" is not a partner of ${inputs.datasetPath}` })),
    );
  }
}

/** The line a table prints under its title when assumptions were applied. */
export function assumptionsNote(assumptions: Assumptions | undefined): string | undefined {
  if (!assumptions) return undefined;
  const counts = Object.entries(assumptions.records)
    .map(([collection, n]) => `${n} ${collection}`)
    .join(', ');
  return `What-if: assumptions from ${assumptions.source} applied (${counts || 'nothing added'})`;
}
