/**
 * What every command reads: the program, the dataset (with what-if
 * assumptions merged in), the as-of date and the version that judges it.
 * Every problem found is a UsageError or an InvalidInputError: exit 2.
 */
import {
  InvalidInputError,
  isIsoDate,
  problem,
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
import { Store, type StoreOptions } from '../store/store.js';
import type { Translator } from '../i18n/index.js';
import { loadProgram } from '../files/program-files.js';
import { localToday, type CliIo } from './io.js';
import { UsageError } from './usage-error.js';

export interface StoreFlags {
  /** PGlite data folder (default `./.attain`). */
  readonly data?: string | undefined;
  /** A PostgreSQL server; `ATTAIN_DATABASE_URL` when absent. */
  readonly databaseUrl?: string | undefined;
}

export interface InputOptions extends StoreFlags {
  readonly program?: string | undefined;
  readonly programVersion?: string | undefined;
  readonly assume?: string | undefined;
}

/** Which store the flags and the environment name. */
export function storeOptions(flags: StoreFlags, io: CliIo): StoreOptions {
  return { dataDir: flags.data, databaseUrl: flags.databaseUrl ?? io.env.ATTAIN_DATABASE_URL };
}

/** Runs `fn` on the store, closing it whatever happens. */
export async function withStore<T>(flags: StoreFlags, io: CliIo, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(storeOptions(flags, io));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
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

/** The dataset of a file, or of the store when no file is named. */
export async function loadInputs(datasetPath: string | undefined, options: InputOptions, io: CliIo): Promise<Inputs> {
  const program = loadProgram(options.program);
  const forced = options.programVersion === undefined ? undefined : versionNamed(program, options.programVersion);
  const source = datasetPath ?? 'store';
  let raw: unknown = datasetPath === undefined ? await withStore(options, io, (store) => store.read()) : readJsonFile(datasetPath);
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
    throw new InvalidInputError(options.assume === undefined ? source : `${source} + ${options.assume}`, validated.problems.map(relabel));
  }
  return { program, dataset: validated.value, datasetPath: source, assumptions, forced };
}

/** `--as-of`, checked; today in the local calendar when absent. */
export function asOfDate(value: string | undefined, io: CliIo): string {
  const asOf = value ?? localToday(io.now());
  if (!isIsoDate(asOf)) throw new UsageError([problem('--as-of', '', 'flagNotCalendarDate', { value: asOf })]);
  return asOf;
}

/** The version `--program-version` names by its effective date. */
export function versionNamed(program: Program, forced: string): ProgramVersion {
  if (!isIsoDate(forced)) {
    throw new UsageError([problem('--program-version', '', 'flagNotCalendarDate', { value: forced })]);
  }
  const version = versionFrom(program, forced);
  if (!version) {
    throw new UsageError([
      problem('--program-version', '', 'notAVersion', { value: forced, program: program.id, dates: versionDates(program) }),
    ]);
  }
  return version;
}

function versionDates(program: Program): string {
  return program.versions.map((v) => v.effectiveFrom).join(', ');
}

/** The version that judges a date: the forced one, or the one in force. */
export function versionFor(inputs: Pick<Inputs, 'program' | 'forced'>, date: string, flag = '--as-of'): ProgramVersion {
  const version = inputs.forced ?? versionInEffect(inputs.program, date);
  if (!version) {
    throw new UsageError([
      problem(flag, '', 'beforeFirstVersion', {
        date,
        program: inputs.program.id,
        dates: versionDates(inputs.program),
        flag: '--program-version',
      }),
    ]);
  }
  return version;
}

/** `--partner` ids must name partners of the dataset. */
export function checkPartners(inputs: Inputs, ids: readonly string[]): void {
  const known = new Set(inputs.dataset.partners.map((p) => p.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UsageError(unknown.map((id) => problem('--partner', '', 'notAPartner', { id, dataset: inputs.datasetPath })));
  }
}

/** The line a table prints above itself when assumptions were applied. */
export function assumptionsNote(assumptions: Assumptions | undefined, tr: Translator): string | undefined {
  if (!assumptions) return undefined;
  const records = Object.entries(assumptions.records).map(([collection, count]) => tr.t('cli.whatIf.records', { collection, count }));
  return tr.t('cli.whatIf', { source: assumptions.source, records: records.length > 0 ? tr.list(records) : tr.t('cli.whatIf.nothing') });
}

/** Output of a table view, with the what-if note first when there is one. */
export function withNote(inputs: Pick<Inputs, 'assumptions'>, tr: Translator, text: string): string {
  const note = assumptionsNote(inputs.assumptions, tr);
  return note ? `${note}\n\n${text}` : text;
}

/** JSON output: ids and numbers only, the same in every locale; marked when assumptions were applied. */
export function asJson(inputs: Pick<Inputs, 'assumptions'>, value: object): string {
  return `${JSON.stringify(inputs.assumptions ? { ...value, assumptions: inputs.assumptions } : value, null, 2)}\n`;
}
