/**
 * A CSV file imported through the fast path (the import reads the file
 * itself with `csvCells`, plainly good rows staged as their cells, the rest
 * checked by `RowChecker`) against the same file through `records()`
 * (`csvRows`, every row checked by `RowChecker`): on any folder of CSV
 * files — bad cells of every kind, headers reordered, short or long, quoted
 * cells, line breaks inside cells (which the fast reader declines) — the
 * same problems in the same order and words, or the same reports, rejected
 * records and store.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, type CollectionName } from '../src/engine/index.js';
import { csvCellsSource, csvRows } from '../src/files/csv-dataset.js';
import { FIELDS } from '../src/generate/outputs.js';
import { formatProblem } from '../src/i18n/index.js';
import { naturalCompare, StagedImport, type ImportSource } from '../src/store/import.js';
import { migrate } from '../src/store/migrations.js';
import { openPglite } from '../src/store/pglite.js';
import type { SqlClient } from '../src/store/sql.js';
import { COLLECTIONS, selectAsField, TABLES } from '../src/store/tables.js';
import { programHistory } from './support/builders.js';

const dir = mkdtempSync(join(tmpdir(), 'attain-import-csv-'));

/** Cells each field takes: mostly good, then each kind of bad. */
const CELLS: Record<string, readonly string[]> = {
  id: ['X1', 'X2', 'X3', 'X1', '', 'L'.repeat(201)],
  partnerId: ['P1', 'P2', 'P9', ''],
  customerId: ['C1', 'C2', 'C9'],
  personId: ['N1', 'N2', 'N9'],
  name: ['Name', 'Tab\there', 'Back\\slash', 'Say "hi", twice', 'é', '', 'two\nlines'],
  country: ['US', 'IN', 'ZZ'],
  type: ['DPOR', 'DPOR', 'XX'],
  start: ['2017-01-15', '2017-03-01', '2016-02-29', '2017-02-30', '0000-01-01', 'x'],
  end: ['', '', '2017-06-01', '2016-01-01', '2017-13-01'],
  date: ['2017-01-15', '2017-06-30', '2017-02-30', '1999-01-01', ''],
  product: ['D365-SALES', 'D365-OPERATIONS', 'NOPE'],
  amount: ['100.5', '12', '-3', 'abc', '2e3', '+5', '0012.50', '1.', '9000000000000000', '90000000000000'],
  currency: ['USD', 'USD', 'EUR', 'EURO', ''],
  netNew: ['true', 'false', 'FALSE', ' true ', 'yes', ''],
  exam: ['MB2-717', 'MB2-715', 'ZZ-1'],
  month: ['2017-01', '2017-06', '2017-13'],
  usdPerUnit: ['1.1', '1', '0', 'abc'],
};

/** Ids that refer to each other: partners P1, P2; customers C1, C2; people N1, N2. */
const IDS: Partial<Record<CollectionName, readonly string[]>> = {
  partners: ['P1', 'P2', 'P1', ''],
  customers: ['C1', 'C2', 'C1'],
  people: ['N1', 'N2', 'N2'],
};

const quoted = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

const file = (collection: CollectionName) =>
  fc
    .record({
      header: fc.constantFrom('same', 'same', 'same', 'shuffled', 'short', 'extra'),
      rows: fc.array(
        fc.record({
          // Mostly the first (good) cell of each field.
          picks: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.nat(9)), { minLength: 7, maxLength: 7 }),
          id: fc.nat(3),
        }),
        { maxLength: 6 },
      ),
      crlf: fc.boolean(),
    })
    .map(({ header, rows, crlf }) => {
      let columns = [...FIELDS[collection]];
      if (header === 'shuffled') columns.reverse();
      if (header === 'short') columns = columns.slice(0, -1);
      if (header === 'extra') columns.push('extra');
      const lines = rows.map(({ picks, id }) =>
        columns
          .map((c, i) => {
            if (c === 'extra') return 'x';
            if (c === 'id' && IDS[collection]) return IDS[collection]![id % IDS[collection]!.length]!;
            const pool = CELLS[c]!;
            return quoted(pool[picks[i]! % pool.length]!);
          })
          .join(','),
      );
      return [columns.join(','), ...lines].join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
    });

const folders = fc.record(
  Object.fromEntries(Object.keys(FIELDS).map((c) => [c, fc.option(file(c as CollectionName), { nil: undefined, freq: 4 })])) as Record<
    CollectionName,
    fc.Arbitrary<string | undefined>
  >,
);

class Rollback extends Error {}

/** What the store holds, table by table, in the order records were first imported. */
async function contents(db: SqlClient): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const collection of COLLECTIONS) {
    const table = TABLES[collection];
    out[collection] = await db.query(`SELECT ${table.columns.map((c) => selectAsField(c)).join(', ')} FROM ${table.name} ORDER BY seq`);
  }
  return out;
}

/** Each run imports twice into PGlite (about a second on a loaded machine); ATTAIN_IMPORT_RUNS=500 for a deeper search. */
const IMPORT_RUNS = Number(process.env.ATTAIN_IMPORT_RUNS ?? 40);

describe('a CSV file through the fast path and through its records', () => {
  let db: SqlClient;
  beforeAll(async () => {
    db = await openPglite('memory://');
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
  });

  /** The import's outcome: its problems, or its reports and what the store then holds (rolled back after). */
  async function outcome(sources: ImportSource[], skipInvalid: boolean): Promise<unknown> {
    let result: unknown;
    try {
      await db.transaction(async (tx) => {
        const reports = await new StagedImport(tx, programHistory).run(sources, { skipInvalid });
        result = { reports: reports.map(({ batch: _b, ...r }) => r), store: await contents(tx) };
        throw new Rollback();
      });
    } catch (error) {
      if (error instanceof Rollback) return result;
      if (error instanceof InvalidInputError) return error.problems.map((p) => formatProblem(p));
      throw error;
    }
    return result;
  }

  it('finds the same problems, or imports the same records', async () => {
    let n = 0;
    let imported = 0;
    await fc.assert(
      fc.asyncProperty(folders, fc.boolean(), async (folder, skipInvalid) => {
        const files = (Object.entries(folder) as [CollectionName, string | undefined][]).flatMap(([collection, text]) => {
          if (text === undefined) return [];
          const path = join(dir, `${n++}-${collection}.csv`);
          writeFileSync(path, text);
          return [{ path, collection }];
        });
        const records = (path: string, collection: CollectionName) =>
          async function* () {
            for await (const { record, line } of csvRows(path, collection)) yield { collection, record, line };
          };
        const slow = await outcome(
          files.map(({ path, collection }) => ({ source: path, records: records(path, collection) })),
          skipInvalid,
        );
        const fast = await outcome(
          files.map(({ path, collection }) => ({
            source: path,
            records: records(path, collection),
            csv: csvCellsSource(path, collection),
          })),
          skipInvalid,
        );
        if (!Array.isArray(slow)) imported += 1;
        expect(fast).toEqual(slow);
      }),
      { numRuns: IMPORT_RUNS },
    );
    // Not every folder is rejected: some are imported, with --skip-invalid most.
    expect(imported).toBeGreaterThan(IMPORT_RUNS / 5);
  }, 240_000);

  it('reads a file the fast reader declines (a line break in a cell, columns in another order) as its records', async () => {
    const partners = join(dir, 'declined-partners.csv');
    const people = join(dir, 'declined-people.csv');
    writeFileSync(partners, 'country,id,name\nUS,P1,One\n');
    // Enough plain rows before the line break for the fast reader to have staged some (it reads 256 KB at a time).
    const plain = Array.from({ length: 30_000 }, (_, i) => `Person ${i},P1,M${i}`).join('\n');
    writeFileSync(people, `name,partnerId,id\nPlain,P1,N1\n${plain}\n"Two\nlines",P1,N2\nZed,P1,N3\n`);
    const sources = (fast: boolean): ImportSource[] =>
      (
        [
          [partners, 'partners'],
          [people, 'people'],
        ] as const
      ).map(([path, collection]) => ({
        source: path,
        records: async function* () {
          for await (const { record, line } of csvRows(path, collection)) yield { collection, record, line };
        },
        ...(fast ? { csv: csvCellsSource(path, collection) } : {}),
      }));
    const slow = await outcome(sources(false), false);
    const stored = (slow as { store: { people: { id: string; name: string }[] } }).store.people;
    expect(stored).toHaveLength(30_003);
    expect(stored.at(-2)).toEqual({ id: 'N2', partnerId: 'P1', name: 'Two\nlines' });
    expect(await outcome(sources(true), false)).toEqual(slow);
  });
});

describe('the order keys are told distinct by', () => {
  it('is a strict total order: numbers read as numbers, equal only when the texts are', () => {
    const text = fc.array(fc.constantFrom('R', 'C', '-', '0', '1', '9', '10', '00', 'é'), { maxLength: 6 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, text, text, (a, b, c) => {
        const sign = (n: number) => Math.sign(n);
        expect(sign(naturalCompare(a, b)) + sign(naturalCompare(b, a))).toBe(0);
        expect(naturalCompare(a, b) === 0).toBe(a === b);
        const [x, y, z] = [a, b, c].sort(naturalCompare);
        expect(naturalCompare(x!, z!)).toBeLessThanOrEqual(0);
        expect(naturalCompare(x!, y!) <= 0 && naturalCompare(y!, z!) <= 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(['R10', 'R9', 'R100', 'R09'].sort(naturalCompare)).toEqual(['R09', 'R9', 'R10', 'R100']);
  });
});
