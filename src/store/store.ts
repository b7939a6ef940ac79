/**
 * The store: the dataset kept in PostgreSQL (embedded PGlite by default, or
 * a server), imported batch by batch, read back as a dataset.
 *
 * An import streams its files into staging tables and checks them against
 * the store with the same rules as a dataset file (import.ts); it writes in
 * one transaction: either every record of the import lands, or none does.
 */
import {
  InvalidInputError,
  RecordsToRead,
  withAssumptions,
  type Catalog,
  type CollectionName,
  type DatasetColumns,
  type Program,
} from '../engine/index.js';
import { formatProblem, invalidInput } from '../i18n/index.js';
import { recordsOf, SHOWN_PROBLEMS, StagedImport, type ImportOptions, type ImportReport, type ImportSource } from './import.js';
import { Accounts } from './accounts.js';
import { readStoreColumns, withCatalog, type ColumnsOptions, type StoreColumns } from './columns.js';
import { readNeighbourhood } from './neighbourhood.js';
import { eachScoringNeighbourhood, readScoringNeighbourhood } from './scoring-neighbourhood.js';
import {
  readScoringRecords,
  eachScoringPage,
  SCORING_TABLES,
  writeScoringCollection,
  type ScoringImportReport,
  type ScoringMergeCounts,
} from './scoring.js';
import { materialized, problemsByImport, problemsByWholeStore } from './scoring-import-check.js';
import type { ScoringCollection, ScoringRecordLabel, ScoringRecords } from '../engine/scoring/dataset.js';
import type { ScoredVersionDefinition } from '../engine/scoring/schema.js';
import { problem, recordLabel } from '../engine/problems.js';
import { Queries } from './queries.js';
import { migrate } from './migrations.js';
import {
  loadStoredProgram,
  saveProgramVersions,
  storedProgramVersions,
  type ProgramSaveReport,
  type StoredProgramVersion,
} from './programs.js';
import { StoreLock } from './lock.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import { snapshotInFolder, snapshotInTable, type SnapshotKeeper } from './snapshot.js';
import type { SqlClient } from './sql.js';
import { COLLECTIONS, selectAsField, TABLES } from './tables.js';

export type { ImportReport, ImportSource, IncomingRecord, RejectedRecord } from './import.js';
export type { ScoringImportReport, ScoringMergeCounts } from './scoring.js';

export interface ScoringImportOptions {
  /** How a problem names a record of the import (a CSV file's line, say); `billing[3] (id B-1)` by default. */
  readonly label?: ScoringRecordLabel | undefined;
  /** Told as the import goes: a collection given as `RecordsToRead` read (then checked), a collection written. */
  readonly onProgress?: ((step: ScoringImportStep) => void) | undefined;
}

/** How far a scoring import has come with one collection: its records read, or written. */
export interface ScoringImportStep {
  readonly collection: string;
  readonly step: 'read' | 'written';
  readonly records: number;
}
export { StoreLockedError, type LockOwner, type PublishedServer, type StoreLock } from './lock.js';

export interface StoreOptions {
  /** PGlite data folder (default `./.attain`), when no database URL is given. */
  readonly dataDir?: string | undefined;
  /** A PostgreSQL server, e.g. `postgres://user@host:5432/db`. */
  readonly databaseUrl?: string | undefined;
  /** A schema of its own on the server (tests, tenants). */
  readonly schema?: string | undefined;
}

/** A program's version definitions and where they were read: what a store without a program keeps. */
export interface ProgramToKeep {
  readonly definitions: readonly { readonly definition: unknown }[];
  readonly source: string;
}

/** One file's records (a dataset or any part of one), and where they came from. */
export interface Batch {
  readonly incoming: unknown;
  readonly source: string;
}

type Row = Record<string, unknown>;

/**
 * One import at a time per store (a transaction-level advisory lock, keyed by
 * the schema, released at commit or rollback): every cross-record rule an
 * import checks — references, missing rates, converted amounts, overlapping
 * DPOR associations — is checked against everything committed before it, so
 * two imports valid alone cannot together break the store. Taken first in
 * the transaction, before any statement reads the store.
 */
async function lockImports(tx: SqlClient): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('attain.import'), hashtext(current_schema()))");
}

/**
 * An import writing at least this many records rewrites an embedded store's
 * columnar snapshot once it has committed (a read of the whole store); after
 * a smaller one the snapshot is stale until the next whole-store read
 * rewrites it, so that one new record does not cost a read of everything.
 * A server's store keeps its snapshot from the first whole-store read after
 * an import, whatever its size: reading a server by SQL costs seconds, not
 * the minute it costs PGlite, and the import's own time stays the import's.
 */
export const SNAPSHOT_AFTER = 10_000;

export class Store {
  private constructor(
    private readonly db: SqlClient,
    /** The lock this Store holds on its embedded folder (lock.ts); none in memory or on a PostgreSQL server. */
    readonly ownership?: StoreLock,
    /** Where the columnar snapshot is kept (snapshot.ts): the embedded folder or the server's table; none in memory. */
    private readonly snapshots?: SnapshotKeeper,
  ) {}

  /**
   * Opens the store and migrates it. An embedded store in a folder is first
   * locked for this Store alone: while another process (or another Store of
   * this one) has it open, StoreLockedError names that owner. A store in
   * memory takes no lock; a PostgreSQL server needs none (imports are
   * serialized by `lockImports`).
   */
  static async open(options: StoreOptions = {}): Promise<Store> {
    if (options.databaseUrl) {
      const db = await openPostgres(options.databaseUrl, options.schema);
      await migrate(db);
      return new Store(db, undefined, snapshotInTable(db));
    }
    const dataDir = options.dataDir ?? '.attain';
    const lock = dataDir.startsWith('memory://') ? undefined : await StoreLock.acquire(dataDir);
    try {
      const db = await openPglite(dataDir);
      try {
        await migrate(db);
      } catch (error) {
        await db.close().catch(() => undefined);
        throw error;
      }
      return new Store(db, lock, lock ? snapshotInFolder(dataDir, db) : undefined);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** The whole store as a dataset file: records in the order they were first imported. */
  async read(db: SqlClient = this.db): Promise<Record<CollectionName, Row[]>> {
    const out = {} as Record<CollectionName, Row[]>;
    for (const collection of COLLECTIONS) {
      const table = TABLES[collection];
      const select = table.columns.map((c) => selectAsField(c)).join(', ');
      out[collection] = await db.query<Row>(`SELECT ${select} FROM ${table.name} ORDER BY seq`);
    }
    return out;
  }

  /**
   * The stored scoring records in the records file's shape, read in one
   * transaction so an import committing meanwhile is seen whole or not at all;
   * validate them with `validateScoringRecords` as a file's.
   */
  async scoringRecords(): Promise<ScoringRecords> {
    return this.db.transaction((tx) => readScoringRecords(tx));
  }

  /** The stored scoring records a page at a time, on one snapshot, in the order `scoringRecords` gives them (scoring.ts). */
  async eachScoringPage(
    size: number,
    fn: (collection: ScoringCollection, records: readonly Record<string, unknown>[]) => void,
  ): Promise<void> {
    return eachScoringPage(this.db, size, fn);
  }

  /**
   * The scoring neighbourhood of one partner or several (scoring-neighbourhood.ts): the stored records their
   * scores read and no other, as a records file; validate them as a file's.
   */
  async scoringNeighbourhood(partnerIds: string | readonly string[]): Promise<ScoringRecords> {
    return readScoringNeighbourhood(this.db, typeof partnerIds === 'string' ? [partnerIds] : partnerIds);
  }

  /** Every stored partner's scoring neighbourhood, `size` partners at a time, on one snapshot (scoring-neighbourhood.ts). */
  async eachScoringNeighbourhood(size: number, fn: (partnerIds: readonly string[], records: ScoringRecords) => void): Promise<void> {
    return eachScoringNeighbourhood(this.db, size, fn);
  }

  /**
   * Imports files, one batch each, all in one transaction: JSON datasets or
   * fragments already read (`Batch`), or sources streaming their records
   * (CSV). When the store with every file would not be a valid dataset,
   * InvalidInputError is thrown and nothing is written; the attempt is kept
   * in the import batches with its first problems.
   */
  async import(
    files: readonly (Batch | ImportSource)[],
    catalog: Catalog,
    options: ImportOptions & { readonly program?: ProgramToKeep | undefined } = {},
  ): Promise<ImportReport[]> {
    const sources = files.map((file) => {
      if ('records' in file) return file;
      // A JSON file's own shape first: an object of dataset arrays, nothing else.
      const shape = withAssumptions({}, file.incoming, file.source);
      if (!shape.ok) throw invalidInput(file.source, shape.problems);
      return recordsOf(file.incoming, file.source);
    });
    let read = 0;
    let reports: ImportReport[];
    try {
      reports = await this.db.transaction(async (tx) => {
        await lockImports(tx);
        // A store that keeps no program yet keeps the one its data was checked with, with the data or not at all.
        if (options.program) await saveProgramVersions(tx, options.program.definitions, options.program.source);
        const staged = new StagedImport(tx, catalog);
        try {
          return await staged.run(sources, options);
        } finally {
          read = staged.recordsRead;
        }
      });
    } catch (error) {
      if (error instanceof InvalidInputError) {
        // The import is rejected whole; the store keeps a record of the attempt and why.
        const errors = error.problems.slice(0, SHOWN_PROBLEMS).map((p) => formatProblem(p));
        await this.db.query(
          'INSERT INTO import_batches (source, added, updated, unchanged, rejected, errors) VALUES ($1, 0, 0, 0, $2, $3::jsonb)',
          [sources.map((s) => s.source).join(', '), read, JSON.stringify(errors)],
        );
      }
      throw error;
    }
    // Committed: a large import leaves the columns a server starts from ready (a failure here loses nothing).
    const written = reports.reduce((n, r) => n + r.added + r.updated, 0);
    const snapshots = this.snapshots;
    if (snapshots?.afterLargeImports && written >= SNAPSHOT_AFTER)
      await readStoreColumns(this.db)
        .then((read) => snapshots.keep(read.stamp, read.columns))
        .catch(() => undefined);
    return reports;
  }

  /**
   * Imports scoring records (a records file's shape) into the store: each
   * collection's records merge into the stored ones by key (same key: update,
   * new key: insert), and the store with them is validated as a records file
   * under `versions` before anything is written, so a record may refer to one
   * only the store holds. All in one transaction, one import at a time; the
   * batch is kept in the import batches as of kind `scoring`. When the merged
   * records would not be valid, InvalidInputError names `source` and each
   * record (of the import, or `store:` one stored) and field, nothing is
   * written, and the attempt is kept with its first problems.
   */
  async importScoringRecords(
    incoming: unknown,
    source: string,
    versions: readonly ScoredVersionDefinition[],
    options: ScoringImportOptions = {},
  ): Promise<ScoringImportReport> {
    const given = options.label ?? recordLabel;
    // The records the import gave, counted as its collections are read (some only when the check comes to them).
    let received = 0;
    try {
      return await this.db.transaction(async (tx) => {
        await lockImports(tx);
        if (typeof incoming !== 'object' || incoming === null || Array.isArray(incoming))
          throw invalidInput(source, [problem('dataset', '', 'datasetNotObject', { collection: 'partners' })]);
        const input = counted(
          incoming as Record<string, unknown>,
          (n) => (received += n),
          (collection, records) => options.onProgress?.({ collection, step: 'read', records }),
        );
        const collections = {} as Record<ScoringCollection, ScoringMergeCounts>;
        let written = 0;
        const write = async (collection: ScoringCollection, records: readonly Row[]) => {
          collections[collection] = await writeScoringCollection(tx, collection, records);
          written += records.length;
          if (records.length > 0) options.onProgress?.({ collection, step: 'written', records: records.length });
        };
        // Checked by work that grows with the import where the rest of the store cannot change the answer, each
        // collection written once it and all before it are clean; else (rarely) undone and checked with the whole
        // store read (scoring-import-check.ts): the same problems either way.
        await tx.exec('SAVEPOINT scoring_import');
        let problems = await problemsByImport(tx, input, versions, given, write);
        if (problems === undefined) {
          await tx.exec('ROLLBACK TO SAVEPOINT scoring_import');
          written = 0;
          for (const collection of Object.keys(collections)) delete collections[collection as ScoringCollection];
          const records = materialized(input);
          problems = await problemsByWholeStore(tx, records, versions, given);
          if (problems.length === 0)
            for (const collection of Object.keys(SCORING_TABLES) as ScoringCollection[])
              await write(collection, (records[collection] as readonly Row[] | undefined) ?? []);
        }
        if (problems.length > 0) throw invalidInput(source, problems.slice(0, SHOWN_PROBLEMS), problems.length);
        // In the collections' own order, whichever order they were written in.
        const counts = Object.fromEntries(
          (Object.keys(SCORING_TABLES) as ScoringCollection[]).map((c) => [c, collections[c] ?? { added: 0, updated: 0, unchanged: 0 }]),
        ) as Record<ScoringCollection, ScoringMergeCounts>;
        // Fresh statistics after a large import: PGlite has no autovacuum.
        if (written >= SNAPSHOT_AFTER) for (const { table } of Object.values(SCORING_TABLES)) await tx.query(`ANALYZE ${table}`);
        const total = (k: keyof ScoringMergeCounts) => Object.values(counts).reduce((sum, c) => sum + c[k], 0);
        const [row] = await tx.query<{ id: string }>(
          "INSERT INTO import_batches (source, added, updated, unchanged, rejected, errors, kind) VALUES ($1, $2, $3, $4, 0, '[]'::jsonb, 'scoring') RETURNING id::text AS id",
          [source, total('added'), total('updated'), total('unchanged')],
        );
        return {
          batch: Number(row!.id),
          source,
          added: total('added'),
          updated: total('updated'),
          unchanged: total('unchanged'),
          collections: counts,
        };
      });
    } catch (error) {
      // A file that could not be read is its own error, as when it is read before the import begins: no attempt kept.
      if (error instanceof UnreadRecords) throw error.reason;
      if (error instanceof InvalidInputError) {
        // As text jsonb keeps: a NUL or a lone surrogate quoted from the records is shown escaped.
        const errors = error.problems.slice(0, SHOWN_PROBLEMS).map((p) =>
          formatProblem(p)
            .replace(/\u0000/g, '\\u0000')
            .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
        );
        await this.db.query(
          "INSERT INTO import_batches (source, added, updated, unchanged, rejected, errors, kind) VALUES ($1, 0, 0, 0, $2, $3::jsonb, 'scoring')",
          [source, received, JSON.stringify(errors)],
        );
      }
      throw error;
    }
  }

  /** The import batches so far, newest last. */
  async batches(): Promise<
    {
      batch: number;
      kind: 'threshold' | 'scoring';
      source: string;
      added: number;
      updated: number;
      unchanged: number;
      rejected: number;
      errors: string[];
    }[]
  > {
    const rows = await this.db.query<{
      id: string;
      kind: 'threshold' | 'scoring';
      source: string;
      added: number;
      updated: number;
      unchanged: number;
      rejected: number;
      errors: unknown;
    }>('SELECT id::text AS id, kind, source, added, updated, unchanged, rejected, errors FROM import_batches ORDER BY import_batches.id');
    return rows.map((r) => ({
      ...r,
      batch: Number(r.id),
      errors: (typeof r.errors === 'string' ? JSON.parse(r.errors) : r.errors) as string[],
    }));
  }

  async saveProgram(definitions: readonly { readonly definition: unknown }[], source: string): Promise<ProgramSaveReport> {
    // Nested in this transaction, the save takes the imports' lock: an import never checks against a program changing under it.
    return this.db.transaction(async (tx) => {
      await lockImports(tx);
      return saveProgramVersions(tx, definitions, source);
    });
  }

  /** The stored program, compiled: `programId`'s, or the only one kept; undefined when there is none. */
  async program(programId?: string): Promise<Program | undefined> {
    return loadStoredProgram(this.db, programId);
  }

  /** The stored program versions: program, effective date, source, when loaded. */
  async programVersions(): Promise<StoredProgramVersion[]> {
    return storedProgramVersions(this.db);
  }

  /**
   * The whole store as columns (columns.ts), to evaluate every partner
   * without an object per row. A store in a folder or on a server answers
   * from its columnar snapshot when the snapshot is of the data as it is
   * now, and otherwise keeps a new one after reading (snapshot.ts).
   */
  async columns(catalog: Catalog, options: ColumnsOptions = {}): Promise<DatasetColumns> {
    return withCatalog(await this.storeColumns(options), catalog);
  }

  private async storeColumns(options: ColumnsOptions): Promise<StoreColumns> {
    const snapshots = options.snapshot === false ? undefined : this.snapshots;
    const kept = await snapshots?.read();
    if (kept && 'columns' in kept) return kept.columns;
    const read = await readStoreColumns(this.db, options);
    // A store that cannot take the snapshot is read by SQL again next time.
    await snapshots?.keep(read.stamp, read.columns).catch(() => undefined);
    return read.columns;
  }

  /** One partner's neighbourhood (neighbourhood.ts) as a dataset file: what plan, forecast and timeline need; or several partners' together. */
  async neighbourhood(partnerIds: string | readonly string[]): Promise<Record<CollectionName, Row[]>> {
    return readNeighbourhood(this.db, partnerIds);
  }

  /**
   * What imports changed after batch `after` (the import log, migration 6):
   * the last batch, and every partner whose measures they can change.
   */
  async changesSince(after: number): Promise<{ readonly lastBatch: number; readonly partnerIds: readonly string[] }> {
    return this.db.transaction(async (tx) => {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const [last] = await tx.query<{ batch: string }>('SELECT coalesce(max(id), 0)::text AS batch FROM import_batches');
      const rows = await tx.query<{ partner_id: string }>(
        'SELECT DISTINCT partner_id FROM import_changes WHERE batch > $1 AND batch <= $2',
        [after, last!.batch],
      );
      return { lastBatch: Number(last!.batch), partnerIds: rows.map((r) => r.partner_id) };
    });
  }

  /** Users, sessions and API tokens. */
  get accounts(): Accounts {
    return new Accounts(this.db);
  }

  /** Paged reads of one partner's records, and the stamp caches are keyed by (queries.ts). */
  get queries(): Queries {
    return new Queries(this.db);
  }

  /**
   * `fn` on the accounts in one transaction, the users table locked against
   * other writers until it ends: a check and the insert it decides (the first
   * program-admin, src/accounts/bootstrap.ts) cannot interleave with another's.
   */
  async withAccountsLocked<T>(fn: (accounts: Accounts) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
      return fn(new Accounts(tx));
    });
  }

  /** Closes the store, then releases its lock: the next owner opens it only once this one has let go. */
  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.ownership?.release();
    }
  }
}

/** An error reading a collection given as `RecordsToRead` (a CSV file that is not CSV), carried out of the import. */
class UnreadRecords extends Error {
  constructor(readonly reason: unknown) {
    super('a collection of the import could not be read');
  }
}

/**
 * The import's collections, those read later counted (once) as they are read and their errors carried apart; the
 * others counted at once, as many as they hold (a value that is not a list as one).
 */
function counted(
  incoming: Readonly<Record<string, unknown>>,
  count: (n: number) => void,
  read: (collection: string, records: number) => void,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (!(value instanceof RecordsToRead)) {
      input[name] = value;
      count(Array.isArray(value) ? value.length : 1);
      continue;
    }
    let once = false;
    input[name] = new RecordsToRead(
      () => {
        let records: readonly unknown[];
        try {
          records = value.read();
        } catch (error) {
          throw new UnreadRecords(error);
        }
        if (!once) count(records.length);
        once = true;
        read(name, records.length);
        return records;
      },
      () => value.release(),
    );
  }
  return input;
}
