/**
 * The import's fast CSV reader (`csvCells`) against the reader every other
 * path uses (`csvRows`, csv-parse): on any file, either the same columns,
 * rows, cells and lines, or it declines (IrregularCsv) and the import reads
 * the file with `csvRows`. Never a different reading. And the same reader
 * over a scoring CSV file's whole text (`csvOfText`), against csv-parse.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCells, csvRows, IrregularCsv } from '../src/files/csv-dataset.js';
import { csvOfText } from '../src/files/scoring-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'attain-csv-fast-'));

type Reading = { columns: string[]; rows: [string[], number][] } | { error: string } | 'irregular';

async function slow(file: string): Promise<Reading> {
  let columns: string[] = [];
  const rows: [string[], number][] = [];
  try {
    for await (const { record, line } of csvRows(file, 'people', { onHeader: (c) => (columns = [...c]) }))
      rows.push([columns.map((c) => String(record[c])), line]);
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { columns, rows };
}

async function fast(file: string): Promise<Reading> {
  let columns: string[] = [];
  const rows: [string[], number][] = [];
  try {
    for await (const batch of csvCells(file, { onHeader: (c) => (columns = [...c]) })) {
      expect(batch.columns).toEqual(columns);
      for (const row of batch.rows) rows.push([[...row.cells], row.line]);
    }
  } catch (error) {
    if (error instanceof IrregularCsv) return 'irregular';
    return { error: (error as Error).message };
  }
  return { columns, rows };
}

/** Files made of the pieces CSV goes wrong with: quotes, separators, line ends of each kind, a BOM, blank and spaced cells. */
const piece = fc.constantFrom('a', 'b1', ',', ',', '"', '""', '\n', '\n', '\r\n', '\r', ' ', '\ufeff', 'é', '', '\t');
const files = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
  // Mostly well-formed: a header and rows of the same width, some cells quoted, either line end.
  fc
    .record({
      width: fc.integer({ min: 1, max: 4 }),
      rows: fc.array(fc.array(fc.constantFrom('x', '', ' y', '"q"', '"a,b"', '"say ""hi"""', 'é'), { minLength: 1, maxLength: 5 }), {
        maxLength: 6,
      }),
      end: fc.constantFrom('\n', '\r\n'),
      last: fc.boolean(),
      bom: fc.boolean(),
      blank: fc.boolean(),
    })
    .map(({ width, rows, end, last, bom, blank }) => {
      const header = Array.from({ length: width }, (_, i) => `c${i}`).join(',');
      const lines = [header, ...rows.map((cells) => cells.slice(0, width).join(','))];
      if (blank) lines.splice(1, 0, '');
      return `${bom ? '\ufeff' : ''}${lines.join(end)}${last ? end : ''}`;
    }),
);

describe('the fast CSV reader', () => {
  it('reads what csv-parse reads, or declines', async () => {
    let n = 0;
    let read = 0;
    await fc.assert(
      fc.asyncProperty(files, async (text) => {
        const file = join(dir, `f${n++}.csv`);
        writeFileSync(file, text);
        const got = await fast(file);
        if (got === 'irregular') return;
        read += 1;
        expect(got).toEqual(await slow(file));
      }),
      { numRuns: 400 },
    );
    // Most well-formed files are read by the fast reader itself.
    expect(read).toBeGreaterThan(150);
  });

  it('declines bytes that are not UTF-8, and reads across chunks', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, Buffer.concat([Buffer.from('id,name\nP1,'), Buffer.from([0xff]), Buffer.from('\n')]));
    expect(await fast(bad)).toBe('irregular');
    const big = join(dir, 'big.csv');
    const rows = Array.from({ length: 120_000 }, (_, i) => `P${i},"Name, ${i}",é${i}`);
    writeFileSync(big, `id,name,partnerId\r\n${rows.join('\r\n')}\r\n`);
    const got = await fast(big);
    expect(got).toEqual(await slow(big));
    expect((got as { rows: unknown[] }).rows).toHaveLength(120_000);
  });

  it("reads a scoring file's text as csv-parse does, falling back to it where it declines", () => {
    type TextReading = { header: readonly string[]; body: [string[], number][] } | { error: string };
    const reading = (text: string, fast: boolean, piece?: number): TextReading => {
      try {
        const { header, body } = csvOfText('folder/f.csv', 'f.csv', text, fast, piece);
        return { header, body: body.map(({ cells, line }): [string[], number] => [[...cells], line]) };
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    let rows = 0;
    fc.assert(
      fc.property(files, fc.integer({ min: 1, max: 24 }), (text, piece) => {
        const fast = reading(text, true);
        expect(fast).toEqual(reading(text, false));
        // The text taken a few characters at a time (a large file's is taken 4 million at a time): the same reading.
        expect(reading(text, true, piece)).toEqual(fast);
        if ('body' in fast) rows += fast.body.length;
      }),
      { numRuns: 400 },
    );
    expect(rows).toBeGreaterThan(100);
  });
});
