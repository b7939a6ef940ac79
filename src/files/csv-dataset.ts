/**
 * CSV files, one per entity: a header row with the dataset's field names,
 * one record per row. The entity comes from the file name (`revenue.csv`,
 * `exam-passes.csv`, `fx_rates.csv`…) or is given. Rows are parsed as a
 * stream; each record remembers its line for messages.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse';
import { collections, InvalidInputError, problem, type CollectionName } from '../engine/index.js';

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

export interface CsvEntity {
  readonly entity: CollectionName;
  readonly records: Record<string, unknown>[];
  /** The header, to write rejected rows with the same columns. */
  readonly columns: readonly string[];
  /** The line of the file each record starts on. */
  readonly lines: readonly number[];
}

export interface CsvProgress {
  readonly rows: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export async function readCsvEntity(file: string, entity: CollectionName, onProgress?: (p: CsvProgress) => void): Promise<CsvEntity> {
  const totalBytes = statSync(file).size;
  const input = createReadStream(file);
  let bytes = 0;
  input.on('data', (chunk) => (bytes += chunk.length));
  let columns: string[] = [];
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => (columns = header.map((h) => h.trim())),
      skip_empty_lines: true,
      info: true,
    }),
  );
  const records: Record<string, unknown>[] = [];
  const lines: number[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      records.push(typed(entity, record));
      lines.push(info.lines);
      if (onProgress && records.length % 10_000 === 0) onProgress({ rows: records.length, bytes, totalBytes });
    }
  } catch (error) {
    // Malformed CSV (a quote left open, a row with too many cells) names its line.
    const line = (error as { lines?: number }).lines;
    throw new InvalidInputError(file, [
      problem(line === undefined ? file : `${file}:${line}`, '', 'notCsv', { detail: (error as Error).message }),
    ]);
  }
  onProgress?.({ rows: records.length, bytes: totalBytes, totalBytes });
  return { entity, records, columns, lines };
}
