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
  withAssumptions,
  type Assumptions,
  type Dataset,
  type DatasetColumns,
  type Program,
  type ProgramVersion,
} from '../engine/index.js';
import { readJsonFile } from '../files/dataset-file.js';
import { Store, type StoreOptions } from '../store/store.js';
import type { Translator } from '../i18n/index.js';
import { loadProgram } from '../files/program-files.js';
import { judgingVersion, namedVersion } from '../app/rules.js';
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

/**
 * The dataset of a file, or of the store when no file is named. The rules:
 * `--program`'s definition; else, reading the store, the program the store
 * keeps (if it keeps one); else the bundled definition.
 */
export async function loadInputs(
  datasetPath: string | undefined,
  options: InputOptions,
  io: CliIo,
  /** The one partner the command is about: from the store, only its neighbourhood is read (not with `--assume`). */
  partner?: string,
): Promise<Inputs> {
  const named = options.program === undefined ? undefined : loadProgram(options.program);
  const fromStore =
    datasetPath === undefined
      ? await withStore(options, io, async (store) => ({
          raw: await (partner !== undefined && options.assume === undefined ? store.neighbourhood(partner) : store.read()),
          program: named ?? (await store.program()),
        }))
      : undefined;
  const program = named ?? fromStore?.program ?? loadProgram();
  const forced = options.programVersion === undefined ? undefined : versionNamed(program, options.programVersion);
  const source = datasetPath ?? 'store';
  let raw: unknown = fromStore ? fromStore.raw : readJsonFile(datasetPath!);
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

/** The whole store as columns, and the rules to judge it by. */
export interface ColumnInputs {
  readonly program: Program;
  readonly columns: DatasetColumns;
  readonly datasetPath: string;
  readonly forced?: ProgramVersion | undefined;
  readonly assumptions?: undefined;
}

/**
 * The whole store as columns (no object per row), for `evaluate` with no
 * dataset file and no `--assume`; the program chosen as in `loadInputs`.
 */
export async function loadStoreColumns(options: InputOptions, io: CliIo): Promise<ColumnInputs> {
  const named = options.program === undefined ? undefined : loadProgram(options.program);
  return withStore(options, io, async (store) => {
    const program = named ?? (await store.program()) ?? loadProgram();
    const forced = options.programVersion === undefined ? undefined : versionNamed(program, options.programVersion);
    return { program, forced, columns: await store.columns(program), datasetPath: 'store' };
  });
}

// Shared with the HTTP API: the program an import checks with, and where a definition was read from.
export { programForImport, programSource } from '../app/rules.js';

/** `--as-of`, checked; today in the local calendar when absent. */
export function asOfDate(value: string | undefined, io: CliIo): string {
  const asOf = value ?? localToday(io.now());
  if (!isIsoDate(asOf)) throw new UsageError([problem('--as-of', '', 'flagNotCalendarDate', { value: asOf })]);
  return asOf;
}

/** The version `--program-version` names by its effective date. */
export function versionNamed(program: Program, forced: string): ProgramVersion {
  const version = namedVersion(program, forced, '--program-version');
  if (!version.ok) throw new UsageError(version.problems);
  return version.value;
}

/** The version that judges a date: the forced one, or the one in force. */
export function versionFor(inputs: Pick<Inputs, 'program' | 'forced'>, date: string, flag = '--as-of'): ProgramVersion {
  const version = judgingVersion(inputs.program, inputs.forced, date, flag, '--program-version');
  if (!version.ok) throw new UsageError(version.problems);
  return version.value;
}

/** `--partner` ids must name partners of the dataset. */
export function checkPartners(inputs: Inputs | ColumnInputs, ids: readonly string[]): void {
  if (ids.length === 0) return;
  const known = new Set('columns' in inputs ? inputs.columns.partners.ids : inputs.dataset.partners.map((p) => p.id));
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

/**
 * The same text as `asJson`, written element by element of one array (the
 * partners of a report): a whole program's report with its evidence is
 * more than one JavaScript string can hold.
 */
export function writeJson<K extends string>(
  io: Pick<CliIo, 'stdout'>,
  inputs: Pick<Inputs, 'assumptions'>,
  value: { readonly [key in K]: readonly unknown[] } & object,
  arrayKey: K,
): void {
  const items = value[arrayKey];
  if (items.length === 0) {
    io.stdout(asJson(inputs, value));
    return;
  }
  // The array is replaced by a marker; what stands around it is written first and last.
  const marker = '\u0000items\u0000';
  const [head, tail] = asJson(inputs, { ...value, [arrayKey]: marker }).split(JSON.stringify(marker)) as [string, string];
  const indent = /\n( *)"[^"\n]*": $/.exec(head)?.[1] ?? '';
  io.stdout(`${head}[\n`);
  items.forEach((item, i) => {
    const text = JSON.stringify(item, null, 2).replace(/\n/g, `\n${indent}  `);
    io.stdout(`${indent}  ${text}${i < items.length - 1 ? ',' : ''}\n`);
  });
  io.stdout(`${indent}]${tail}`);
}
