/**
 * Scoring records as CSV files, one per collection, in a folder: each file
 * named after its collection (`billing.csv`, `examPasses.csv`, `enrolments.csv`; `exam-passes`
 * and `exam_passes` too), its header the records' field names. Cells are
 * text; the fields that are not (true or false, whole numbers) are read as
 * such, and an empty cell is a field left out (`to` of an association: still
 * associated), so the records validate exactly as a records file's.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  LEAF_COLLECTIONS,
  problem,
  recordLabel,
  RecordsToRead,
  scoringCollections,
  type ScoringCollection,
  type ScoringRecordLabel,
  type ScoringRecords,
} from '../engine/index.js';
import { invalidInput } from '../i18n/index.js';
import { stringifyCsv } from '../render/csv.js';
import { CsvLineReader, headerColumns, IrregularCsv } from './csv-dataset.js';
import { decodeUtf8 } from './utf8.js';

const BOOLEAN_FIELDS = new Set(['paid', 'production', 'legacy']);
const WHOLE_NUMBER_FIELDS = new Set(['paidSeats', 'count']);

/** `billing.csv` → billing; `exam-passes.csv`, `exam_passes.csv`, `examPasses.csv` → examPasses; undefined for another name. */
export function scoringCollectionOfFile(file: string): ScoringCollection | undefined {
  const name = basename(file, extname(file))
    .toLowerCase()
    .replace(/[-_\s]/g, '');
  return (Object.keys(scoringCollections) as ScoringCollection[]).find((c) => c.toLowerCase() === name);
}

/** A cell as the records file would hold it; undefined for an empty cell (a field left out). */
function typedCell(collection: ScoringCollection, field: string, cell: string): unknown {
  if (cell === '') return collection === 'associations' && field === 'to' ? null : undefined;
  if (BOOLEAN_FIELDS.has(field)) {
    const value = cell.trim().toLowerCase();
    return value === 'true' ? true : value === 'false' ? false : cell;
  }
  if (WHOLE_NUMBER_FIELDS.has(field) && /^\s*-?\d+\s*$/.test(cell)) return Number(cell);
  return cell;
}

/** A CSV file's text as its header's cells and its rows' cells, each with the line it starts on. */
interface CsvText {
  readonly header: readonly string[];
  readonly body: readonly { readonly cells: readonly string[]; readonly line: number }[];
}

/** Characters of a text the fast reader takes at a time: its rows are let go a piece at a time, not held all at once. */
const PIECE = 1 << 22;

/**
 * The rows of a CSV text as csv-parse reads them (a BOM dropped, empty lines skipped): by the fast reader, several
 * times faster, or by csv-parse itself for a text the fast reader declines (a line break in a cell, a bare
 * carriage return…), whose errors are then csv-parse's words. test/csv-fast.test.ts holds the two equal.
 */
export function csvOfText(path: string, name: string, text: string, fast = true, piece = PIECE): CsvText {
  let read: CsvText = { header: [], body: [] };
  eachCsvRow(
    path,
    name,
    text,
    (header) => {
      const body: { cells: readonly string[]; line: number }[] = [];
      read = { header, body };
      return (cells, line) => void body.push({ cells, line });
    },
    fast,
    piece,
  );
  return read;
}

/**
 * Each row of a CSV text, as `csvOfText` reads them, given to the visitor `begin` makes from the header, a piece of
 * the text at a time (a whole population's billing file is millions of rows: their cells are never all held). When
 * the fast reader declines the text partway, `begin` is called again and csv-parse gives every row from the first.
 */
export function eachCsvRow(
  path: string,
  name: string,
  text: string,
  begin: (header: readonly string[]) => (cells: readonly string[], line: number) => void,
  fast = true,
  piece = PIECE,
): void {
  if (fast) {
    try {
      const reader = new CsvLineReader((cells) => cells);
      const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      let visit: ((cells: readonly string[], line: number) => void) | undefined;
      for (let at = 0; ; at += piece) {
        const last = at + piece >= body.length;
        const rows = reader.take(body.slice(at, at + piece), last);
        if (reader.columns !== undefined) visit ??= begin(reader.columns);
        for (const { cells, line } of rows) visit!(cells, line);
        if (last) break;
      }
      if (visit === undefined) begin(reader.columns ?? []);
      return;
    } catch (error) {
      if (!(error instanceof IrregularCsv)) throw error;
    }
  }
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as typeof rows;
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_'))
      throw invalidInput(path, [problem(name, '', 'notCsv', { detail: error.message })]);
    throw error;
  }
  const [header, ...body] = rows;
  const visit = begin(header?.record ?? []);
  for (const { record, info } of body) visit(record, info.lines);
}

/**
 * One string for every cell of a column holding the same text: a month, a workload, a subscription named by each of
 * its billing lines, seats and usage. A whole population's first import holds tens of millions of such cells at once:
 * kept once each, the records take half the memory. The first is copied out of the file's text, which a piece of it
 * would otherwise keep whole.
 */
function sharedText(seen: Map<string, string> | undefined, cell: string): string {
  if (seen === undefined) return cell;
  let text = seen.get(cell);
  if (text === undefined) {
    text = ` ${cell}`.slice(1);
    seen.set(text, text);
  }
  return text;
}

export interface ScoringCsvFolder<R = Record<string, unknown>[]> {
  /** The records, in the records file's shape. */
  readonly records: Record<string, R>;
  /** A record named by its file and line: `billing.csv:5 (id B-3)`. */
  readonly label: ScoringRecordLabel;
  /** The CSV files read, in name order. */
  readonly files: readonly string[];
}

/** The folder's CSV files as scoring records; a file that is not a collection's, or not CSV, is a problem naming it. */
export function readScoringCsvFolder(folder: string): ScoringCsvFolder {
  return scoringCsvFolder(folder, false) as ScoringCsvFolder;
}

/**
 * The folder's CSV files as scoring records, those of the leaf collections (billing, seats, usage: most of a
 * population's records) as `RecordsToRead`: each file read when an import comes to it, and let go after, so that
 * a whole population's files are never held at once. The other files are read now, with the same problems.
 */
export function openScoringCsvFolder(folder: string): ScoringCsvFolder<Record<string, unknown>[] | RecordsToRead> {
  return scoringCsvFolder(folder, true);
}

function scoringCsvFolder(folder: string, later: boolean): ScoringCsvFolder<Record<string, unknown>[] | RecordsToRead> {
  const files = readdirSync(folder)
    .filter((name) => /\.csv$/i.test(name) && !/\.rejected\.csv$/i.test(name))
    .sort();
  const names = Object.keys(scoringCollections).join(', ');
  if (files.length === 0) throw invalidInput(folder, [problem(folder, '', 'noScoringFiles', { folder, collections: names })]);
  const records: Record<string, Record<string, unknown>[] | RecordsToRead> = {};
  const lines = new Map<string, number[]>();
  const fileOf = new Map<string, string>();
  for (const name of files) {
    const collection = scoringCollectionOfFile(name);
    if (collection === undefined) throw invalidInput(folder, [problem(name, '', 'notEntity', { value: name, entities: names })]);
    const earlier = fileOf.get(collection);
    if (earlier !== undefined) throw invalidInput(folder, [problem(name, '', 'alreadySet', { field: collection, file: earlier })]);
    fileOf.set(collection, name);
    const read = () => {
      const file = readCollectionFile(join(folder, name), name, collection);
      lines.set(collection, file.lines);
      return file.records;
    };
    records[collection] = later && LEAVES.has(collection) ? new RecordsToRead(read, () => lines.delete(collection)) : read();
  }
  const label: ScoringRecordLabel = (collection, index, id) => {
    const file = fileOf.get(collection);
    const line = lines.get(collection)?.[index];
    if (file === undefined || line === undefined) return recordLabel(collection, index, id);
    return `${file}:${line}${typeof id === 'string' && id.length > 0 ? ` (id ${id})` : ''}`;
  };
  return { records, label, files: files.map((name) => join(folder, name)) };
}

const LEAVES: ReadonlySet<string> = new Set(LEAF_COLLECTIONS);

/** One collection's CSV file as its records, each with the line it starts on. */
function readCollectionFile(
  path: string,
  name: string,
  collection: ScoringCollection,
): { records: Record<string, unknown>[]; lines: number[] } {
  let records: Record<string, unknown>[] = [];
  let lines: number[] = [];
  // A header refused is named once the whole text has read as CSV, as when the rows were read first: a file that
  // is not CSV is named as such whatever its header.
  let refused: unknown;
  eachCsvRow(path, name, decodeUtf8(path, readFileSync(path)), (header) => {
    records = [];
    lines = [];
    refused = undefined;
    let columns: readonly string[];
    try {
      columns = headerColumns(path, header, name);
    } catch (error) {
      refused = error;
      return () => undefined;
    }
    const shared = columns.map((field) => (field === 'id' ? undefined : new Map<string, string>()));
    return (cells, line) => {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const value = typedCell(collection, columns[i]!, sharedText(shared[i], cells[i] ?? ''));
        if (value !== undefined) record[columns[i]!] = value;
      }
      records.push(record);
      lines.push(line);
    };
  });
  if (refused !== undefined) throw refused;
  return { records, lines };
}

/** Rows per write: a population of 100,000 partners has millions of billing rows, never one string of them all. */
const ROWS_PER_WRITE = 20_000;

/**
 * The records as the folder `readScoringCsvFolder` reads back: one `<collection>.csv` per collection of the
 * records (a header alone for an empty one), the columns in the records' field order, a field left out as an
 * empty cell. Files of the same names are replaced; the paths written are returned in collection order.
 */
export function writeScoringCsvFolder(records: ScoringRecords, folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const collection of Object.keys(scoringCollections) as ScoringCollection[]) {
    const rows = records[collection] as readonly Record<string, unknown>[] | undefined;
    if (rows === undefined) continue;
    const fields = Object.keys(scoringCollections[collection].shape);
    const path = join(folder, `${collection}.csv`);
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, stringifyCsv([fields]));
      for (let start = 0; start < rows.length; start += ROWS_PER_WRITE) {
        const chunk = rows.slice(start, start + ROWS_PER_WRITE).map((row) => fields.map((field) => row[field]));
        writeSync(fd, stringifyCsv(chunk));
      }
    } finally {
      closeSync(fd);
    }
    written.push(path);
  }
  return written;
}
