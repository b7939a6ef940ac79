/**
 * CSV files, one per entity: a header row with the dataset's field names,
 * one record per row. The entity comes from the file name (`revenue.csv`,
 * `exam-passes.csv`, `fx_rates.csv`…) or is given. Rows are parsed as a
 * stream, each with the line it starts on for messages.
 */
import { createReadStream, statSync } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse';
import { collections, InvalidInputError, problem, type CollectionName } from '../engine/index.js';
import { invalidInput } from '../i18n/index.js';
import { DECLINED, type CsvCellsSource } from '../store/import.js';
import { utf8Stream } from './utf8.js';

/** `exam-passes`, `exam_passes` and `examPasses` all name the examPasses entity. */
export function entityOfFileName(file: string): CollectionName | undefined {
  const name = basename(file, extname(file))
    .toLowerCase()
    .replace(/[-_\s]/g, '');
  return (Object.keys(collections) as CollectionName[]).find((c) => c.toLowerCase() === name);
}

export function isEntity(name: string): name is CollectionName {
  return Object.hasOwn(collections, name);
}

/** CSV cells are text: the fields that are not become what the dataset format expects. */
function typed(entity: CollectionName, row: Record<string, string>): Record<string, unknown> {
  const record: Record<string, unknown> = { ...row };
  if (entity === 'revenue' && 'netNew' in row) {
    const value = row.netNew!.trim().toLowerCase();
    record.netNew = value === 'true' ? true : value === 'false' ? false : row.netNew;
  }
  if (entity === 'associations' && row.end === '') record.end = null;
  return record;
}

/**
 * The header's column names, trimmed; a column named twice would let its last cell win silently. `name`: how the
 * problem names the file (its path unless said).
 */
export function headerColumns(file: string, header: readonly string[], name = file): string[] {
  const columns = header.map((h) => h.trim());
  const first = new Map<string, number>();
  columns.forEach((column, i) => {
    const earlier = first.get(column);
    if (earlier !== undefined)
      throw invalidInput(file, [problem(`${name}:1`, '', 'duplicateColumn', { column, first: earlier + 1, second: i + 1 })]);
    first.set(column, i);
  });
  return columns;
}

/** The record a row of cells makes, as `csvRows` gives it: the header's fields, then typed. */
export function csvRecord(entity: CollectionName, columns: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const row: Record<string, string> = {};
  columns.forEach((column, i) => (row[column] = cells[i]!));
  return typed(entity, row);
}

export interface CsvProgress {
  readonly rows: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface CsvRow {
  readonly record: Record<string, unknown>;
  /** The line of the file the row starts on. */
  readonly line: number;
}

export interface CsvReadOptions {
  /** Called with the header's column names, before the first row. */
  readonly onHeader?: ((columns: readonly string[]) => void) | undefined;
  /** Called every 10,000 rows and at the end. */
  readonly onProgress?: ((progress: CsvProgress) => void) | undefined;
}

/**
 * The rows of one entity's CSV file, as a stream: memory stays bounded
 * whatever the size of the file. A malformed file (a quote left open, a row
 * with too many cells) throws InvalidInputError naming its line.
 */
export async function* csvRows(file: string, entity: CollectionName, options: CsvReadOptions = {}): AsyncGenerator<CsvRow> {
  const totalBytes = statSync(file).size;
  const input = createReadStream(file);
  let bytes = 0;
  input.on('data', (chunk) => (bytes += chunk.length));
  // Strict UTF-8: bytes that are not are an error naming line and byte, never U+FFFD.
  const utf8 = utf8Stream(file);
  const text = new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      try {
        done(null, utf8.decode(chunk));
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        done(null, utf8.end());
      } catch (error) {
        done(error as Error);
      }
    },
  });
  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      const columns = headerColumns(file, header);
      options.onHeader?.(columns);
      return columns;
    },
    skip_empty_lines: true,
    info: true,
  });
  // An error anywhere (bytes that are not UTF-8 included) ends the parser with it, and the loop below with the parser.
  pipeline(input, text, parser, () => undefined);
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { record: typed(entity, record), line: info.lines };
      rows += 1;
      if (options.onProgress && rows % 10_000 === 0) options.onProgress({ rows, bytes, totalBytes });
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const line = (error as { lines?: number }).lines;
    throw invalidInput(file, [problem(line === undefined ? file : `${file}:${line}`, '', 'notCsv', { detail: (error as Error).message })]);
  } finally {
    input.destroy();
    text.destroy();
  }
  options.onProgress?.({ rows, bytes: totalBytes, totalBytes });
}

/**
 * A file the fast reader (`csvCells`) does not read exactly as `csvRows`
 * would: bytes that are not UTF-8, a quote out of place or a quoted line
 * break, cells that do not match the header, a bare carriage return, an
 * empty first line. The caller reads it again with `csvRows`, which reads
 * it (or names what is wrong with it) as it always has.
 */
export class IrregularCsv extends Error {
  constructor(readonly reason: string) {
    super(`not read by the fast CSV reader: ${reason}`);
    this.name = 'IrregularCsv';
  }
}

/** Rows of a CSV file as their cells, in header order, with the line each is on. */
export interface CsvCells {
  readonly cells: readonly string[];
  readonly line: number;
  /** The line itself when no cell is quoted: its cells joined by commas. */
  readonly text?: string | undefined;
}

/** Text read at a time: large enough for few calls, small enough for bounded memory. */
const FAST_CHUNK = 1 << 18;

/**
 * A line's cells, or IrregularCsv: plain cells and quoted ones (`"a ""b"""`,
 * no line break inside, the closing quote followed by a comma or the end).
 */
function cellsOf(line: string): string[] {
  if (line.indexOf('"') < 0) return line.split(',');
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let cell = '';
      let from = i + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote < 0) throw new IrregularCsv('a quote left open on its line');
        cell += line.slice(from, quote);
        if (line.charCodeAt(quote + 1) === 34) {
          cell += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      cells.push(cell);
      if (i === line.length) return cells;
      if (line.charCodeAt(i) !== 44) throw new IrregularCsv('text after a closing quote');
      i += 1;
    } else {
      const comma = line.indexOf(',', i);
      const cell = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (cell.indexOf('"') >= 0) throw new IrregularCsv('a quote inside a cell');
      cells.push(cell);
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}

/**
 * The fast reader's parsing, fed a file's text a piece at a time: the rows each piece completes, or IrregularCsv
 * for a file it does not read exactly as csv-parse does (`header` makes the columns of the first line's cells).
 */
export class CsvLineReader {
  /** The header's columns, once its line is read. */
  columns: readonly string[] | undefined;
  private line = 0;
  /** Lines end with \r\n (true) or \n (false), as the header's does. */
  private crlf = false;
  private carried = '';

  constructor(private readonly header: (cells: string[]) => readonly string[]) {}

  /** The rows the text read so far and `text` complete; `last`: the file ends with it. */
  take(piece: string, last: boolean): CsvCells[] {
    const text = this.carried + piece;
    const out: CsvCells[] = [];
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0 && !last) break;
      let content = end < 0 ? text.slice(start) : text.slice(start, end);
      start = end + 1;
      this.line += 1;
      if (end < 0 && content === '') break;
      if (this.columns === undefined) {
        this.crlf = content.endsWith('\r') && end >= 0;
        if (this.crlf) content = content.slice(0, -1);
        if (content === '') throw new IrregularCsv('an empty first line');
        if (content.indexOf('\r') >= 0) throw new IrregularCsv('a carriage return');
        this.columns = this.header(cellsOf(content));
      } else {
        if (this.crlf && end >= 0) {
          if (!content.endsWith('\r')) throw new IrregularCsv('a line feed without its carriage return');
          content = content.slice(0, -1);
        }
        if (content.indexOf('\r') >= 0) throw new IrregularCsv('a carriage return');
        if (content !== '') {
          const quoted = content.indexOf('"') >= 0;
          const cells = quoted ? cellsOf(content) : content.split(',');
          if (cells.length !== this.columns.length) throw new IrregularCsv('cells that do not match the header');
          out.push(quoted ? { cells, line: this.line } : { cells, line: this.line, text: content });
        }
      }
      if (end < 0) break;
    }
    this.carried = start > 0 ? text.slice(start) : text;
    return out;
  }
}

/**
 * The fast reader of a CSV file of one entity, for imports: the same rows,
 * cells and lines as `csvRows` on every file it reads (test/csv-fast.test.ts
 * holds them equal), batches of rows at a time, several times faster; the
 * files it cannot read so (IrregularCsv) are few and unusual, and read again
 * by `csvRows`. The header is checked as `csvRows` checks it.
 */
export async function* csvCells(
  file: string,
  options: CsvReadOptions = {},
): AsyncGenerator<{ readonly columns: readonly string[]; readonly rows: readonly CsvCells[] }> {
  const totalBytes = statSync(file).size;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const input = createReadStream(file, { highWaterMark: FAST_CHUNK });
  const reader = new CsvLineReader((cells) => {
    const columns = headerColumns(file, cells);
    options.onHeader?.(columns);
    return columns;
  });
  let bytes = 0;
  let rows = 0;
  let reported = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new IrregularCsv('bytes that are not UTF-8');
      }
      const found = reader.take(text, false);
      rows += found.length;
      if (found.length > 0) yield { columns: reader.columns!, rows: found };
      if (options.onProgress && Math.floor(rows / 10_000) > reported) {
        reported = Math.floor(rows / 10_000);
        options.onProgress({ rows, bytes, totalBytes });
      }
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      throw new IrregularCsv('bytes that are not UTF-8');
    }
    const found = reader.take(rest, true);
    rows += found.length;
    if (found.length > 0) yield { columns: reader.columns!, rows: found };
  } finally {
    input.destroy();
  }
  options.onProgress?.({ rows, bytes: totalBytes, totalBytes });
}

/** A CSV file as an import reads it fast (store/import.ts): its cells (DECLINED for a file the fast reader does not read), and each row's record. */
export function csvCellsSource(file: string, entity: CollectionName, options: CsvReadOptions = {}): CsvCellsSource {
  return {
    collection: entity,
    async *cells() {
      try {
        yield* csvCells(file, options);
      } catch (error) {
        if (!(error instanceof IrregularCsv)) throw error;
        yield DECLINED;
      }
    },
    record: (columns, cells) => csvRecord(entity, columns, cells),
  };
}
