/**
 * `attain import --scored` and `attain export --scored`: scoring records (PCI, PCS) into the store and back.
 *
 * An import reads one records JSON file, or one folder of CSV files (one per collection, src/files/scoring-csv.ts),
 * and merges it into the stored records by key, all or nothing (Store.importScoringRecords); the export writes the
 * stored records as a records file `attain score` reads.
 */
import { openAsBlob, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { importScoring } from '../../app/imports.js';
import { problem, type ScoringRecordLabel } from '../../engine/index.js';
import { readJsonFile } from '../../files/dataset-file.js';
import { openScoringCsvFolder, scoringCollectionOfFile } from '../../files/scoring-csv.js';
import type { Translator } from '../../i18n/index.js';
import type { ScoringImportReport } from '../../store/store.js';
import { withStore, type StoreFlags } from '../inputs.js';
import { openOutput, type CliIo } from '../io.js';
import { collectionsJsonWriter } from '../../render/json-collections.js';
import { onStoreOrServer, type LocalServer } from '../through-server.js';
import { UsageError } from '../usage-error.js';
import { loadScoredVersions } from './score.js';
import { refuseWith, scoredFolder, type ScoredOption } from './scored-options.js';

export interface ScoredImportOptions extends StoreFlags {
  readonly scored?: ScoredOption;
  readonly format: string;
  readonly program?: string | undefined;
  readonly entity?: string | undefined;
  readonly skipInvalid?: boolean | undefined;
}

/** What an import reads: the records, where they came from, and how its problems name a record. */
export interface ScoringInput {
  readonly records: unknown;
  readonly source: string;
  readonly label?: ScoringRecordLabel | undefined;
}

/** A records JSON file, or a folder of CSV files. */
export function readScoringInput(path: string): ScoringInput {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    const { records, label } = openScoringCsvFolder(path);
    return { records, source: path, label };
  }
  if (extname(path).toLowerCase() !== '.json') throw new UsageError([problem(path, '', 'notDataFile', { file: path })]);
  return { records: readJsonFile(path), source: path };
}

/**
 * The input and the scored definition of `attain import --scored [folder] <input>`. The flag's value is
 * the definition folder when an input follows it, and the input itself when none does
 * (`attain import --scored records.json`: the bundled definition).
 */
export function scoredImportArguments(
  paths: readonly string[],
  scored: ScoredOption,
): { readonly input: string; readonly folder: string | undefined } {
  const folder = scoredFolder(scored);
  const inputs = paths.length === 0 && folder !== undefined ? [folder] : paths;
  if (inputs.length !== 1) throw new UsageError([problem('--scored', '', 'oneScoringInput', { count: inputs.length })]);
  return { input: inputs[0]!, folder: paths.length === 0 ? undefined : folder };
}

export async function runScoredImport(paths: readonly string[], options: ScoredImportOptions, io: CliIo, tr: Translator): Promise<void> {
  refuseWith(
    [
      [options.program, '--program'],
      [options.entity, '--entity'],
      [options.skipInvalid, '--skip-invalid'],
    ],
    '--scored',
  );
  const { input, folder } = scoredImportArguments(paths, options.scored);
  const versions = loadScoredVersions(folder);
  const read = readScoringInput(input);
  const report = await onStoreOrServer(
    options,
    io,
    tr,
    (store) =>
      importScoring(store, {
        records: read.records,
        source: read.source,
        versions,
        // A whole population's import takes minutes: a person watching is told which collection it is at.
        options: {
          label: read.label,
          onProgress: io.isTerminal ? (step) => io.stderr(`${tr.t('cli.import.scoredStep', { ...step })}\n`) : undefined,
        },
      }),
    // The server checks with its bundled scored definition: an import naming another folder cannot go through it.
    folder === undefined ? (server) => importScoredThrough(server, input) : undefined,
  );
  printScoredImport(report, options.format, io, tr);
}

/**
 * The import sent to the server owning the store (POST /api/v1/imports/scoring): the records file, or the
 * folder's CSV files each under its collection, as a multipart upload; the report and the problems named by
 * the input as given here, as when this command imports it itself.
 */
async function importScoredThrough(server: LocalServer, input: string): Promise<ScoringImportReport> {
  const form = new FormData();
  let sent: string;
  if (statSync(input).isDirectory()) {
    const names: string[] = [];
    for (const name of readdirSync(input)
      .filter((n) => /\.csv$/i.test(n) && !/\.rejected\.csv$/i.test(n))
      .sort()) {
      const collection = scoringCollectionOfFile(name) ?? basename(name, extname(name));
      form.append(collection, await openAsBlob(join(input, name)), `${collection}.csv`);
      names.push(`${collection}.csv`);
    }
    sent = names.join(', ');
  } else {
    sent = basename(input).replace(/[^\p{L}\p{N}._-]/gu, '_') || 'records.json';
    form.append('file', await openAsBlob(input), sent);
  }
  const answer = await server.send('POST', '/api/v1/imports/scoring', { form });
  if (answer.status === 200) return { ...(answer.body as ScoringImportReport), source: input };
  throw server.refused(answer, (text) => (text === sent ? input : text));
}

/** The batch and its counts, in all and per collection the import named (or JSON: the report). */
export function printScoredImport(report: ScoringImportReport, format: string, io: CliIo, tr: Translator): void {
  if (format === 'json') {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  io.stdout(
    `${tr.t('cli.import.report', { source: report.source, batch: report.batch, added: report.added, updated: report.updated, unchanged: report.unchanged })}\n`,
  );
  for (const [collection, counts] of Object.entries(report.collections)) {
    if (counts.added + counts.updated + counts.unchanged === 0) continue;
    io.stdout(`${tr.t('cli.import.scoredCollection', { collection, ...counts })}\n`);
  }
}

/** Stored records read and written at once by `attain export --scored`. */
const EXPORT_PAGE = 10_000;

/**
 * The store's scoring records as a records file (`attain score` reads it); `{}` for a store without any. Read a
 * page at a time on one snapshot and written record by record, so a store of any size exports in the memory of a
 * page; a file appears only complete.
 */
export async function runScoredExport(options: StoreFlags & { readonly out?: string | undefined }, io: CliIo): Promise<void> {
  const output = openOutput(io, options.out);
  try {
    const json = collectionsJsonWriter((text) => output.write(text));
    await withStore(options, io, (store) =>
      store.eachScoringPage(EXPORT_PAGE, (collection, records) => {
        for (const record of records) json.item(collection, record);
      }),
    );
    json.end();
    output.close();
  } catch (error) {
    output.discard();
    throw error;
  }
}
