/**
 * An import in bounded memory: records stream from their files into staging
 * tables through COPY, each checked on its own as it arrives — a CSV row
 * whose cells are plainly good (`plainRowCheck`) as it is, any other record
 * by the same RowChecker as `validateDataset` (shape, the program's
 * catalogs); what needs other records — references, missing rates,
 * converted amounts, overlapping exclusive associations — is then checked
 * with set queries against the store and the staged records together,
 * counted and written by SQL (new keys with a plain insert, keys the store
 * has through an update). Only the problems to show and the rejected
 * records to write back ever come back to JavaScript.
 *
 * Everything happens in the caller's transaction; the staging tables are
 * dropped with it. The files of one import are merged one after the other
 * by key (the last record with a key wins), so they may refer to each
 * other in any order.
 */
import {
  canonicalDecimalText,
  exclusiveOverlapsSql,
  labelId,
  parseDecimal,
  plainRowCheck,
  problem,
  quote,
  RowChecker,
  usdCentsOutOfRangeSql,
  type Catalog,
  type CollectionName,
  type Problem,
} from '../engine/index.js';
import currencyCodes from 'currency-codes';
import { invalidInput, problemMessage } from '../i18n/index.js';
import { copyValue, dropIndexes, type SqlClient } from './sql.js';
import { COLLECTIONS, TABLES, type Column, type Table } from './tables.js';

/** One record of a file, as read: its collection and, for files with lines (CSV), the line it starts on. */
export interface IncomingRecord {
  readonly collection: CollectionName;
  readonly record: unknown;
  readonly line?: number | undefined;
}

/** A file to import: its name for messages, and its records in order (read once). */
export interface ImportSource {
  readonly source: string;
  records(): AsyncIterable<IncomingRecord>;
  /**
   * A CSV file of one collection read fast (files/csv-dataset.ts:
   * `csvCells`): the same records as `records()` gives, as rows of cells; a
   * file the fast reader declines yields DECLINED and is then read with
   * `records()`.
   */
  readonly csv?: CsvCellsSource | undefined;
}

/** Said by a fast CSV reader of a file it does not read exactly as `records()` would: the import reads `records()` instead. */
export const DECLINED: unique symbol = Symbol('declined');

/** Rows of a CSV file as cells, a batch at a time, with the file's header (its column names). */
export interface CellBatch {
  readonly columns: readonly string[];
  readonly rows: readonly {
    readonly cells: readonly string[];
    readonly line: number;
    /** The line itself when no cell is quoted: its cells joined by commas. */
    readonly text?: string | undefined;
  }[];
}

/** A CSV file of one collection, as its rows of cells, and the record a row makes (what `records()` gives for it). */
export interface CsvCellsSource {
  readonly collection: CollectionName;
  cells(): AsyncIterable<CellBatch | typeof DECLINED>;
  record(columns: readonly string[], cells: readonly string[]): Record<string, unknown>;
}

/** A file the fast reader declined, part read: what was staged of it goes, and its records are read instead. */
class Declined extends Error {}

/** What an import did to one collection of the store, for one file. */
export interface MergeCounts {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** A record left out by `--skip-invalid`: its collection, its place in its file, and why. */
export interface RejectedRecord {
  readonly collection: CollectionName;
  /** Its place among the file's records of its collection (for CSV: the data row, from 0). */
  readonly index: number;
  readonly line?: number | undefined;
  /** Its id, for the records that have one. */
  readonly id?: string | undefined;
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

export interface ImportOptions {
  /** Import the good records; leave out (and report) those with problems and those their absence breaks. */
  readonly skipInvalid?: boolean | undefined;
}

/** Problems shown when an import is rejected; the rest are counted. */
export const SHOWN_PROBLEMS = 100;
/** Rows per staging statement: large enough to be fast, small enough to stay in bounded memory. */
const CHUNK = 5000;
/** Characters of COPY text sent at a time, per collection (one chunk in flight while the next is made), unless the engine says. */
const COPY_CHUNK = 1 << 20;
const BASE_CURRENCY = 'USD';
/** Records of an import from which the store's tables are analyzed again, in the import's transaction. */
const ANALYZE_AFTER = 10_000;
const ISO_4217 = currencyCodes.codes();
/** Memory for each sort or hash of the import's queries. */
const WORK_MEM = '64MB';

const PROBLEMS = 'attain_stage_problems';
const CHANGED = 'attain_stage_changed_partners';
const stage = (collection: CollectionName): string => `attain_stage_${TABLES[collection].name}`;

/**
 * The order problems of one record come in, by field: the order
 * `validateDataset` checks them in, so a record reads the same from a file
 * or from an import. Shape problems come first.
 */
const FIELD_ORDER: Readonly<Record<CollectionName, readonly string[]>> = {
  partners: ['country'],
  customers: ['country'],
  associations: ['customerId', 'partnerId', 'type', 'end', 'start'],
  revenue: ['customerId', 'product', 'amount', 'currency'],
  people: ['partnerId'],
  examPasses: ['personId'],
  fxRates: ['currency', 'usdPerUnit'],
};
const stepOf = (collection: CollectionName, field: string): number => 1 + FIELD_ORDER[collection].indexOf(field);

/** References between collections, as `validateDataset` checks them. */
const REFERENCES: readonly {
  readonly from: CollectionName;
  readonly field: string;
  readonly to: 'partners' | 'customers' | 'people';
  readonly noun: 'partner' | 'customer' | 'person';
}[] = [
  { from: 'associations', field: 'customerId', to: 'customers', noun: 'customer' },
  { from: 'associations', field: 'partnerId', to: 'partners', noun: 'partner' },
  { from: 'revenue', field: 'customerId', to: 'customers', noun: 'customer' },
  { from: 'people', field: 'partnerId', to: 'partners', noun: 'partner' },
  { from: 'examPasses', field: 'personId', to: 'people', noun: 'person' },
];

const columnOf = (collection: CollectionName, field: string): Column => TABLES[collection].columns.find((c) => c.field === field)!;
/** Where each key column is among a table's columns. */
const KEY_INDEXES = Object.fromEntries(
  COLLECTIONS.map((c) => [c, TABLES[c].key.map((k) => TABLES[c].columns.findIndex((column) => column.column === k))]),
) as Record<CollectionName, number[]>;
const hasId = (collection: CollectionName): boolean => TABLES[collection].columns.some((c) => c.column === 'id');

/** Staged columns: dates as dates, exact decimals as their canonical text (cast when written). */
function stagedType(c: Column): string {
  return c.type === 'numeric' ? 'text' : c.type;
}

/** A record's values as the store compares them: the text of each column, in one JSON array. */
function fingerprint(table: Table, alias: string, staged: boolean): string {
  const parts = table.columns.map((c) =>
    c.type === 'text' || (staged && c.type === 'numeric') ? `${alias}.${c.column}` : `${alias}.${c.column}::text`,
  );
  return `json_build_array(${parts.join(', ')})::text`;
}

const keyMatch = (table: Table, a: string, b: string): string => table.key.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');

/**
 * The last staged record of each key that is still in: what the store
 * becomes. When no key is staged twice (`unique`, the common case), every
 * staged record that is still in, without sorting them by key.
 */
function latest(collection: CollectionName, unique: boolean): string {
  const table = TABLES[collection];
  if (unique) return `(SELECT * FROM ${stage(collection)} WHERE shaped AND NOT rejected)`;
  return `(SELECT DISTINCT ON (${table.key.join(', ')}) * FROM ${stage(collection)} WHERE shaped AND NOT rejected ORDER BY ${table.key.join(', ')}, ord DESC)`;
}

/** `revenue.csv:4 (id R3)` for a file with lines, `bad.json: revenue[0] (id R-NEW)` otherwise. */
export function recordAt(source: string, collection: CollectionName, index: number, line: number | null | undefined, id: unknown): string {
  const at = line === null || line === undefined ? `${source}: ${collection}[${index}]` : `${source}:${line}`;
  return typeof id === 'string' && id.length > 0 ? `${at} (id ${labelId(id)})` : at;
}

/** The staging tables' leading columns, then each collection's own. */
const META = ['batch', 'ord', 'idx', 'line', 'shaped', 'bad'] as const;

/**
 * Staged rows as COPY text, written as UTF-8 into a buffer per collection,
 * each sent when it is large enough: one COPY in flight while the next
 * chunk is made, so that reading and checking in JavaScript and loading in
 * the engine overlap. Rows go in as bytes, not as a string each, so that
 * millions of rows leave little for the garbage collector.
 */
class StageWriter {
  private readonly buffers = new Map<CollectionName, { bytes: Buffer; length: number }>();
  /** Each collection's columns in the order its rows give them: the table's, or a CSV file's header order. */
  private readonly order = new Map<CollectionName, readonly Column[]>();
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly chunk: number;

  constructor(private readonly tx: SqlClient & Required<Pick<SqlClient, 'copyFrom'>>) {
    this.chunk = tx.copyChunk ?? COPY_CHUNK;
  }

  /** The columns (after META) the rows of `collection` give, in their order; the table's unless said. */
  columnsOf(collection: CollectionName): readonly Column[] {
    return this.order.get(collection) ?? TABLES[collection].columns;
  }

  /** Says the order of the columns the next rows give (before any of them is added). */
  setColumns(collection: CollectionName, columns: readonly Column[]): void {
    this.order.set(collection, columns);
  }

  /** Text appended to the row being written; with `commas`, each comma becomes a tab (a plain CSV line's cells). */
  append(collection: CollectionName, text: string, commas = false): void {
    let buffer = this.buffers.get(collection);
    const need = (buffer?.length ?? 0) + 3 * text.length + 1;
    if (!buffer || need > buffer.bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(this.chunk + (1 << 16), 2 * need));
      if (buffer) buffer.bytes.copy(bytes, 0, 0, buffer.length);
      buffer = { bytes, length: buffer?.length ?? 0 };
      this.buffers.set(collection, buffer);
    }
    const start = buffer.length;
    buffer.length += buffer.bytes.write(text, start);
    if (commas) {
      const written = buffer.bytes.subarray(start, buffer.length);
      for (let i = written.indexOf(44); i >= 0; i = written.indexOf(44, i + 1)) written[i] = 9;
    }
  }

  /** Ends the row being written; sends the chunk when it is full (the promise to await then). */
  endRow(collection: CollectionName): Promise<void> | undefined {
    const buffer = this.buffers.get(collection)!;
    buffer.bytes[buffer.length++] = 10;
    return buffer.length >= this.chunk ? this.send(collection) : undefined;
  }

  /** A whole row: its values in COPY's text format, in the order `columnsOf` says (after META). */
  row(collection: CollectionName, values: readonly unknown[]): Promise<void> | undefined {
    let text = copyValue(values[0]);
    for (let k = 1; k < values.length; k++) text += `\t${copyValue(values[k])}`;
    this.append(collection, text);
    return this.endRow(collection);
  }

  private async send(collection: CollectionName): Promise<void> {
    const buffer = this.buffers.get(collection);
    if (!buffer || buffer.length === 0) return;
    this.buffers.delete(collection);
    await this.settled();
    const columns = [...META, ...this.columnsOf(collection).map((c) => c.column)];
    this.inFlight = this.tx.copyFrom(stage(collection), columns, buffer.bytes.subarray(0, buffer.length)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  private async settled(): Promise<void> {
    await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Everything buffered sent and loaded. */
  async drain(): Promise<void> {
    for (const collection of COLLECTIONS) await this.send(collection);
    await this.settled();
  }
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * A strict total order on text that reads numbers in it as numbers (`R9` <
 * `R10` < `R10a`); texts equal but for leading zeros are then ordered as
 * text, so that only equal texts compare equal.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      while (i < a.length && a.charCodeAt(i) === 48) i++;
      while (j < b.length && b.charCodeAt(j) === 48) j++;
      let ea = i;
      let eb = j;
      while (ea < a.length && isDigit(a.charCodeAt(ea))) ea++;
      while (eb < b.length && isDigit(b.charCodeAt(eb))) eb++;
      if (ea - i !== eb - j) return ea - i - (eb - j);
      for (; i < ea; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return a.charCodeAt(i) - b.charCodeAt(j);
    } else {
      if (ca !== cb) return ca - cb;
      i++;
      j++;
    }
  }
  if (i < a.length || j < b.length) return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keys of one run kept at most (a run larger than this is not followed: SQL looks for repeated keys instead). */
const RUN_LIMIT = 100_000;

/**
 * Whether no key of a collection is staged twice, told from the keys as
 * they are staged, in bounded memory: the records come in runs of one
 * first key value (one id, or one person's passes), each run's first value
 * after the last one's, as text or as text with numbers (a file sorted by
 * id, or written in id order); within a run, the keys are told apart by a
 * set. When the records do not come so, the import asks SQL instead.
 */
class KeyRuns {
  private first: string | undefined;
  private readonly run = new Set<string>();
  private ascending = true;
  private natural = true;
  /** False once the keys are not known to be distinct this way. */
  distinct = true;

  /** A key: its first value, and the others joined (empty for a key of one column: then no set is kept). */
  add(first: string, rest: string): void {
    if (!this.distinct) return;
    if (first === this.first) {
      if (rest === '') {
        this.distinct = false;
        return;
      }
      const size = this.run.size;
      this.run.add(rest);
      if (this.run.size === size || this.run.size > RUN_LIMIT) this.distinct = false;
      return;
    }
    if (this.first !== undefined) {
      if (this.ascending && !(first > this.first)) this.ascending = false;
      if (this.natural && naturalCompare(first, this.first) <= 0) this.natural = false;
      if (!this.ascending && !this.natural) {
        this.distinct = false;
        return;
      }
    }
    this.first = first;
    if (rest === '') return;
    this.run.clear();
    this.run.add(rest);
  }
}

interface ProblemRow {
  rank: number;
  batch: number;
  idx: string;
  line: string | null;
  id: string | null;
  record: string | null;
  field: string;
  code: string;
  args: unknown;
}

export class StagedImport {
  private ord = 0;
  /** Collections none of whose keys is staged twice (well-formed records), found once staging is done. */
  private readonly unique = new Set<CollectionName>();
  /** Collections whose table was empty when the import began writing: every record a plain insert. */
  private readonly empty = new Set<CollectionName>();
  /** The keys of the well-formed records staged so far, per collection, as they came (KeyRuns). */
  private readonly keyRuns = new Map<CollectionName, KeyRuns>(COLLECTIONS.map((c) => [c, new KeyRuns()]));
  private readonly checker: RowChecker;
  private readonly sources: string[] = [];
  /** Records read per file. */
  private readonly read: number[] = [];

  constructor(
    private readonly tx: SqlClient,
    private readonly catalog: Catalog,
  ) {
    this.checker = new RowChecker(catalog);
  }

  /** Runs the whole import: stage, check, count, write, record the batches. */
  async run(sources: readonly ImportSource[], options: ImportOptions): Promise<ImportReport[]> {
    // Sorts and hashes over hundreds of thousands of staged records stay in memory (the default is 4 MB), for this transaction only.
    await this.tx.query(`SET LOCAL work_mem = '${WORK_MEM}'`);
    await this.createStaging();
    for (const source of sources) await this.stageSource(source);
    await this.survey();
    await this.checkUntilValid(options.skipInvalid ?? false);
    const counts = await this.count();
    // Before the writes: a record's old values (a person's former partner, a line's former customer) count too.
    await this.collectChangedPartners();
    for (const collection of COLLECTIONS) await this.write(collection);
    // Fresh statistics after a large import: PGlite has no autovacuum, and without them one partner's
    // neighbourhood is read by scanning whole tables (about 6 times slower at 2,000 partners).
    if (this.recordsRead >= ANALYZE_AFTER) for (const collection of COLLECTIONS) await this.tx.query(`ANALYZE ${TABLES[collection].name}`);
    const rejected = await this.rejectedRecords();
    const reports: ImportReport[] = [];
    for (const [batch, source] of this.sources.entries()) {
      const own = rejected.filter((r) => r.batch === batch).map(({ batch: _batch, ...r }) => r);
      const collections = Object.fromEntries(
        COLLECTIONS.map((c) => [c, counts.get(`${batch}/${c}`) ?? { added: 0, updated: 0, unchanged: 0 }]),
      ) as Record<CollectionName, MergeCounts>;
      const total = (k: keyof MergeCounts) => COLLECTIONS.reduce((sum, c) => sum + collections[c][k], 0);
      const errors = own.flatMap((r) => r.reasons.map((reason) => `${recordAt(source, r.collection, r.index, r.line, r.id)}: ${reason}`));
      const [row] = await this.tx.query<{ id: string }>(
        'INSERT INTO import_batches (source, added, updated, unchanged, rejected, errors) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id::text AS id',
        [source, total('added'), total('updated'), total('unchanged'), own.length, JSON.stringify(errors.slice(0, SHOWN_PROBLEMS))],
      );
      reports.push({
        batch: Number(row!.id),
        source,
        added: total('added'),
        updated: total('updated'),
        unchanged: total('unchanged'),
        rejected: own.length,
        collections,
        rejectedRecords: own,
      });
    }
    const last = reports.at(-1)?.batch;
    if (last !== undefined)
      await this.tx.query(`INSERT INTO import_changes (batch, partner_id) SELECT $1, partner_id FROM ${CHANGED}`, [last]);
    return reports;
  }

  /**
   * Every partner whose measures the import's records can change, from the
   * staged records and what the store holds before they are written: what a
   * live server re-reads (src/app/evaluations.ts). Revenue counts for a
   * partner only through an association of its customer (the neighbourhood,
   * neighbourhood.ts), so a customer touched by a line, an association, its
   * own record or a rate of its lines' month touches every partner ever
   * associated with it; a person or a pass touches the person's partner,
   * before and after. Unchanged records are included: a superset is safe.
   */
  private async collectChangedPartners(): Promise<void> {
    const staged = (collection: CollectionName) => `(SELECT * FROM ${stage(collection)} WHERE shaped AND NOT rejected)`;
    await this.tx.query(
      `CREATE TEMP TABLE ${CHANGED} ON COMMIT DROP AS
       WITH touched_customers AS (
         SELECT customer_id AS id FROM ${staged('revenue')} s
         UNION SELECT r.customer_id FROM revenue_lines r JOIN ${staged('revenue')} s ON s.id = r.id
         UNION SELECT id FROM ${staged('customers')} s
         UNION SELECT customer_id FROM ${staged('associations')} s
         UNION SELECT r.customer_id FROM revenue_lines r JOIN ${staged('fxRates')} f
           ON f.currency = r.currency AND f.month = to_char(r.date, 'YYYY-MM')
       ), touched_people AS (
         SELECT id FROM ${staged('people')} s UNION SELECT person_id FROM ${staged('examPasses')} s
       )
       SELECT partner_id FROM associations WHERE customer_id IN (SELECT id FROM touched_customers)
       UNION SELECT partner_id FROM ${staged('associations')} s
       UNION SELECT id FROM ${staged('partners')} s
       UNION SELECT partner_id FROM people WHERE id IN (SELECT id FROM touched_people)
       UNION SELECT partner_id FROM ${staged('people')} s`,
    );
  }

  /**
   * What the set queries go by: statistics of the staged records, whether
   * a key is staged twice (a file repeating a key, or files merged), whether
   * each table is empty.
   */
  private async survey(): Promise<void> {
    for (const collection of COLLECTIONS) {
      const table = TABLES[collection];
      await this.tx.query(`ANALYZE ${stage(collection)}`);
      // Keys that came in order are known distinct already; others are grouped by SQL (a hash of every key).
      const known = this.keyRuns.get(collection)!.distinct;
      const [row] = await this.tx.query<{ repeated: boolean; empty: boolean }>(
        `SELECT ${known ? 'false' : `EXISTS (SELECT 1 FROM ${stage(collection)} WHERE shaped GROUP BY ${table.key.join(', ')} HAVING count(*) > 1)`} AS repeated,
                NOT EXISTS (SELECT 1 FROM ${table.name}) AS empty`,
      );
      if (!row!.repeated) this.unique.add(collection);
      if (row!.empty) this.empty.add(collection);
    }
  }

  /** A well-formed staged record's key, its values as staged (text, dates as YYYY-MM-DD), to tell whether keys repeat. */
  private stagedKey(collection: CollectionName, values: readonly unknown[]): void {
    const runs = this.keyRuns.get(collection)!;
    if (!runs.distinct) return;
    const [first, ...rest] = values.map(String);
    runs.add(first!, rest.join('\u0000'));
  }

  /** Records read so far, all files together (for the record of a rejected import). */
  get recordsRead(): number {
    return this.read.reduce((a, b) => a + b, 0);
  }

  private async createStaging(): Promise<void> {
    for (const collection of COLLECTIONS) {
      const columns = TABLES[collection].columns.map((c) => `${c.column} ${stagedType(c)}`).join(', ');
      await this.tx.query(
        `CREATE TEMP TABLE ${stage(collection)} (batch integer NOT NULL, ord bigint NOT NULL, idx bigint NOT NULL, line bigint, shaped boolean NOT NULL, bad boolean NOT NULL, rejected boolean NOT NULL DEFAULT false, ${columns}) ON COMMIT DROP`,
      );
    }
    await this.tx.query(
      `CREATE TEMP TABLE ${PROBLEMS} (rank integer NOT NULL, batch integer NOT NULL, idx bigint NOT NULL, step integer NOT NULL, n integer NOT NULL, line bigint, id text, record text, field text NOT NULL, code text NOT NULL, args jsonb NOT NULL, settled boolean NOT NULL DEFAULT false) ON COMMIT DROP`,
    );
  }

  /** Streams one file's records into the staging tables, a chunk at a time, checking each on its own. */
  private async stageSource(source: ImportSource): Promise<void> {
    const batch = this.sources.length;
    this.sources.push(source.source);
    this.read.push(0);
    const writer = this.tx.copyFrom ? new StageWriter(this.tx as SqlClient & Required<Pick<SqlClient, 'copyFrom'>>) : undefined;
    if (source.csv && writer) {
      try {
        await this.stageCsv(batch, source, source.csv, writer);
        return;
      } catch (error) {
        if (!(error instanceof Declined)) throw error;
        // A file the fast reader declines is read again, as every file once was: what was staged of it goes.
        await writer.drain();
        for (const collection of COLLECTIONS) await this.tx.query(`DELETE FROM ${stage(collection)} WHERE batch = $1`, [batch]);
        await this.tx.query(`DELETE FROM ${PROBLEMS} WHERE batch = $1`, [batch]);
        this.read[batch] = 0;
      }
      // Records come with the table's columns, not in the file's order: a writer of their own.
      await this.stageRecords(batch, source, new StageWriter(this.tx as SqlClient & Required<Pick<SqlClient, 'copyFrom'>>));
      return;
    }
    await this.stageRecords(batch, source, writer);
  }

  /**
   * A CSV file read by the fast reader: a row whose cells are plainly good
   * (`plainRowCheck`) is staged as it is; any other is made into its record
   * and checked by `RowChecker`, as `records()` would have it.
   */
  private async stageCsv(batch: number, source: ImportSource, csv: NonNullable<ImportSource['csv']>, writer: StageWriter): Promise<void> {
    const { collection } = csv;
    const table = TABLES[collection];
    const problems: unknown[][] = [];
    let plain: ((cells: readonly string[]) => boolean) | undefined;
    /** The staged columns the file has, in its header's order, and the cell of each. */
    let columns: Column[] = [];
    let cellOf: number[] = [];
    /** Whether a plain line's text is its COPY text once commas are tabs (no empty `end` to make null). */
    let direct = false;
    let header: readonly string[] | undefined;
    /** The cells of the record's key, for KeyRuns. */
    let keyCells: number[] = [];
    const runs = this.keyRuns.get(collection)!;
    let idx = 0;
    for await (const read of csv.cells()) {
      if (read === DECLINED) throw new Declined();
      if (header === undefined) {
        header = read.columns;
        plain = plainRowCheck(this.catalog, collection, header);
        columns = header.flatMap((field) => table.columns.filter((c) => c.field === field));
        cellOf = columns.map((c) => header!.indexOf(c.field));
        direct = plain !== undefined && columns.length === header.length && !header.includes('end');
        keyCells = KEY_INDEXES[collection].map((k) => header!.indexOf(table.columns[k]!.field));
        writer.setColumns(collection, columns);
      }
      for (const { cells, line, text } of read.rows) {
        const index = idx++;
        this.read[batch]! += 1;
        let pending: Promise<void> | undefined;
        if (plain?.(cells)) {
          if (runs.distinct)
            runs.add(
              cells[keyCells[0]!]!,
              keyCells.length === 1
                ? ''
                : keyCells
                    .slice(1)
                    .map((k) => cells[k])
                    .join('\u0000'),
            );
          writer.append(collection, `${batch}\t${this.ord++}\t${index}\t${line}\tt\tf\t`);
          if (direct && text !== undefined && text.indexOf('\t') < 0 && text.indexOf('\\') < 0) writer.append(collection, text, true);
          else {
            // A cell to escape, or an empty end: cell by cell (netNew as the engine reads it, an empty end as none).
            let values = '';
            for (let k = 0; k < columns.length; k++) {
              const cell = cells[cellOf[k]!]!;
              const column = columns[k]!;
              const value =
                column.type === 'boolean' ? cell.trim().toLowerCase() === 'true' : column.field === 'end' && cell === '' ? null : cell;
              values += k === 0 ? copyValue(value) : `\t${copyValue(value)}`;
            }
            writer.append(collection, values);
          }
          pending = writer.endRow(collection);
        } else {
          // Not plainly good: its record, as `records()` would give it, checked by RowChecker.
          const row = this.checkedRow(batch, source.source, collection, index, line, csv.record(header, cells), problems);
          pending = writer.row(collection, [
            ...row.slice(0, META.length),
            ...columns.map((c) => row[META.length + table.columns.indexOf(c)]),
          ]);
        }
        if (pending) await pending;
      }
      if (problems.length >= CHUNK) await this.insertProblems(problems.splice(0));
    }
    await writer.drain();
    await this.insertProblems(problems);
  }

  /** Any file's records, each checked by `RowChecker`. */
  private async stageRecords(batch: number, source: ImportSource, writer: StageWriter | undefined): Promise<void> {
    const index = new Map<CollectionName, number>();
    const rows = new Map<CollectionName, unknown[][]>(COLLECTIONS.map((c) => [c, []]));
    const problems: unknown[][] = [];
    const flush = async (collection: CollectionName): Promise<void> => {
      const pending = rows.get(collection)!;
      if (pending.length > 0) await this.insertRows(collection, pending);
      pending.length = 0;
    };
    for await (const { collection, record, line } of source.records()) {
      const idx = index.get(collection) ?? 0;
      index.set(collection, idx + 1);
      this.read[batch]! += 1;
      if (writer) {
        const pending = writer.row(collection, this.checkedRow(batch, source.source, collection, idx, line, record, problems));
        if (pending) await pending;
      } else {
        const pending = rows.get(collection)!;
        pending.push(this.checkedRow(batch, source.source, collection, idx, line, record, problems));
        if (pending.length >= CHUNK) await flush(collection);
      }
      if (problems.length >= CHUNK) await this.insertProblems(problems.splice(0));
    }
    for (const collection of COLLECTIONS) await flush(collection);
    await writer?.drain();
    await this.insertProblems(problems);
  }

  /** A record checked by `RowChecker`: its staged row (META, then its columns); its problems added to `problems`. */
  private checkedRow(
    batch: number,
    source: string,
    collection: CollectionName,
    idx: number,
    line: number | undefined,
    record: unknown,
    problems: unknown[][],
  ): unknown[] {
    const rawId = typeof record === 'object' && record !== null ? (record as { id?: unknown }).id : undefined;
    const id = typeof rawId === 'string' ? rawId : null;
    const checked = this.checker.check(collection, record, () => recordAt(source, collection, idx, line, id));
    checked.problems.forEach((p, n) => {
      const step = checked.record ? stepOf(collection, p.field) : 0;
      problems.push([COLLECTIONS.indexOf(collection), batch, idx, step, n, line ?? null, id, p.record, p.field, p.code, p.values]);
    });
    const values = TABLES[collection].columns.map((c) => {
      if (!checked.record) return c.column === 'id' ? id : null;
      const value = (checked.record as Record<string, unknown>)[c.field];
      if (value === undefined || value === null) return null;
      // A decimal that does not parse is a problem already reported; SQL never sees it.
      if (c.type === 'numeric') return parseDecimal(String(value)) ? canonicalDecimalText(String(value)) : null;
      return value;
    });
    if (checked.record)
      this.stagedKey(
        collection,
        KEY_INDEXES[collection].map((k) => values[k]),
      );
    return [batch, this.ord++, idx, line ?? null, checked.record !== undefined, checked.problems.length > 0, ...values];
  }

  /** One statement per chunk: a column of values per array parameter. */
  private async insertRows(collection: CollectionName, rows: readonly unknown[][]): Promise<void> {
    const columns = TABLES[collection].columns;
    const types = ['integer', 'bigint', 'bigint', 'bigint', 'boolean', 'boolean', ...columns.map(stagedType)];
    const names = ['batch', 'ord', 'idx', 'line', 'shaped', 'bad', ...columns.map((c) => c.column)];
    await this.tx.query(
      `INSERT INTO ${stage(collection)} (${names.join(', ')}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
      types.map((_, i) => rows.map((row) => row[i])),
    );
  }

  private async insertProblems(rows: readonly unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    const types = ['integer', 'integer', 'bigint', 'integer', 'integer', 'bigint', 'text', 'text', 'text', 'text', 'text'];
    await this.tx.query(
      `INSERT INTO ${PROBLEMS} (rank, batch, idx, step, n, line, id, record, field, code, args)
       SELECT rank, batch, idx, step, n, line, id, record, field, code, args::jsonb FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
         AS u(rank, batch, idx, step, n, line, id, record, field, code, args)`,
      types.map((_, i) => rows.map((row) => (i === 10 ? JSON.stringify(row[i]) : row[i]))),
    );
  }

  /**
   * The checks that need other records, as set queries. By default any
   * problem rejects the import. With `skipInvalid`, records with problems
   * are left out and the checks run again, until nothing new breaks (a
   * revenue line of a customer left out is left out next); problems of
   * records already in the store cannot be skipped.
   */
  private async checkUntilValid(skipInvalid: boolean): Promise<void> {
    for (;;) {
      await this.crossChecks();
      const [found] = await this.tx.query<{ total: number; stored: number }>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE batch < 0)::int AS stored FROM ${PROBLEMS} WHERE NOT settled`,
      );
      if (found!.total === 0) return;
      if (!skipInvalid || found!.stored > 0) {
        const where = skipInvalid ? 'WHERE NOT settled AND batch < 0' : 'WHERE NOT settled';
        throw invalidInput(this.sources.join(', '), await this.firstProblems(where), skipInvalid ? found!.stored : found!.total);
      }
      let newlyRejected = 0;
      for (const collection of COLLECTIONS) {
        const rank = COLLECTIONS.indexOf(collection);
        const [row] = await this.tx.query<{ n: number }>(
          `WITH marked AS (
             UPDATE ${stage(collection)} s SET rejected = true
             WHERE NOT s.rejected AND (s.bad OR EXISTS (SELECT 1 FROM ${PROBLEMS} p WHERE p.rank = ${rank} AND p.batch = s.batch AND p.idx = s.idx))
             RETURNING 1)
           SELECT count(*)::int AS n FROM marked`,
        );
        newlyRejected += row!.n;
      }
      if (newlyRejected === 0) return;
      // The problems stay: they are the reasons of the records left out. The next round looks for new ones.
      await this.tx.query(`UPDATE ${PROBLEMS} SET settled = true`);
    }
  }

  private async crossChecks(): Promise<void> {
    for (const reference of REFERENCES) await this.checkReference(reference);
    await this.checkRates();
    await this.checkOverlaps();
  }

  private async checkReference({ from, field, to, noun }: (typeof REFERENCES)[number]): Promise<void> {
    const column = columnOf(from, field).column;
    await this.tx.query(
      `INSERT INTO ${PROBLEMS} (rank, batch, idx, step, n, line, id, field, code, args)
       SELECT ${COLLECTIONS.indexOf(from)}, x.batch, x.idx, ${stepOf(from, field)}, 0, x.line, ${hasId(from) ? 'x.id' : 'NULL'}, '${field}', 'unknownReference',
              jsonb_build_object('field', '${field}', 'value', x.${column}, 'noun', '${noun}')
       FROM ${latest(from, this.unique.has(from))} x
       WHERE NOT EXISTS (SELECT 1 FROM ${TABLES[to].name} t WHERE t.id = x.${column})
         AND NOT EXISTS (SELECT 1 FROM ${stage(to)} t WHERE t.id = x.${column} AND NOT t.rejected)`,
    );
  }

  /**
   * Lines in another currency need a rate for their month, and their amount
   * in cents must stay exact; a rate that changes re-checks the stored lines
   * it converts.
   */
  private async checkRates(): Promise<void> {
    const rank = COLLECTIONS.indexOf('revenue');
    const staged = latest('fxRates', this.unique.has('fxRates'));
    // The rates the store will have: staged ones replace stored ones; a staged rate with a problem is no rate.
    const rates = `(SELECT currency, month, usd_per_unit::numeric AS rate FROM ${staged} s WHERE NOT s.bad
                    UNION ALL
                    SELECT r.currency, r.month, r.usd_per_unit FROM fx_rates r
                    WHERE NOT EXISTS (SELECT 1 FROM ${stage('fxRates')} s WHERE s.shaped AND NOT s.rejected AND s.currency = r.currency AND s.month = r.month))`;
    const foreign = `x.currency <> '${BASE_CURRENCY}' AND x.currency = ANY($1::text[])`;
    await this.tx.query(
      `INSERT INTO ${PROBLEMS} (rank, batch, idx, step, n, line, id, field, code, args)
       SELECT ${rank}, x.batch, x.idx, ${stepOf('revenue', 'currency')}, 1, x.line, x.id, 'currency', 'noFxRate',
              jsonb_build_object('field', 'currency', 'currency', x.currency, 'collection', 'fxRates', 'month', to_char(x.date, 'YYYY-MM'))
       FROM ${latest('revenue', this.unique.has('revenue'))} x
       WHERE ${foreign} AND NOT EXISTS (SELECT 1 FROM ${rates} r WHERE r.currency = x.currency AND r.month = to_char(x.date, 'YYYY-MM'))`,
      [ISO_4217],
    );
    // Without a rate the amount is checked as dollars, as `validateDataset` does (the missing rate is its own problem).
    const tooLarge = usdCentsOutOfRangeSql('x.amount::numeric', 'coalesce(r.rate, 1)');
    await this.tx.query(
      `INSERT INTO ${PROBLEMS} (rank, batch, idx, step, n, line, id, field, code, args)
       SELECT ${rank}, x.batch, x.idx, ${stepOf('revenue', 'amount')}, 1, x.line, x.id, 'amount', 'amountTooLarge',
              jsonb_build_object('field', 'amount', 'value', x.amount)
       FROM ${latest('revenue', this.unique.has('revenue'))} x LEFT JOIN ${rates} r ON r.currency = x.currency AND r.month = to_char(x.date, 'YYYY-MM')
       WHERE ${foreign} AND x.amount IS NOT NULL AND ${tooLarge}
       UNION ALL
       SELECT ${rank}, -1, x.seq, ${stepOf('revenue', 'amount')}, 1, NULL, x.id, 'amount', 'amountTooLarge',
              jsonb_build_object('field', 'amount', 'value', x.amount::text)
       FROM revenue_lines x JOIN ${staged} r0 ON NOT r0.bad AND r0.currency = x.currency AND r0.month = to_char(x.date, 'YYYY-MM')
            CROSS JOIN LATERAL (SELECT r0.usd_per_unit::numeric AS rate) r
       WHERE ${foreign} AND ${tooLarge}
         AND NOT EXISTS (SELECT 1 FROM ${stage('revenue')} s WHERE s.shaped AND NOT s.rejected AND s.id = x.id)`,
      [ISO_4217],
    );
  }

  /**
   * Two associations of an exclusive type (DPOR) for one customer may not
   * share a day (the engine's rules/exclusive-associations.ts), over the
   * store's and the staged associations together, ordered by file and
   * record where they start on the same day. Only customers the import
   * touches are looked at.
   */
  private async checkOverlaps(): Promise<void> {
    const exclusive = [...this.catalog.associationTypes.entries()].filter(([, t]) => t.exclusive).map(([id]) => id);
    if (exclusive.length === 0) return;
    const table = TABLES.associations;
    const staged = latest('associations', this.unique.has('associations'));
    await this.tx.query(
      `WITH d AS ${staged},
       merged AS (
         SELECT batch, ord, idx, line, customer_id, partner_id, type, start_date, end_date FROM d WHERE type = ANY($1::text[])
         UNION ALL
         SELECT -1, a.seq, a.seq, NULL, a.customer_id, a.partner_id, a.type, a.start_date, a.end_date FROM associations a
         WHERE a.type = ANY($1::text[])
           AND EXISTS (SELECT 1 FROM d WHERE d.customer_id = a.customer_id AND d.type = a.type)
           AND NOT EXISTS (SELECT 1 FROM d WHERE ${keyMatch(table, 'd', 'a')})
       )
       INSERT INTO ${PROBLEMS} (rank, batch, idx, step, n, line, id, field, code, args)
       SELECT ${COLLECTIONS.indexOf('associations')}, f.batch, f.idx, ${stepOf('associations', 'start')}, 0, f.line, NULL, 'start', 'associationOverlap',
              jsonb_build_object('type', f.type, 'customer', f.customer_id, 'partner', f.partner_id, 'start', f.start_date::text,
                'end', coalesce(f.end_date::text, 'open'), 'otherBatch', o.batch, 'otherIdx', o.idx, 'otherLine', o.line,
                'otherPartner', o.partner_id, 'otherStart', o.start_date::text, 'otherEnd', coalesce(o.end_date::text, 'open'))
       FROM ${exclusiveOverlapsSql('merged', ['batch', 'ord'])}`,
      [exclusive],
    );
  }

  /** The first problems in reading order: collection by collection, the store's records first, then file by file, record by record. */
  private async firstProblems(where: string): Promise<Problem[]> {
    const rows = await this.tx.query<ProblemRow>(
      `SELECT rank, batch, idx::text AS idx, line::text AS line, id, record, field, code, args FROM ${PROBLEMS} ${where}
       ORDER BY rank, batch, idx, step, n LIMIT ${SHOWN_PROBLEMS}`,
    );
    return rows.map((row) => this.problemOf(row));
  }

  /** A stored problem as the engine words it; problems found in SQL get their record's label and quoted values here. */
  private problemOf(row: ProblemRow): Problem {
    const args = (typeof row.args === 'string' ? JSON.parse(row.args) : row.args) as Record<string, string | number | null>;
    if (row.record !== null) return problem(row.record, row.field, row.code, args as Record<string, string>);
    const collection = COLLECTIONS[row.rank]!;
    const label = this.label(collection, row.batch, Number(row.idx), row.line === null ? null : Number(row.line), row.id, args);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(args)) {
      if (k.startsWith('other') && k !== 'otherPartner' && k !== 'otherStart' && k !== 'otherEnd') continue;
      values[k] = k === 'value' ? quote(v) : String(v);
    }
    if (row.code === 'associationOverlap') {
      values.other = this.label(
        collection,
        Number(args.otherBatch),
        Number(args.otherIdx),
        args.otherLine === null ? null : Number(args.otherLine),
        null,
        {
          customer: args.customer ?? null,
          partner: args.otherPartner ?? null,
          start: args.otherStart ?? null,
          type: args.type ?? null,
        },
      );
    }
    return problem(label, row.field, row.code, values);
  }

  /** A record of a file, or of the store (`store: associations (DPOR, customer C1, partner P1, from 2017-01-01)`). */
  private label(
    collection: CollectionName,
    batch: number,
    idx: number,
    line: number | null,
    id: string | null,
    args: Record<string, string | number | null>,
  ): string {
    if (batch >= 0) return recordAt(this.sources[batch]!, collection, idx, line, id);
    if (collection === 'associations')
      return `store: associations (${args.type}, customer ${args.customer}, partner ${args.partner}, from ${args.start})`;
    return `store: ${collection}${id ? ` (id ${id})` : ''}`;
  }

  /** Per file and collection: records added, updated (changed from the store or an earlier file) and unchanged. */
  private async count(): Promise<Map<string, MergeCounts>> {
    const counts = new Map<string, MergeCounts>();
    for (const collection of COLLECTIONS) {
      const table = TABLES[collection];
      const keys = table.key.join(', ');
      const unique = this.unique.has(collection);
      // No key twice: each record is compared with the store alone (and into an empty table, each is added).
      const rows = await this.tx.query<{ batch: number; added: number; updated: number; unchanged: number }>(
        unique && this.empty.has(collection)
          ? `SELECT batch, count(*)::int AS added, 0 AS updated, 0 AS unchanged FROM ${stage(collection)} WHERE shaped AND NOT rejected GROUP BY batch`
          : unique
            ? `WITH compared AS (
                 SELECT s.batch, ${fingerprint(table, 's', true)} AS fp, CASE WHEN t.${table.key[0]} IS NOT NULL THEN ${fingerprint(table, 't', false)} END AS was
                 FROM ${stage(collection)} s LEFT JOIN ${table.name} t ON ${keyMatch(table, 't', 's')} WHERE s.shaped AND NOT s.rejected
               )
               SELECT batch, count(*) FILTER (WHERE was IS NULL)::int AS added, count(*) FILTER (WHERE was <> fp)::int AS updated,
                      count(*) FILTER (WHERE was = fp)::int AS unchanged
               FROM compared GROUP BY batch`
            : `WITH per_file AS (
           SELECT DISTINCT ON (batch, ${keys}) s.*, ${fingerprint(table, 's', true)} AS fp
           FROM ${stage(collection)} s WHERE shaped AND NOT rejected ORDER BY batch, ${keys}, ord DESC
         ), chained AS (
           SELECT p.*, lag(fp) OVER (PARTITION BY ${keys} ORDER BY batch) AS before FROM per_file p
         ), compared AS (
           SELECT c.batch, c.fp, coalesce(c.before, CASE WHEN t.${table.key[0]} IS NOT NULL THEN ${fingerprint(table, 't', false)} END) AS was
           FROM chained c LEFT JOIN ${table.name} t ON ${keyMatch(table, 't', 'c')}
         )
         SELECT batch, count(*) FILTER (WHERE was IS NULL)::int AS added, count(*) FILTER (WHERE was <> fp)::int AS updated,
                count(*) FILTER (WHERE was = fp)::int AS unchanged
         FROM compared GROUP BY batch`,
      );
      for (const row of rows)
        counts.set(`${row.batch}/${collection}`, { added: row.added, updated: row.updated, unchanged: row.unchanged });
    }
    return counts;
  }

  /**
   * Writes what changed: each key's last record, new keys in the order they
   * first came. When no key is staged twice, keys the store has take the
   * update path (only those whose values differ) and new keys go in with a
   * plain insert (into an empty table, without looking for them first).
   */
  private async write(collection: CollectionName): Promise<void> {
    const table = TABLES[collection];
    const keys = table.key.join(', ');
    const columns = table.columns.map((c) => c.column);
    const values = table.columns.map((c) => (c.type === 'numeric' ? `d.${c.column}::numeric` : `d.${c.column}`));
    if (this.unique.has(collection)) {
      const empty = this.empty.has(collection);
      const changing = table.columns.filter((c) => !table.key.includes(c.column));
      if (!empty && changing.length > 0)
        await this.tx.query(
          `UPDATE ${table.name} t SET ${changing.map((c) => `${c.column} = ${c.type === 'numeric' ? `d.${c.column}::numeric` : `d.${c.column}`}`).join(', ')}
           FROM ${stage(collection)} d
           WHERE ${keyMatch(table, 't', 'd')} AND d.shaped AND NOT d.rejected AND ${fingerprint(table, 't', false)} <> ${fingerprint(table, 'd', true)}`,
        );
      // Into an empty table of an engine no one else can be reading (PGlite), the table's indexes are built once
      // its rows are in: a sort each, instead of millions of insertions into them.
      const rebuilt = empty && this.tx.soleSession === true ? await dropIndexes(this.tx, table.name) : [];
      await this.tx.query(
        `INSERT INTO ${table.name} (${columns.join(', ')})
         SELECT ${values.join(', ')} FROM ${stage(collection)} d
         WHERE d.shaped AND NOT d.rejected${empty ? '' : ` AND NOT EXISTS (SELECT 1 FROM ${table.name} t WHERE ${keyMatch(table, 't', 'd')})`}
         ORDER BY d.ord`,
      );
      for (const statement of rebuilt) await this.tx.query(statement);
      return;
    }
    const updates = table.columns.filter((c) => !table.key.includes(c.column)).map((c) => `${c.column} = EXCLUDED.${c.column}`);
    await this.tx.query(
      `INSERT INTO ${table.name} (${columns.join(', ')})
       SELECT ${values.join(', ')} FROM (
         SELECT DISTINCT ON (${keys}) s.*, min(ord) OVER (PARTITION BY ${keys}) AS first_ord
         FROM ${stage(collection)} s WHERE shaped AND NOT rejected ORDER BY ${keys}, ord DESC
       ) d LEFT JOIN ${table.name} t ON ${keyMatch(table, 't', 'd')}
       WHERE t.${table.key[0]} IS NULL OR ${fingerprint(table, 't', false)} <> ${fingerprint(table, 'd', true)}
       ORDER BY d.first_ord
       ON CONFLICT (${keys}) ${updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`,
    );
  }

  /** The records left out by `--skip-invalid`, with every reason, file by file in reading order. */
  private async rejectedRecords(): Promise<(RejectedRecord & { batch: number })[]> {
    const rows = await this.tx.query<ProblemRow>(
      `SELECT rank, batch, idx::text AS idx, line::text AS line, id, record, field, code, args FROM ${PROBLEMS}
       WHERE batch >= 0 ORDER BY batch, rank, idx, step, n`,
    );
    const out: (RejectedRecord & { batch: number })[] = [];
    for (const row of rows) {
      const message = problemMessage(this.problemOf(row));
      const last = out.at(-1);
      const collection = COLLECTIONS[row.rank]!;
      if (last && last.batch === row.batch && last.collection === collection && last.index === Number(row.idx)) {
        (last.reasons as string[]).push(message);
      } else {
        out.push({
          batch: row.batch,
          collection,
          index: Number(row.idx),
          line: row.line === null ? undefined : Number(row.line),
          ...(row.id ? { id: row.id } : {}),
          reasons: [message],
        });
      }
    }
    return out;
  }
}

/** A JSON dataset (or fragment) already read: its records, collection by collection. */
export function recordsOf(incoming: unknown, source: string): ImportSource {
  return {
    source,
    async *records() {
      const object = incoming as Record<string, unknown>;
      for (const collection of COLLECTIONS) {
        const records = object[collection];
        if (Array.isArray(records)) for (const record of records as unknown[]) yield { collection, record };
      }
    },
  };
}
