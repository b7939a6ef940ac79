/**
 * The whole store as columns (engine/evaluation/columns.ts), for evaluating
 * every partner without one JavaScript object per row.
 *
 * PostgreSQL computes, per row, only what is exact arithmetic or a key:
 * day numbers, each line's amount in US cents at its month's rate (the SQL
 * twin of the engine's conversion, engine/rules/currency-conversion.ts), and a
 * 64-bit hash of every id a row refers to (hashtextextended). Dense indexes
 * are the seq order of partners, customers and people (the order `read`
 * gives); a reference becomes its dense index by looking its hash up in a
 * table built from those rows (below: why not a join). Everything the rules
 * decide (attribution, scopes, windows, qualifications) stays in the engine's
 * one implementation, `prepareColumns`.
 *
 * Each big table is read in chunks of seq order (keyset: seq > the last one
 * read). A chunk comes back as one row: each fixed-width field of its rows
 * packed big-endian in one bytea (int4send, int8send…) and their ids as one
 * UTF-8 text, so nothing is parsed or allocated per row here: the
 * bytes go straight into typed arrays sized from counts taken first. Memory
 * is the result arrays and one chunk. Everything is read in one REPEATABLE
 * READ transaction: one snapshot, even while an import commits. On a
 * server, the tables are halved between two connections that read the same
 * exported snapshot.
 *
 * Why hashes rather than joins to numbered temporary tables: PostgreSQL keeps
 * no hash table from one statement to the next, so every chunk joined to the
 * customers (or people) hashed the whole dimension again, and the joins cost
 * more than everything else together (at 100,000 partners, about 15 s
 * against 10 s on one connection; docs/performance.md). A lookup here costs
 * tens of nanoseconds. The mapping stays exact: the hashes of each dimension's ids are checked to be
 * distinct (another seed is taken in the astronomically rare case they are
 * not), and a reference whose hash is not in its dimension is an error.
 */
import { IdColumnBuilder, NEVER, problem, quote, usdCentsSql, type Catalog, type DatasetColumns, type Problem } from '../engine/index.js';
import { invalidInput } from '../i18n/index.js';
import type { SqlClient } from './sql.js';

export interface ColumnsOptions {
  /** Rows per chunk (default 500,000): the most one chunk holds in memory, on the server and here. */
  readonly chunkSize?: number | undefined;
}

const DEFAULT_CHUNK = 500_000;
const BEFORE_ANY_SEQ = '-9223372036854775808';
/** Seeds of hashtextextended tried in turn should two ids of one dimension ever share a hash. */
const SEEDS = 4;

/** 64-bit hashes of a dimension's ids → their dense index (open addressing; hashes as two int32 halves). */
export class HashIndex {
  private readonly high: Int32Array;
  private readonly low: Int32Array;
  /** Dense index + 1; 0 for an empty slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(size: number) {
    let capacity = 16;
    while (capacity < size * 2) capacity *= 2;
    this.high = new Int32Array(capacity);
    this.low = new Int32Array(capacity);
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** False when the hash is there already: two ids of the dimension share it. */
  add(high: number, low: number, index: number): boolean {
    let s = this.slot(high, low);
    while (this.slots[s] !== 0) {
      if (this.high[s] === high && this.low[s] === low) return false;
      s = (s + 1) & this.mask;
    }
    this.high[s] = high;
    this.low[s] = low;
    this.slots[s] = index + 1;
    return true;
  }

  /** The dense index of the id with this hash; -1 when none has it. */
  get(high: number, low: number): number {
    let s = this.slot(high, low);
    for (;;) {
      const v = this.slots[s]!;
      if (v === 0) return -1;
      if (this.high[s] === high && this.low[s] === low) return v - 1;
      s = (s + 1) & this.mask;
    }
  }

  private slot(high: number, low: number): number {
    return (Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> 7) & this.mask;
  }
}

/** The dimensions a row may refer to. */
export type Dimension = 'partner' | 'customer' | 'person' | 'product' | 'type' | 'exam';

/** A fixed-width field of a row: int4; int8 (cents: exact below 2^53, read as a number); a flag (one byte); a reference (its id's hash). */
type Field =
  | { readonly kind: 'int4' | 'int8' | 'flag'; readonly sql: string }
  | { readonly kind: 'ref'; readonly sql: string; readonly dimension: Dimension };

const WIDTH = { int4: 4, int8: 8, flag: 1, ref: 8 } as const;

export interface TableSpec {
  readonly table: string;
  readonly fields: readonly Field[];
  /** Whether the rows' ids come too (as one text per chunk, each one's byte length among the fields). */
  readonly ids: boolean;
  /** Joins of the chunk's rows (alias x) that the fields need. */
  readonly joins?: string;
  /** True for a row that cannot be read (a rate missing): none in a store whose imports passed. */
  readonly unresolved?: string;
}

export interface ChunkRow {
  readonly chunk_rows: number;
  readonly chunk_last: string | null;
  readonly chunk_unresolved: number;
  /** Field i of every row, packed: f0 the seq, then the table's fields, then the ids' byte lengths. */
  readonly [field: `f${number}`]: unknown;
  readonly chunk_ids: unknown;
}

function send(field: Field): string {
  switch (field.kind) {
    case 'flag':
      return `CASE WHEN ${field.sql} THEN '\\x01'::bytea ELSE '\\x00'::bytea END`;
    case 'ref':
      return `int8send(hashtextextended(${field.sql}, $3))`;
    default:
      return `${field.kind}send((${field.sql})::${field.kind})`;
  }
}

/** The fields a chunk carries: the seq first, the table's own, and the ids' lengths in bytes. */
function chunkFields(spec: TableSpec, utf8: boolean): Field[] {
  const fields: Field[] = [{ kind: 'int8', sql: 'x.seq' }, ...spec.fields];
  if (spec.ids) fields.push({ kind: 'int4', sql: utf8 ? 'octet_length(x.id)' : "octet_length(convert_to(x.id, 'UTF8'))" });
  return fields;
}

/**
 * One chunk of a table as one row: each field of every row packed into one
 * bytea (f0, f1…), the ids concatenated into one text. Rows come in seq
 * order (a plain aggregate over the chunk's index scan); their seq is
 * checked, and puts them back in order should they not.
 */
function chunkQuery(spec: TableSpec, utf8: boolean): string {
  const fields = chunkFields(spec, utf8).map((field, i) => `string_agg(${send(field)}, ''::bytea) AS f${i}`);
  return `SELECT count(*)::int AS chunk_rows, max(x.seq)::text AS chunk_last,
            count(*) FILTER (WHERE ${spec.unresolved ?? 'false'})::int AS chunk_unresolved, ${fields.join(', ')},
            ${spec.ids ? "convert_to(string_agg(x.id, ''), 'UTF8')" : 'NULL::bytea'} AS chunk_ids
          FROM (SELECT * FROM ${spec.table} WHERE seq > $1::bigint AND seq <= $4::bigint ORDER BY seq LIMIT $2) x ${spec.joins ?? ''}`;
}

const DAY = (column: string) => `${column} - DATE '1970-01-01'`;

const TABLES = {
  customers: {
    table: 'customers',
    // The customer's own id hashed: the customers dimension, for associations and lines.
    fields: [{ kind: 'ref', sql: 'x.id', dimension: 'customer' }],
    ids: false,
  },
  associations: {
    table: 'associations',
    fields: [
      { kind: 'ref', sql: 'x.customer_id', dimension: 'customer' },
      { kind: 'ref', sql: 'x.partner_id', dimension: 'partner' },
      { kind: 'ref', sql: 'x.type', dimension: 'type' },
      { kind: 'int4', sql: DAY('x.start_date') },
      { kind: 'int4', sql: `coalesce(${DAY('x.end_date')}, ${NEVER})` },
    ],
    ids: false,
  },
  revenue: {
    table: 'revenue_lines',
    fields: [
      { kind: 'ref', sql: 'x.customer_id', dimension: 'customer' },
      { kind: 'int4', sql: DAY('x.date') },
      { kind: 'ref', sql: 'x.product', dimension: 'product' },
      { kind: 'flag', sql: 'x.net_new' },
      // Exact cents, by the engine's rule (rules/currency-conversion.ts).
      { kind: 'int8', sql: usdCentsSql('x.amount', "CASE WHEN x.currency = 'USD' THEN 1 ELSE f.usd_per_unit END") },
    ],
    ids: true,
    // The month's rate, for lines in another currency than the dollar only (the key is NULL for dollars).
    joins: `LEFT JOIN fx_rates f ON f.currency = x.currency
                                AND f.month = CASE WHEN x.currency = 'USD' THEN NULL ELSE to_char(x.date, 'YYYY-MM') END`,
    unresolved: "x.currency <> 'USD' AND f.usd_per_unit IS NULL",
  },
  people: {
    table: 'people',
    fields: [
      { kind: 'ref', sql: 'x.partner_id', dimension: 'partner' },
      // The person's own id hashed: the people dimension, for the passes.
      { kind: 'ref', sql: 'x.id', dimension: 'person' },
    ],
    ids: true,
  },
  examPasses: {
    table: 'exam_passes',
    fields: [
      { kind: 'ref', sql: 'x.person_id', dimension: 'person' },
      { kind: 'ref', sql: 'x.exam', dimension: 'exam' },
      { kind: 'int4', sql: DAY('x.date') },
    ],
    ids: false,
  },
} satisfies Record<string, TableSpec>;

/** Where a field goes: an array (dense indexes of references, int4, cents, flags), or a dimension's index being built. */
export type Target = Int32Array | Float64Array | Uint8Array | { readonly build: HashIndex };

class HashCollision extends Error {}

function bytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new Error(`store columns: ${what} did not come back as bytes`);
}

/**
 * Copies one chunk to position `at` of the targets (its ids to `ids`), each
 * row to its place in seq order; references become dense indexes through
 * their dimension's index. Returns the chunk's least seq. (Exported for
 * the tests: rows out of order are rare enough to be worth one of their own.)
 */
export function takeChunk(
  spec: TableSpec,
  row: ChunkRow,
  targets: readonly Target[],
  ids: IdColumnBuilder | undefined,
  at: number,
  dimensions: Partial<Record<Dimension, HashIndex>>,
): number {
  const count = row.chunk_rows;
  const field = (i: number, width: number): DataView => {
    const packed = bytes(row[`f${i}`], `${spec.table} field ${i}`);
    if (packed.byteLength !== count * width) throw new Error(`store columns: ${spec.table} field ${i} has the wrong size`);
    return new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  };

  // Row i of the chunk goes to place[i]: its rank in seq order (almost always i).
  const seqs = field(0, 8);
  let place: Int32Array | undefined;
  const seq = new Float64Array(count);
  let least = Infinity;
  for (let i = 0; i < count; i++) {
    seq[i] = Number(seqs.getBigInt64(i * 8));
    least = Math.min(least, seq[i]!);
    if (i > 0 && seq[i]! <= seq[i - 1]!) place = new Int32Array(0);
  }
  if (place) {
    const order = Int32Array.from({ length: count }, (_, i) => i).sort((a, b) => seq[a]! - seq[b]!);
    place = new Int32Array(count);
    order.forEach((i, k) => (place![i] = k));
  }
  const to = (i: number) => at + (place ? place[i]! : i);

  spec.fields.forEach((f, n) => {
    const target = targets[n]!;
    const view = field(n + 1, WIDTH[f.kind]);
    if (f.kind === 'ref') {
      if ('build' in target) {
        for (let i = 0; i < count; i++)
          if (!target.build.add(view.getInt32(i * 8), view.getInt32(i * 8 + 4), to(i))) throw new HashCollision();
      } else {
        const index = dimensions[f.dimension];
        if (!index) throw new Error(`store columns: no ${f.dimension} index yet`);
        for (let i = 0; i < count; i++) {
          const k = index.get(view.getInt32(i * 8), view.getInt32(i * 8 + 4));
          if (k < 0) throw new UnknownReference(spec.table, f.dimension);
          target[to(i)] = k;
        }
      }
    } else if ('build' in target) {
      throw new Error('store columns: only references build an index');
    } else if (f.kind === 'int4') {
      for (let i = 0; i < count; i++) target[to(i)] = view.getInt32(i * 4);
    } else if (f.kind === 'int8') {
      for (let i = 0; i < count; i++) target[to(i)] = Number(view.getBigInt64(i * 8));
    } else {
      for (let i = 0; i < count; i++) target[to(i)] = view.getUint8(i);
    }
  });
  if (!ids) return least;

  const text = bytes(row.chunk_ids, `${spec.table} ids`);
  const sizes = field(spec.fields.length + 1, 4);
  const lengths = new Int32Array(count);
  for (let i = 0; i < count; i++) lengths[to(i) - at] = sizes.getInt32(i * 4);
  if (!place) {
    ids.addBytes(text, lengths);
    return least;
  }
  // Out of seq order: the ids' bytes put in order too.
  const sorted = new Uint8Array(text.byteLength);
  const startOf = new Int32Array(count + 1);
  for (let k = 0; k < count; k++) startOf[k + 1] = startOf[k]! + lengths[k]!;
  let from = 0;
  for (let i = 0; i < count; i++) {
    const length = sizes.getInt32(i * 4);
    sorted.set(text.subarray(from, from + length), startOf[place[i]!]!);
    from += length;
  }
  ids.addBytes(sorted, lengths);
  return least;
}

/** A reference whose id is not in its dimension: only in a store written around its imports. */
class UnknownReference extends Error {
  constructor(
    readonly table: string,
    readonly dimension: Dimension,
  ) {
    super(`store columns: a row of ${table} refers to a ${dimension} that is not in the store`);
  }
}

interface ReadContext {
  readonly chunkSize: number;
  readonly utf8: boolean;
  readonly seed: number;
  readonly dimensions: Partial<Record<Dimension, HashIndex>>;
}

/** Rows of a table with seq in (after, until], which are rows [at, at + expected) of the result. */
interface Range {
  readonly after: string;
  readonly until: string;
  readonly at: number;
  readonly expected: number;
}

const AFTER_EVERY_SEQ = '9223372036854775807';

/** Reads a range of a table, chunk by chunk in seq order, into `targets` (one per field). */
async function readRange(
  tx: SqlClient,
  spec: TableSpec,
  targets: readonly Target[],
  ids: IdColumnBuilder | undefined,
  range: Range,
  read: ReadContext,
): Promise<void> {
  const sql = chunkQuery(spec, read.utf8);
  let last = range.after;
  let at = range.at;
  let previous = -Infinity;
  for (;;) {
    const [row] = await tx.query<ChunkRow>(sql, [last, read.chunkSize, read.seed, range.until]);
    const count = row?.chunk_rows ?? 0;
    if (!row || count === 0) break;
    if (row.chunk_unresolved > 0)
      throw new Error(`store columns: ${row.chunk_unresolved} lines of ${spec.table} have no fx rate for their month`);
    if (at + count > range.at + range.expected) throw new Error(`store columns: ${spec.table} grew while it was read`);
    const least = takeChunk(spec, row, targets, ids, at, read.dimensions);
    if (least <= previous) throw new Error(`store columns: ${spec.table} chunks overlap`);
    previous = Number(row.chunk_last);
    at += count;
    last = row.chunk_last!;
    if (count < read.chunkSize) break;
  }
  if (at !== range.at + range.expected)
    throw new Error(`store columns: read ${at - range.at} rows of ${spec.table}, expected ${range.expected}`);
}

/**
 * Reads a whole table: in one session, or halved between two (the second
 * session's ids appended after the first's).
 */
async function readTable(
  sessions: readonly SqlClient[],
  spec: TableSpec,
  targets: readonly Target[],
  ids: IdColumnBuilder | undefined,
  expected: number,
  read: ReadContext,
): Promise<void> {
  const whole: Range = { after: BEFORE_ANY_SEQ, until: AFTER_EVERY_SEQ, at: 0, expected };
  const half = Math.floor(expected / 2);
  if (sessions.length < 2 || half < read.chunkSize / 4) return readRange(sessions[0]!, spec, targets, ids, whole, read);
  // The seq of the last row of the first half.
  const [middle] = await sessions[1]!.query<{ middle: string }>(
    `SELECT seq::text AS middle FROM ${spec.table} ORDER BY seq OFFSET $1 LIMIT 1`,
    [half - 1],
  );
  const secondIds = ids ? new IdColumnBuilder(expected - half, (expected - half) * 8) : undefined;
  await Promise.all([
    readRange(sessions[0]!, spec, targets, ids, { ...whole, until: middle!.middle, expected: half }, read),
    readRange(
      sessions[1]!,
      spec,
      targets,
      secondIds,
      { after: middle!.middle, until: AFTER_EVERY_SEQ, at: half, expected: expected - half },
      read,
    ),
  ]);
  if (ids && secondIds) ids.addColumn(secondIds.build());
}

/**
 * Runs `fn` with the transaction's session and, on a server, a second one
 * reading the very same snapshot (pg_export_snapshot): two backends read at
 * once, one snapshot.
 */
async function withSessions<T>(db: SqlClient, tx: SqlClient, fn: (sessions: readonly SqlClient[]) => Promise<T>): Promise<T> {
  if ((db.sessions ?? 1) < 2) return fn([tx]);
  const [exported] = await tx.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let joined!: (session: SqlClient) => void;
  const second = new Promise<SqlClient>((resolve) => (joined = resolve));
  const running = db.transaction(async (other) => {
    await other.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await other.exec(`SET TRANSACTION SNAPSHOT '${exported!.snapshot.replace(/'/g, "''")}'`);
    joined(other);
    await released;
  });
  try {
    const other = await Promise.race([second, running.then(() => Promise.reject(new Error('store columns: the second session ended')))]);
    return await fn([tx, other]);
  } finally {
    release();
    await running.catch(() => undefined);
  }
}

interface Counts {
  readonly partners: number;
  readonly customers: number;
  readonly associations: number;
  readonly revenue: number;
  readonly people: number;
  readonly passes: number;
}

/** A small catalog (products, types, exams) with each value's hash under the seed. */
async function catalogIndex(tx: SqlClient, values: readonly string[], seed: number): Promise<HashIndex> {
  const index = new HashIndex(values.length);
  const rows = await tx.query<{ h: Uint8Array }>(
    'SELECT int8send(hashtextextended(v, $2)) AS h FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n',
    [values, seed],
  );
  rows.forEach(({ h }, i) => {
    const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
    if (!index.add(view.getInt32(0), view.getInt32(4), i)) throw new HashCollision();
  });
  return index;
}

/**
 * The store as DatasetColumns, exactly what `columnsOf(validateDataset(read()))`
 * holds (catalogs may be in another order). The store's records passed
 * validation when they were imported; only what depends on the program
 * (countries with a market, products, association types) is checked again
 * here, against `catalog`, since the program may differ from the one they
 * were imported under.
 */
export async function readColumns(db: SqlClient, catalog: Catalog, options: ColumnsOptions = {}): Promise<DatasetColumns> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunk size ${chunkSize} is not a positive integer`);
  for (let seed = 0; ; seed++) {
    try {
      return await readOnce(db, catalog, chunkSize, seed);
    } catch (error) {
      if (!(error instanceof HashCollision) || seed + 1 >= SEEDS) throw error;
    }
  }
}

async function readOnce(db: SqlClient, catalog: Catalog, chunkSize: number, seed: number): Promise<DatasetColumns> {
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const [counts] = await tx.query<Counts & { utf8: boolean }>(
      `SELECT (SELECT count(*) FROM partners)::int AS partners, (SELECT count(*) FROM customers)::int AS customers,
              (SELECT count(*) FROM associations)::int AS associations, (SELECT count(*) FROM revenue_lines)::int AS revenue,
              (SELECT count(*) FROM people)::int AS people, (SELECT count(*) FROM exam_passes)::int AS passes,
              current_setting('server_encoding') = 'UTF8' AS utf8`,
    );
    const n = counts!;
    const problems: Problem[] = [];

    // Partners: one row each (O(partners) strings), with the hash of their id, read in chunks too.
    const partners = { ids: [] as string[], names: [] as string[], countries: [] as string[], markets: [] as string[] };
    const partnerIndex = new HashIndex(n.partners);
    let last = BEFORE_ANY_SEQ;
    for (;;) {
      // (`after`, not `seq`: ORDER BY seq would sort by the text.)
      const rows = await tx.query<{ after: string; id: string; name: string; country: string; h: Uint8Array }>(
        `SELECT seq::text AS after, id, name, country, int8send(hashtextextended(id, $3)) AS h
           FROM partners WHERE seq > $1::bigint ORDER BY seq LIMIT $2`,
        [last, chunkSize, seed],
      );
      for (const { id, name, country, h } of rows) {
        const market = catalog.countries.get(country);
        if (market === undefined)
          problems.push(problem(`store: partners (id ${id})`, 'country', 'notMarketCountry', { field: 'country', value: quote(country) }));
        const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
        if (!partnerIndex.add(view.getInt32(0), view.getInt32(4), partners.ids.length)) throw new HashCollision();
        partners.ids.push(id);
        partners.names.push(name);
        partners.countries.push(country);
        partners.markets.push(market ?? '');
      }
      if (rows.length < chunkSize) break;
      last = rows.at(-1)!.after;
    }
    if (partners.ids.length !== n.partners) throw new Error('store columns: partners changed while read');

    // What depends on the program, checked as validation would: countries, products, association types.
    const distinct = async (column: string, table: string) =>
      (await tx.query<{ v: string }>(`SELECT DISTINCT ${column} AS v FROM ${table} ORDER BY 1`)).map((r) => r.v);
    for (const country of await distinct('country', 'customers'))
      if (!catalog.countries.has(country))
        problems.push(problem('store: customers', 'country', 'notMarketCountry', { field: 'country', value: quote(country) }));
    const types = await distinct('type', 'associations');
    for (const type of types)
      if (!catalog.associationTypes.has(type))
        problems.push(
          problem('store: associations', 'type', 'notAssociationType', {
            field: 'type',
            value: quote(type),
            types: [...catalog.associationTypes.keys()].join(', '),
          }),
        );
    if (problems.length > 0) throw invalidInput('store', problems);

    const products = [...catalog.products.keys()];
    const exams = await distinct('exam', 'exam_passes');
    const dimensions: Partial<Record<Dimension, HashIndex>> = {
      partner: partnerIndex,
      product: await catalogIndex(tx, products, seed),
      type: await catalogIndex(tx, types, seed),
      exam: await catalogIndex(tx, exams, seed),
    };
    const read: ReadContext = { chunkSize, utf8: counts!.utf8, seed, dimensions };

    try {
      return await withSessions(db, tx, async (sessions) => {
        dimensions.customer = new HashIndex(n.customers);
        await readTable(sessions, TABLES.customers, [{ build: dimensions.customer }], undefined, n.customers, read);

        const associations = {
          types,
          customer: new Int32Array(n.associations),
          partner: new Int32Array(n.associations),
          type: new Int32Array(n.associations),
          first: new Int32Array(n.associations),
          last: new Int32Array(n.associations),
        };
        const { customer, partner, type, first, last: lastDay } = associations;
        await readTable(sessions, TABLES.associations, [customer, partner, type, first, lastDay], undefined, n.associations, read);

        const revenue = {
          products,
          customer: new Int32Array(n.revenue),
          day: new Int32Array(n.revenue),
          product: new Int32Array(n.revenue),
          netNew: new Uint8Array(n.revenue),
          cents: new Float64Array(n.revenue),
        };
        const lineIds = new IdColumnBuilder(n.revenue, n.revenue * 8);
        await readTable(
          sessions,
          TABLES.revenue,
          [revenue.customer, revenue.day, revenue.product, revenue.netNew, revenue.cents],
          lineIds,
          n.revenue,
          read,
        );

        const people = { partner: new Int32Array(n.people) };
        const personIds = new IdColumnBuilder(n.people, n.people * 8);
        dimensions.person = new HashIndex(n.people);
        await readTable(sessions, TABLES.people, [people.partner, { build: dimensions.person }], personIds, n.people, read);

        const examPasses = { exams, person: new Int32Array(n.passes), exam: new Int32Array(n.passes), day: new Int32Array(n.passes) };
        await readTable(sessions, TABLES.examPasses, [examPasses.person, examPasses.exam, examPasses.day], undefined, n.passes, read);

        return {
          partners,
          customers: { count: n.customers },
          associations,
          revenue: { ...revenue, ids: lineIds.build() },
          people: { ...people, ids: personIds.build() },
          examPasses,
        };
      });
    } catch (error) {
      // A product outside the program: named as validation names it.
      if (error instanceof UnknownReference && error.dimension === 'product') {
        const unknown = (await distinct('product', 'revenue_lines')).filter((p) => !catalog.products.has(p));
        throw invalidInput(
          'store',
          unknown.map((product) => problem('store: revenue', 'product', 'notProgramProduct', { field: 'product', value: quote(product) })),
        );
      }
      throw error;
    }
  });
}
