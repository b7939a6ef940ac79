/**
 * What every command reads — the program, the dataset (with what-if
 * assumptions merged in), the as-of date — parsed once at this edge and
 * handed to the application layer (src/app), whose failures become a
 * UsageError or an InvalidInputError here: exit 2.
 */
import { asIsoDate, InvalidInputError, problem, type Assumptions, type IsoDate, type Program } from '../engine/index.js';
import { readJsonFile } from '../files/dataset-file.js';
import { Store, type StoreOptions } from '../store/store.js';
import type { Translator } from '../i18n/index.js';
import { loadProgram } from '../files/program-files.js';
import { judgeable } from '../app/data.js';
import { forcedVersion, type InputNames, type JudgedColumns, type JudgedData, type Outcome } from '../app/reports.js';
import { today } from '../app/today.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';

/** The command line's names for the inputs a problem can point at. */
export const CLI_INPUTS: InputNames = {
  asOf: '--as-of',
  programVersion: '--program-version',
  target: '--target',
  from: '--from',
  to: '--to',
  partner: '--partner',
};

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

/** The value of a use case, or its failure as the command line reports it (exit 2). */
export function orExit<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  if (outcome.kind === 'data') throw new InvalidInputError(outcome.source ?? 'input', outcome.problems);
  throw new UsageError(outcome.problems);
}

export interface Inputs extends JudgedData {
  /** Present when `--assume` merged a what-if fragment. */
  readonly assumptions?: Assumptions | undefined;
}

/** `--program`'s definition, else the store's program (reading the store), else the bundled one. */
function chooseProgram(named: Program | undefined, stored: Program | undefined): Program {
  return named ?? stored ?? loadProgram();
}

/**
 * The dataset of a file, or of the store when no file is named, validated
 * under the program chosen as `chooseProgram` says, with `--assume` merged in.
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
          program: await store.program(),
        }))
      : undefined;
  const program = chooseProgram(named, fromStore?.program);
  // A version that is not one is said before the data is read through.
  orExit(forcedVersion(program, programVersionOf(options), CLI_INPUTS));
  const raw = fromStore ? fromStore.raw : readJsonFile(datasetPath!);
  const assume = options.assume === undefined ? undefined : { raw: readJsonFile(options.assume), source: options.assume };
  return orExit(judgeable(raw, program, datasetPath ?? 'store', assume));
}

/**
 * The whole store as columns (no object per row), for `evaluate` with no
 * dataset file and no `--assume`; the program chosen as in `loadInputs`.
 */
export async function loadStoreColumns(options: InputOptions, io: CliIo): Promise<JudgedColumns & { readonly assumptions?: undefined }> {
  const named = options.program === undefined ? undefined : loadProgram(options.program);
  return withStore(options, io, async (store) => {
    const program = chooseProgram(named, await store.program());
    orExit(forcedVersion(program, programVersionOf(options), CLI_INPUTS));
    return { program, columns: await store.columns(program), source: 'store' };
  });
}

/** `--as-of`, parsed; today (app/today.ts) when absent. */
export function asOfDate(value: string | undefined, io: CliIo): IsoDate {
  return value === undefined ? today(io.now()) : dateFlag(value, '--as-of');
}

/** A date flag's value, parsed once: a calendar date, or exit 2 naming the flag. */
export function dateFlag(value: string, flag: string): IsoDate {
  const date = asIsoDate(value);
  if (date === undefined) throw new UsageError([problem(flag, '', 'flagNotCalendarDate', { value })]);
  return date;
}

/** `--program-version`, parsed; undefined when absent. */
export function programVersionOf(options: Pick<InputOptions, 'programVersion'>): IsoDate | undefined {
  return options.programVersion === undefined ? undefined : dateFlag(options.programVersion, '--program-version');
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
