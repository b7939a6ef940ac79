/**
 * The store: the dataset kept in PostgreSQL (embedded PGlite by default, or
 * a server), imported batch by batch, read back as a dataset.
 *
 * An import merges its records into the store's by key, validates the whole
 * result with the same rules as a dataset file, and writes the changes in one
 * transaction: either every record of the batch lands, or none does.
 */
import {
  InvalidInputError,
  mergeByKey,
  validateDataset,
  withAssumptions,
  type Catalog,
  type MergedByKey,
  type Problem,
  type CollectionName,
  type MergeCounts,
} from '../engine/index.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { SqlClient } from './sql.js';

export interface StoreOptions {
  /** PGlite data folder (default `./.attain`), when no database URL is given. */
  readonly dataDir?: string | undefined;
  /** A PostgreSQL server, e.g. `postgres://user@host:5432/db`. */
  readonly databaseUrl?: string | undefined;
  /** A schema of its own on the server (tests, tenants). */
  readonly schema?: string | undefined;
}

/** One file's records (a dataset or any part of one), and where they came from. */
export interface Batch {
  readonly incoming: unknown;
  readonly source: string;
}

/** A record left out by `--skip-invalid`: its collection, its place in the batch, and why. */
export interface RejectedRecord {
  readonly collection: CollectionName;
  readonly index: number;
  readonly reasons: readonly string[];
}

export interface ImportReport {
  readonly batch: number;
  readonly source: string;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly collections: Readonly<Record<CollectionName, MergeCounts>>;
  readonly rejectedRecords: readonly RejectedRecord[];
}

type Row = Record<string, unknown>;

interface Table {
  readonly name: string;
  readonly key: readonly string[];
  /** Dataset field → column; `text`: read back as text (dates, amounts, rates: exact and free of time zones). */
  readonly columns: readonly { readonly field: string; readonly column: string; readonly read?: 'text' }[];
}

/** Each collection of the dataset format and its table. */
const TABLES: Readonly<Record<CollectionName, Table>> = {
  partners: {
    name: 'partners',
    key: ['id'],
    columns: [
      { field: 'id', column: 'id' },
      { field: 'name', column: 'name' },
      { field: 'country', column: 'country' },
    ],
  },
  customers: {
    name: 'customers',
    key: ['id'],
    columns: [
      { field: 'id', column: 'id' },
      { field: 'name', column: 'name' },
      { field: 'country', column: 'country' },
    ],
  },
  associations: {
    name: 'associations',
    key: ['customer_id', 'type', 'start_date', 'partner_id'],
    columns: [
      { field: 'customerId', column: 'customer_id' },
      { field: 'partnerId', column: 'partner_id' },
      { field: 'type', column: 'type' },
      { field: 'start', column: 'start_date', read: 'text' },
      { field: 'end', column: 'end_date', read: 'text' },
    ],
  },
  revenue: {
    name: 'revenue_lines',
    key: ['id'],
    columns: [
      { field: 'id', column: 'id' },
      { field: 'customerId', column: 'customer_id' },
      { field: 'product', column: 'product' },
      { field: 'date', column: 'date', read: 'text' },
      { field: 'amount', column: 'amount', read: 'text' },
      { field: 'currency', column: 'currency' },
      { field: 'netNew', column: 'net_new' },
    ],
  },
  people: {
    name: 'people',
    key: ['id'],
    columns: [
      { field: 'id', column: 'id' },
      { field: 'partnerId', column: 'partner_id' },
      { field: 'name', column: 'name' },
    ],
  },
  examPasses: {
    name: 'exam_passes',
    key: ['person_id', 'exam', 'date'],
    columns: [
      { field: 'personId', column: 'person_id' },
      { field: 'exam', column: 'exam' },
      { field: 'date', column: 'date', read: 'text' },
    ],
  },
  fxRates: {
    name: 'fx_rates',
    key: ['currency', 'month'],
    columns: [
      { field: 'currency', column: 'currency' },
      { field: 'month', column: 'month' },
      { field: 'usdPerUnit', column: 'usd_per_unit', read: 'text' },
    ],
  },
};

const COLLECTIONS = Object.keys(TABLES) as CollectionName[];

export class Store {
  private constructor(private readonly db: SqlClient) {}

  static async open(options: StoreOptions = {}): Promise<Store> {
    const db = options.databaseUrl
      ? await openPostgres(options.databaseUrl, options.schema)
      : await openPglite(options.dataDir ?? '.attain');
    await migrate(db);
    return new Store(db);
  }

  /** The whole store as a dataset file: records in the order they were first imported. */
  async read(db: SqlClient = this.db): Promise<Record<CollectionName, Row[]>> {
    const out = {} as Record<CollectionName, Row[]>;
    for (const collection of COLLECTIONS) {
      const table = TABLES[collection];
      const select = table.columns.map((c) => (c.read ? `${c.column}::text AS "${c.field}"` : `${c.column} AS "${c.field}"`)).join(', ');
      out[collection] = await db.query<Row>(`SELECT ${select} FROM ${table.name} ORDER BY seq`);
    }
    return out;
  }

  /**
   * Imports datasets (or fragments: any of a dataset's collections), one
   * batch each, all in one transaction: when the store with every batch
   * would not be a valid dataset, InvalidInputError is thrown and nothing is
   * written.
   */
  async import(batches: readonly Batch[], catalog: Catalog, options: { readonly skipInvalid?: boolean } = {}): Promise<ImportReport[]> {
    // Each batch's own shape first: an object of dataset arrays, nothing else.
    for (const { incoming, source } of batches) {
      const shape = withAssumptions({}, incoming, source);
      if (!shape.ok) throw new InvalidInputError(source, shape.problems);
    }
    try {
      return await this.write(batches, catalog, options.skipInvalid ?? false);
    } catch (error) {
      // The batch is rejected whole; the store keeps a record of the attempt and why.
      if (error instanceof InvalidInputError) await this.recordRejected(batches, error);
      throw error;
    }
  }

  /** The import batches so far, newest last. */
  async batches(): Promise<
    { batch: number; source: string; added: number; updated: number; unchanged: number; rejected: number; errors: string[] }[]
  > {
    const rows = await this.db.query<{
      id: string;
      source: string;
      added: number;
      updated: number;
      unchanged: number;
      rejected: number;
      errors: unknown;
    }>('SELECT id::text AS id, source, added, updated, unchanged, rejected, errors FROM import_batches ORDER BY id');
    return rows.map((r) => ({
      ...r,
      batch: Number(r.id),
      errors: (typeof r.errors === 'string' ? JSON.parse(r.errors) : r.errors) as string[],
    }));
  }

  private async recordRejected(
    batches: readonly { readonly incoming: unknown; readonly source: string }[],
    error: InvalidInputError,
  ): Promise<void> {
    const records = batches.reduce(
      (sum, { incoming }) => sum + Object.values(incoming as Row).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 0), 0),
      0,
    );
    // The first 100 problems are kept with the batch, as the command line shows them.
    const errors = error.problems.slice(0, 100).map((p) => `${p.record}: ${p.message}`);
    await this.db.query(
      'INSERT INTO import_batches (source, added, updated, unchanged, rejected, errors) VALUES ($1, 0, 0, 0, $2, $3::jsonb)',
      [batches.map((b) => b.source).join(', '), records, JSON.stringify(errors)],
    );
  }

  private async write(batches: readonly Batch[], catalog: Catalog, skipInvalid: boolean): Promise<ImportReport[]> {
    return this.db.transaction(async (tx) => {
      const { merges, rejected } = validBatches(await this.read(tx), batches, catalog, skipInvalid);
      const reports: ImportReport[] = [];
      for (const [b, merged] of merges.entries()) {
        const { source } = batches[b]!;
        for (const collection of COLLECTIONS) await upsert(tx, TABLES[collection], merged.changes[collection]);
        const total = (k: keyof MergeCounts) => COLLECTIONS.reduce((sum, c) => sum + merged.counts[c][k], 0);
        const own = rejected.filter((r) => r.batch === b).map(({ batch: _batch, ...r }) => r);
        const errors = own.flatMap((r) => r.reasons.map((reason) => `${r.collection}[${r.index}]: ${reason}`)).slice(0, 100);
        const [row] = await tx.query<{ id: string }>(
          'INSERT INTO import_batches (source, added, updated, unchanged, rejected, errors) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id::text AS id',
          [source, total('added'), total('updated'), total('unchanged'), own.length, JSON.stringify(errors)],
        );
        reports.push({
          batch: Number(row!.id),
          source,
          added: total('added'),
          updated: total('updated'),
          unchanged: total('unchanged'),
          rejected: own.length,
          collections: merged.counts,
          rejectedRecords: own,
        });
      }
      return reports;
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * The batches merged one after the other into the stored records, and the
 * result valid as a whole (the files of one import may refer to each other,
 * whatever their order). With `skipInvalid`, the batches' records that have
 * problems are left out, and so are those whose problems that leaves behind
 * (a revenue line of a customer left out), until what remains is valid;
 * problems of records already stored cannot be skipped.
 */
function validBatches(stored: Record<CollectionName, Row[]>, batches: readonly Batch[], catalog: Catalog, skipInvalid: boolean) {
  // Each batch's kept records, with their place in the batch as given.
  const kept = batches.map(
    ({ incoming }) =>
      new Map(
        COLLECTIONS.map((c) => {
          const records = (incoming as Row)[c];
          return [c, (Array.isArray(records) ? (records as unknown[]) : []).map((record, index) => ({ record, index }))] as const;
        }),
      ),
  );
  const rejected: (RejectedRecord & { batch: number })[] = [];
  for (;;) {
    const merges: MergedByKey[] = [];
    let state: Partial<Record<CollectionName, unknown[]>> = stored;
    batches.forEach((_, b) => {
      const merged = mergeByKey(state, Object.fromEntries(COLLECTIONS.map((c) => [c, kept[b]!.get(c)!.map((k) => k.record)])));
      merges.push(merged);
      state = merged.raw;
    });
    const validated = validateDataset(state, catalog);
    if (validated.ok) return { merges, rejected };

    // A record of the merged dataset came from the last batch that gave it, or from the store.
    const originOf = (problem: Problem): { batch: number; collection: CollectionName; at: number } | undefined => {
      const m = /^(\w+)\[(\d+)\]/.exec(problem.record);
      if (!m || !isCollection(m[1]!)) return undefined;
      for (let b = merges.length - 1; b >= 0; b--) {
        const at = merges[b]!.sourceIndex(m[1], Number(m[2]));
        if (at >= 0) return { batch: b, collection: m[1], at };
      }
      return undefined;
    };
    const label = (problem: Problem): Problem => {
      const origin = originOf(problem);
      const rest = problem.record.replace(/^\w+\[\d+\]/, '');
      return origin
        ? {
            ...problem,
            record: `${batches[origin.batch]!.source}: ${origin.collection}[${kept[origin.batch]!.get(origin.collection)![origin.at]!.index}]${rest}`,
          }
        : { ...problem, record: `store: ${problem.record.replace(/\[\d+\]/, '')}` };
    };
    const bad = new Map<string, { batch: number; collection: CollectionName; at: number; reasons: string[] }>();
    const unskippable = validated.problems.filter((problem) => {
      const origin = skipInvalid ? originOf(problem) : undefined;
      if (!origin) return true;
      const key = `${origin.batch}/${origin.collection}/${origin.at}`;
      const entry = bad.get(key) ?? { ...origin, reasons: [] };
      entry.reasons.push(problem.message);
      bad.set(key, entry);
      return false;
    });
    if (unskippable.length > 0) {
      const problems = skipInvalid ? unskippable : validated.problems;
      throw new InvalidInputError(batches.map((b) => b.source).join(', '), problems.map(label));
    }
    for (const { batch, collection, at, reasons } of bad.values()) {
      rejected.push({ batch, collection, index: kept[batch]!.get(collection)![at]!.index, reasons });
    }
    batches.forEach((_, b) => {
      for (const collection of COLLECTIONS) {
        const leftOut = new Set([...bad.values()].filter((x) => x.batch === b && x.collection === collection).map((x) => x.at));
        kept[b]!.set(
          collection,
          kept[b]!.get(collection)!.filter((_, i) => !leftOut.has(i)),
        );
      }
    });
  }
}

function isCollection(name: string): name is CollectionName {
  return (COLLECTIONS as readonly string[]).includes(name);
}

/** Inserts or updates rows by key, a few hundred per statement. */
async function upsert(db: SqlClient, table: Table, records: readonly Row[]): Promise<void> {
  const columns = table.columns.map((c) => c.column);
  const updates = table.columns.filter((c) => !table.key.includes(c.column)).map((c) => `${c.column} = EXCLUDED.${c.column}`);
  const conflict = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  for (let start = 0; start < records.length; start += 500) {
    const chunk = records.slice(start, start + 500);
    const params: unknown[] = [];
    const values = chunk.map((record) => {
      const placeholders = table.columns.map((c) => {
        const value = record[c.field];
        params.push(value === undefined ? null : typeof value === 'number' ? String(value) : value);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await db.query(
      `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES ${values.join(', ')} ON CONFLICT (${table.key.join(', ')}) ${conflict}`,
      params,
    );
  }
}
