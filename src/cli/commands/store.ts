/** `attain import` and `attain export`: loading the store, and reading it back as a dataset. */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { collections, InvalidInputError, problem, type Problem } from '../../engine/index.js';
import { entityOfFileName, isEntity, readCsvEntity, type CsvEntity } from '../../files/csv-dataset.js';
import type { Batch, ImportReport } from '../../store/store.js';
import { readJsonFile } from '../../files/dataset-file.js';
import { loadProgram } from '../../files/program-files.js';
import type { Translator } from '../../i18n/index.js';
import { withStore, type StoreFlags } from '../inputs.js';
import { writeOutput, type CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface ImportCommandOptions extends StoreFlags {
  readonly program?: string | undefined;
  readonly format: string;
  /** The entity of CSV files whose name does not say it. */
  readonly entity?: string | undefined;
  /** Import the good records, write the rejected ones with their reasons next to the input. */
  readonly skipInvalid?: boolean | undefined;
}

const DATA_FILE = /\.(json|csv)$/i;

/** Files named, folders expanded to their JSON and CSV files, in name order. */
function dataFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      return (
        readdirSync(path)
          // Rejected records written by an earlier --skip-invalid are outputs, not inputs.
          .filter((name) => DATA_FILE.test(name) && !/\.rejected\.(json|csv)$/i.test(name))
          .sort()
          .map((name) => join(path, name))
      );
    }
    return [path];
  });
}

interface Loaded {
  readonly batch: Batch;
  readonly csv?: CsvEntity | undefined;
}

async function load(file: string, options: ImportCommandOptions, io: CliIo, tr: Translator): Promise<Loaded> {
  if (extname(file).toLowerCase() === '.json') return { batch: { incoming: readJsonFile(file), source: file } };
  const entity = options.entity ?? entityOfFileName(file);
  if (entity === undefined) throw new UsageError([problem(file, '', 'noEntity', { file })]);
  if (!isEntity(entity))
    throw new UsageError([problem('--entity', '', 'notEntity', { value: entity, entities: Object.keys(collections).join(', ') })]);
  const bar = io.isTerminal ? progressBar(file, tr) : undefined;
  const started = Date.now();
  try {
    const csv = await readCsvEntity(file, entity, (p) => {
      if (!bar) return;
      if (bar.getTotal() !== p.totalBytes) bar.start(p.totalBytes, 0, { rows: 0, speed: 0 });
      bar.update(p.bytes, { rows: p.rows, speed: Math.round(p.rows / Math.max(0.001, (Date.now() - started) / 1000)) });
    });
    return { batch: { incoming: { [entity]: csv.records }, source: file }, csv };
  } finally {
    bar?.stop();
  }
}

/** Rows, rows per second and time left, on standard error, while a CSV file is read. */
function progressBar(file: string, tr: Translator): SingleBar {
  // cli-progress fills {bar}, {percentage}, {eta_formatted} and the {rows} and {speed} we pass: the catalog keeps them as tokens.
  const format = tr.t('cli.import.progress', {
    file,
    bar: '{bar}',
    percentage: '{percentage}',
    rows: '{rows}',
    speed: '{speed}',
    eta: '{eta_formatted}',
  });
  return new SingleBar({ stream: process.stderr, format }, Presets.shades_classic);
}

/** `revenue.csv: revenue[3] (id R-88)` → `revenue.csv:5 (id R-88)`: CSV problems by line. */
function byLine(loaded: readonly Loaded[]) {
  return (p: Problem): Problem => {
    for (const { batch, csv } of loaded) {
      if (!csv || !p.record.startsWith(`${batch.source}: `)) continue;
      const m = /^(\w+)\[(\d+)\](.*)$/.exec(p.record.slice(batch.source.length + 2));
      const line = m ? csv.lines[Number(m[2])] : undefined;
      if (line !== undefined) return { ...p, record: `${batch.source}:${line}${m![3]}` };
    }
    return p;
  };
}

/** Rejected records next to their input, with why: `file.rejected.csv` (the same columns and a reason) or `.json`. */
function writeRejected({ batch, csv }: Loaded, report: ImportReport): string {
  const base = batch.source.replace(/\.(json|csv)$/i, '');
  if (csv) {
    const file = `${base}.rejected.csv`;
    const rows = report.rejectedRecords.map((r) => [
      ...csv.columns.map((c) => String(csv.records[r.index]?.[c] ?? '')),
      r.reasons.join('; '),
    ]);
    writeFileSync(file, stringify([[...csv.columns, 'reason'], ...rows]), 'utf8');
    return file;
  }
  const file = `${base}.rejected.json`;
  const incoming = batch.incoming as Record<string, unknown[]>;
  const rejected = report.rejectedRecords.map((r) => ({
    collection: r.collection,
    index: r.index,
    record: incoming[r.collection]?.[r.index],
    reasons: r.reasons,
  }));
  writeFileSync(file, `${JSON.stringify(rejected, null, 2)}\n`, 'utf8');
  return file;
}

export async function runImport(paths: readonly string[], options: ImportCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const files = dataFiles(paths);
  const unknown = files.filter((file) => !DATA_FILE.test(file));
  if (unknown.length > 0) throw new UsageError(unknown.map((file) => problem(file, '', 'notDataFile', { file })));
  if (files.length === 0) throw new UsageError([problem(paths.join(' '), '', 'noDatasetFiles', { paths: paths.join(', ') })]);
  const program = loadProgram(options.program);
  const loaded: Loaded[] = [];
  for (const file of files) loaded.push(await load(file, options, io, tr));
  let reports: ImportReport[];
  try {
    reports = await withStore(options, io, (store) =>
      store.import(
        loaded.map((l) => l.batch),
        program,
        { skipInvalid: options.skipInvalid ?? false },
      ),
    );
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(error.source, error.problems.map(byLine(loaded)));
    throw error;
  }
  const written = reports.map((report, i) => (report.rejected > 0 ? writeRejected(loaded[i]!, report) : undefined));
  if (options.format === 'json') {
    io.stdout(
      `${JSON.stringify(
        reports.map((r, i) => ({ ...r, rejectedFile: written[i] ?? null })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  reports.forEach((report, i) => {
    io.stdout(
      `${tr.t('cli.import.report', { source: report.source, batch: report.batch, added: report.added, updated: report.updated, unchanged: report.unchanged })}\n`,
    );
    if (written[i]) io.stdout(`${tr.t('cli.import.rejected', { source: report.source, count: report.rejected, file: written[i] })}\n`);
  });
}

export interface ExportCommandOptions extends StoreFlags {
  readonly out?: string | undefined;
}

export async function runExport(options: ExportCommandOptions, io: CliIo): Promise<void> {
  const dataset = await withStore(options, io, (store) => store.read());
  const text = `${JSON.stringify(dataset, null, 2)}\n`;
  writeOutput(io, options.out, text);
}
