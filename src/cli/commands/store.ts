/** `attain import` and `attain export`: loading the store, and reading it back as a dataset. */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { problem } from '../../engine/index.js';
import { readJsonFile } from '../../files/dataset-file.js';
import { loadProgram } from '../../files/program-files.js';
import type { Translator } from '../../i18n/index.js';
import { withStore, type StoreFlags } from '../inputs.js';
import { writeOutput, type CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface ImportCommandOptions extends StoreFlags {
  readonly program?: string | undefined;
  readonly format: string;
}

/** Files named, folders expanded to their JSON datasets, in name order. */
function datasetFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      return readdirSync(path)
        .filter((name) => extname(name).toLowerCase() === '.json')
        .sort()
        .map((name) => join(path, name));
    }
    return [path];
  });
}

export async function runImport(paths: readonly string[], options: ImportCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const files = datasetFiles(paths);
  const notJson = files.filter((file) => extname(file).toLowerCase() !== '.json');
  if (notJson.length > 0) throw new UsageError(notJson.map((file) => problem(file, '', 'notJsonDataset', { file })));
  if (files.length === 0) throw new UsageError([problem(paths.join(' '), '', 'noDatasetFiles', { paths: paths.join(', ') })]);
  const program = loadProgram(options.program);
  const batches = files.map((file) => ({ incoming: readJsonFile(file), source: file }));
  const reports = await withStore(options, io, (store) => store.import(batches, program));
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(reports, null, 2)}\n`);
    return;
  }
  for (const report of reports) {
    io.stdout(
      `${tr.t('cli.import.report', { source: report.source, batch: report.batch, added: report.added, updated: report.updated, unchanged: report.unchanged })}\n`,
    );
  }
}

export interface ExportCommandOptions extends StoreFlags {
  readonly out?: string | undefined;
}

export async function runExport(options: ExportCommandOptions, io: CliIo): Promise<void> {
  const dataset = await withStore(options, io, (store) => store.read());
  const text = `${JSON.stringify(dataset, null, 2)}\n`;
  writeOutput(io, options.out, text);
}
