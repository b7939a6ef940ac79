/**
 * `attain import --scored` and `attain export --scored`: scoring records (PCI, PCS) into the store and back.
 *
 * An import reads one records JSON file, or one folder of CSV files (one per collection, src/files/scoring-csv.ts),
 * and merges it into the stored records by key, all or nothing (Store.importScoringRecords); the export writes the
 * stored records as a records file `attain score` reads.
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { problem, type ScoringRecordLabel } from '../../engine/index.js';
import { readJsonFile } from '../../files/dataset-file.js';
import { readScoringCsvFolder } from '../../files/scoring-csv.js';
import type { Translator } from '../../i18n/index.js';
import type { ScoringImportReport } from '../../store/store.js';
import { withStore, type StoreFlags } from '../inputs.js';
import { writeOutput, type CliIo } from '../io.js';
import { onStoreOrServer } from '../through-server.js';
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
    const { records, label } = readScoringCsvFolder(path);
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
  const report = await onStoreOrServer(options, io, tr, (store) =>
    store.importScoringRecords(read.records, read.source, versions, { label: read.label }),
  );
  printScoredImport(report, options.format, io, tr);
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

/** The store's scoring records as a records file (`attain score` reads it); `{}` for a store without any. */
export async function runScoredExport(options: StoreFlags & { readonly out?: string | undefined }, io: CliIo): Promise<void> {
  const records = await withStore(options, io, (store) => store.scoringRecords());
  writeOutput(io, options.out, `${JSON.stringify(records, null, 2)}\n`);
}
