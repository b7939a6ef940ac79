/**
 * `attain import` and `attain export`: loading the store, and reading it back as a dataset.
 *
 * While `attain serve` or `attain start` owns the embedded store, `attain import` (without `--program`, which the
 * API does not take) sends its files to that server (POST /api/v1/imports, ../through-server.ts) and prints what it
 * prints when it imports them itself; `attain export` is refused, naming the server.
 */
import { openAsBlob, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { stringifyCsv } from '../../render/csv.js';
import { collections, problem, type CollectionName } from '../../engine/index.js';
import {
  csvCells,
  csvCellsSource,
  csvRecord,
  csvRows,
  entityOfFileName,
  IrregularCsv,
  isEntity,
  type CsvReadOptions,
} from '../../files/csv-dataset.js';
import type { Batch, ImportReport, ImportSource } from '../../store/store.js';
import { readJsonFile } from '../../files/dataset-file.js';
import type { Translator } from '../../i18n/index.js';
import { withStore, type StoreFlags } from '../inputs.js';
import { onStoreOrServer, type LocalServer } from '../through-server.js';
import { importData } from '../../app/imports.js';
import { definitionsOnDisk } from '../../files/program-files.js';
import { writeOutput, type CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';
import { isScored, type ScoredOption } from './scored-options.js';
import { runScoredExport, runScoredImport } from './scored-store.js';

export interface ImportCommandOptions extends StoreFlags {
  readonly program?: string | undefined;
  readonly format: string;
  /** The entity of CSV files whose name does not say it. */
  readonly entity?: string | undefined;
  /** Import the good records, write the rejected ones with their reasons next to the input. */
  readonly skipInvalid?: boolean | undefined;
  /** Scoring records instead (scored-store.ts): the bundled scored definition, or this folder's. */
  readonly scored?: ScoredOption;
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

/** A file to import: a JSON dataset read whole, or a CSV file of one entity streamed while it is imported. */
type Input =
  | { readonly kind: 'json'; readonly file: string; readonly incoming: unknown }
  | { readonly kind: 'csv'; readonly file: string; readonly entity: CollectionName; columns: readonly string[] };

function input(file: string, options: ImportCommandOptions): Input {
  if (extname(file).toLowerCase() === '.json') return { kind: 'json', file, incoming: readJsonFile(file) };
  const entity = options.entity ?? entityOfFileName(file);
  if (entity === undefined) throw new UsageError([problem(file, '', 'noEntity', { file })]);
  if (!isEntity(entity))
    throw new UsageError([problem('--entity', '', 'notEntity', { value: entity, entities: Object.keys(collections).join(', ') })]);
  return { kind: 'csv', file, entity, columns: [] };
}

/** What the store reads: a JSON file's records, or a CSV file's rows as they are parsed, with a progress bar on a terminal. */
function sourceOf(input: Input, io: CliIo, tr: Translator, stops: (() => void)[]): Batch | ImportSource {
  if (input.kind === 'json') return { incoming: input.incoming, source: input.file };
  let bar: SingleBar | undefined;
  // However the import ends, no bar is left running.
  stops.push(() => {
    bar?.stop();
    bar = undefined;
  });
  let started = Date.now();
  const options: CsvReadOptions = {
    onHeader: (columns) => (input.columns = columns),
    onProgress: (p) => {
      if (!io.isTerminal) return;
      if (!bar) {
        bar = progressBar(input.file, tr);
        started = Date.now();
      }
      if (bar.getTotal() !== p.totalBytes) bar.start(p.totalBytes, 0, { rows: 0, speed: 0 });
      bar.update(p.bytes, { rows: p.rows, speed: Math.round(p.rows / Math.max(0.001, (Date.now() - started) / 1000)) });
      if (p.bytes === p.totalBytes) {
        bar.stop();
        bar = undefined;
      }
    },
  };
  return {
    source: input.file,
    // The store reads the file's cells with the fast reader, or, for a file it declines, its records().
    csv: csvCellsSource(input.file, input.entity, options),
    async *records() {
      try {
        for await (const { record, line } of csvRows(input.file, input.entity, options)) yield { collection: input.entity, record, line };
      } finally {
        bar?.stop();
        bar = undefined;
      }
    },
  };
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

/** Rejected records next to their input, with why: `file.rejected.csv` (the same columns and a reason) or `.json`. */
async function writeRejected(input: Input, report: ImportReport): Promise<string> {
  const base = input.file.replace(/\.(json|csv)$/i, '');
  if (input.kind === 'csv') {
    // The file is read again for the rejected rows' cells as given: nothing of it was kept in memory
    // (and its header, when the server imported it).
    const reasons = new Map(report.rejectedRecords.map((r) => [r.index, r.reasons.join('; ')] as const));
    let rows: string[][] = [];
    const row = (record: Record<string, unknown>, reason: string) => [...input.columns.map((c) => String(record[c] ?? '')), reason];
    const onHeader = (columns: readonly string[]) => (input.columns = columns);
    try {
      // The fast reader, as the import read it; a file it declines, read as it always was.
      let index = 0;
      for await (const { columns, rows: read } of csvCells(input.file, { onHeader }))
        for (const { cells } of read) {
          const reason = reasons.get(index++);
          if (reason !== undefined) rows.push(row(csvRecord(input.entity, columns, cells), reason));
        }
    } catch (error) {
      if (!(error instanceof IrregularCsv)) throw error;
      rows = [];
      let index = 0;
      for await (const { record } of csvRows(input.file, input.entity, { onHeader })) {
        const reason = reasons.get(index++);
        if (reason !== undefined) rows.push(row(record, reason));
      }
    }
    const file = `${base}.rejected.csv`;
    writeFileSync(file, stringifyCsv([[...input.columns, 'reason'], ...rows]), 'utf8');
    return file;
  }
  const file = `${base}.rejected.json`;
  const incoming = input.incoming as Record<string, unknown[]>;
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
  if (isScored(options.scored)) return runScoredImport(paths, options, io, tr);
  // Optional for `--scored <input>` alone; without it, files are needed.
  if (paths.length === 0) throw new UsageError([problem('<files...>', '', 'missing', { subject: '<files...>' })]);
  const files = dataFiles(paths);
  const unknown = files.filter((file) => !DATA_FILE.test(file));
  if (unknown.length > 0) throw new UsageError(unknown.map((file) => problem(file, '', 'notDataFile', { file })));
  if (files.length === 0) throw new UsageError([problem(paths.join(' '), '', 'noDatasetFiles', { paths: paths.join(', ') })]);
  const inputs = files.map((file) => input(file, options));
  const reports = await onStoreOrServer(
    options,
    io,
    tr,
    async (store) => {
      const stops: (() => void)[] = [];
      try {
        return await importData(store, definitionsOnDisk, {
          files: inputs.map((i) => sourceOf(i, io, tr, stops)),
          programPath: options.program,
          skipInvalid: options.skipInvalid,
        });
      } finally {
        for (const stop of stops) stop();
      }
    },
    // The API checks with the store's program: an import naming its own program cannot go through it.
    options.program === undefined ? (server) => importThrough(server, inputs, options) : undefined,
  );
  const written: (string | undefined)[] = [];
  for (const [i, report] of reports.entries()) written.push(report.rejected > 0 ? await writeRejected(inputs[i]!, report) : undefined);
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

/**
 * A name for each file as the server knows it (an upload keeps a file's base
 * name, letters, digits, `.`, `_` and `-`): its base name, made distinct.
 */
function uploadNames(files: readonly string[]): string[] {
  const taken = new Set<string>();
  return files.map((file) => {
    const ext = extname(file).toLowerCase();
    const stem =
      basename(file, extname(file))
        .replace(/[^\p{L}\p{N}._-]/gu, '_')
        .slice(0, 150) || 'file';
    let name = `${stem}${ext}`;
    for (let n = 2; taken.has(name); n++) name = `${stem}-${n}${ext}`;
    taken.add(name);
    return name;
  });
}

/**
 * The import sent to the server owning the store: the files as a multipart
 * upload (a CSV file under its entity, as this command chose it), then the
 * reports and problems named by the files as given here, as when this
 * command imports them itself.
 */
async function importThrough(server: LocalServer, inputs: readonly Input[], options: ImportCommandOptions): Promise<ImportReport[]> {
  const names = uploadNames(inputs.map((i) => i.file));
  const form = new FormData();
  for (const [i, input] of inputs.entries()) {
    form.append(input.kind === 'csv' ? input.entity : 'file', await openAsBlob(input.file), names[i]!);
  }
  const answer = await server.send('POST', `/api/v1/imports?skipInvalid=${options.skipInvalid ? 'true' : 'false'}`, { form });
  if (answer.status === 200) {
    const reports = (answer.body as { reports: ImportReport[] }).reports;
    return reports.map((report, i) => ({ ...report, source: inputs[i]?.file ?? report.source }));
  }
  // A record is named after its file first (`revenue.csv:4 (id R3)`), an import after its files (`a.json, revenue.csv`).
  const relabel = (text: string): string =>
    text
      .split(', ')
      .map((part) => {
        const at = names.findIndex((name) => part === name || part.startsWith(`${name}:`) || part.startsWith(`${name} `));
        return at < 0 ? part : `${inputs[at]!.file}${part.slice(names[at]!.length)}`;
      })
      .join(', ');
  throw server.refused(answer, relabel);
}

export interface ExportCommandOptions extends StoreFlags {
  readonly out?: string | undefined;
  /** The scoring records instead, as a records file. */
  readonly scored?: boolean | undefined;
}

export async function runExport(options: ExportCommandOptions, io: CliIo): Promise<void> {
  if (options.scored) return runScoredExport(options, io);
  const dataset = await withStore(options, io, (store) => store.read());
  const text = `${JSON.stringify(dataset, null, 2)}\n`;
  writeOutput(io, options.out, text);
}
