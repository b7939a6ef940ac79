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
      const columns = header.map((h) => h.trim());
      // A column named twice would let its last cell win silently.
      const first = new Map<string, number>();
      columns.forEach((column, i) => {
        const earlier = first.get(column);
        if (earlier !== undefined)
          throw invalidInput(file, [problem(`${file}:1`, '', 'duplicateColumn', { column, first: earlier + 1, second: i + 1 })]);
        first.set(column, i);
      });
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
