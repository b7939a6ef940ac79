/**
 * An import in bounded memory: records stream from their files into staging
 * tables, each checked on its own as it arrives (shape, the program's
 * catalogs: the same RowChecker as `validateDataset`); what needs other
 * records — references, missing rates, converted amounts, overlapping
 * exclusive associations — is then checked with set queries against the
 * store and the staged records together, counted and written by SQL. Only
 * the problems to show and the rejected records to write back ever come
 * back to JavaScript.
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
import type { SqlClient } from './sql.js';
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
}

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
const BASE_CURRENCY = 'USD';
/** Records of an import from which the store's tables are analyzed again, in the import's transaction. */
const ANALYZE_AFTER = 10_000;
const ISO_4217 = currencyCodes.codes();

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

/** The last staged record of each key that is still in: what the store becomes. */
function latest(collection: CollectionName): string {
  const table = TABLES[collection];
  return `(SELECT DISTINCT ON (${table.key.join(', ')}) * FROM ${stage(collection)} WHERE shaped AND NOT rejected ORDER BY ${table.key.join(', ')}, ord DESC)`;
}

/** `revenue.csv:4 (id R3)` for a file with lines, `bad.json: revenue[0] (id R-NEW)` otherwise. */
export function recordAt(source: string, collection: CollectionName, index: number, line: number | null | undefined, id: unknown): string {
  const at = line === null || line === undefined ? `${source}: ${collection}[${index}]` : `${source}:${line}`;
  return typeof id === 'string' && id.length > 0 ? `${at} (id ${labelId(id)})` : at;
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
    await this.createStaging();
    for (const source of sources) await this.stageSource(source);
    for (const collection of COLLECTIONS) await this.tx.query(`ANALYZE ${stage(collection)}`);
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
      const rawId = typeof record === 'object' && record !== null ? (record as { id?: unknown }).id : undefined;
      const id = typeof rawId === 'string' ? rawId : null;
      const checked = this.checker.check(collection, record, () => recordAt(source.source, collection, idx, line, id));
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
      const pending = rows.get(collection)!;
      pending.push([batch, this.ord++, idx, line ?? null, checked.record !== undefined, checked.problems.length > 0, ...values]);
      if (pending.length >= CHUNK) await flush(collection);
      if (problems.length >= CHUNK) await this.insertProblems(problems.splice(0));
    }
    for (const collection of COLLECTIONS) await flush(collection);
    await this.insertProblems(problems);
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
       FROM ${latest(from)} x
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
    const staged = latest('fxRates');
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
       FROM ${latest('revenue')} x
       WHERE ${foreign} AND NOT EXISTS (SELECT 1 FROM ${rates} r WHERE r.currency = x.currency AND r.month = to_char(x.date, 'YYYY-MM'))`,
      [ISO_4217],
    );
    // Without a rate the amount is checked as dollars, as `validateDataset` does (the missing rate is its own problem).
    const tooLarge = usdCentsOutOfRangeSql('x.amount::numeric', 'coalesce(r.rate, 1)');
    await this.tx.query(
      `INSERT INTO ${PROBLEMS} (rank, batch, idx, step, n, line, id, field, code, args)
       SELECT ${rank}, x.batch, x.idx, ${stepOf('revenue', 'amount')}, 1, x.line, x.id, 'amount', 'amountTooLarge',
              jsonb_build_object('field', 'amount', 'value', x.amount)
       FROM ${latest('revenue')} x LEFT JOIN ${rates} r ON r.currency = x.currency AND r.month = to_char(x.date, 'YYYY-MM')
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
    const staged = latest('associations');
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
      const rows = await this.tx.query<{ batch: number; added: number; updated: number; unchanged: number }>(
        `WITH per_file AS (
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

  /** Writes what changed: each key's last record, new keys in the order they first came. */
  private async write(collection: CollectionName): Promise<void> {
    const table = TABLES[collection];
    const keys = table.key.join(', ');
    const columns = table.columns.map((c) => c.column);
    const values = table.columns.map((c) => (c.type === 'numeric' ? `d.${c.column}::numeric` : `d.${c.column}`));
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
