/**
 * The whole store as columns (engine/evaluation/columns.ts), for evaluating
 * every partner without one JavaScript object per row.
 *
 * Each table is read in chunks of its pages (`ctid` ranges: a TID range
 * scan, the cheapest way through a heap, with no index and no sort). A
 * chunk comes back as one row through `COPY … (FORMAT binary)`: each field
 * of its rows packed big-endian in one bytea (int4send, int8send…), their
 * texts as one string and their byte lengths, so nothing is parsed or
 * allocated per row here and nothing is hex-encoded on the way. PostgreSQL
 * computes, per row, only what is cheap there: day numbers, the cents of
 * lines in US dollars (`amount × 100` rounded half away from zero, the
 * engine's rule with a rate of one) and a 64-bit hash of every id or code a
 * row refers to (hashtextextended). Lines in another currency come with
 * their amount as text and are converted here by the engine's own function
 * at their month's rate (`textToUsdCents`, what validation does): the join
 * to the rates cost the server more than the rest of the line.
 *
 * Rows carry their seq: a chunk gives them in the heap's order, which is
 * seq order until an import updates a row (its new version lands elsewhere);
 * they are put back in seq order here, so the result is `read`'s order.
 * Dense indexes are the seq order of partners, customers and people; a
 * reference becomes its dense index by looking its hash up in a table built
 * from those rows. Why hashes rather than joins: PostgreSQL would hash the
 * whole dimension again for every chunk, and a lookup here costs tens of
 * nanoseconds. The mapping stays exact: the hashes of each dimension's ids
 * are checked to be distinct (another seed is taken in the astronomically
 * rare case they are not), and a reference whose hash is not in its
 * dimension is an error. Small catalogs (countries of customers, association
 * types, products, exams) are numbered as their hashes first appear, and
 * named afterwards from one row each (by seq, through its index).
 *
 * Everything is read in one REPEATABLE READ transaction: one snapshot, even
 * while an import commits. On a server, several connections (three) take chunks
 * in turn on that same exported snapshot. What is read does not depend on the
 * program (`StoreColumns`); `withCatalog` then checks it against the program
 * as validation would and numbers its catalogs as `columnsOf` does. That
 * split is what lets an embedded store keep the columns in a file between
 * runs (snapshot.ts).
 */
import {
  IdColumn,
  isoDateOf,
  monthOf,
  NEVER,
  parseDecimal,
  problem,
  quote,
  textToUsdCents,
  type Catalog,
  type DatasetColumns,
  type Decimal,
  type Problem,
} from '../engine/index.js';
import { invalidInput } from '../i18n/index.js';
import type { SqlClient } from './sql.js';

export interface ColumnsOptions {
  /** Rows per chunk, about (default 500,000): the most one chunk holds in memory, on the server and here. */
  readonly chunkSize?: number | undefined;
  /**
   * Connections reading at once on a server (default 3, at most the pool's size, one left for the
   * API's queries): on two cores two would do when nothing else runs; on a shared machine each more
   * backend takes its share. PGlite reads on one.
   */
  readonly sessions?: number | undefined;
  /** Whether an embedded store may answer from its columnar snapshot and write it (default true; snapshot.ts). */
  readonly snapshot?: boolean | undefined;
  /** Whether a table's seqs may carry a field when they fit in 31 bits (default true; false for the tests of larger seqs). */
  readonly packSeqs?: boolean | undefined;
}

const DEFAULT_CHUNK = 500_000;
const DEFAULT_SESSIONS = 3;
/** Seeds of hashtextextended tried in turn should two ids of one dimension ever share a hash. */
const SEEDS = 4;
/** Rows per page assumed for a table without statistics (PGlite has no autovacuum). */
const ROWS_PER_PAGE = 60;

/**
 * The store as read, before any program: what `withCatalog` turns into
 * DatasetColumns and what the snapshot (snapshot.ts) keeps. Catalog
 * values (association types, products, exams) are numbered in no
 * particular order; references to partners, customers and people are dense
 * indexes in seq order.
 */
export type StoreColumns = Omit<DatasetColumns, 'partners' | 'customers' | 'revenue' | 'people'> & {
  /** Partners before any program: no markets yet. */
  readonly partners: Omit<DatasetColumns['partners'], 'markets'>;
  /** How many customers, and their countries (each once), for `withCatalog` to check against the market table. */
  readonly customers: DatasetColumns['customers'] & { readonly countries: readonly string[] };
  /** Ids packed as read (the snapshot writes them as they are). */
  readonly revenue: DatasetColumns['revenue'] & { readonly ids: IdColumn };
  readonly people: DatasetColumns['people'] & { readonly ids: IdColumn };
};

/**
 * 64-bit hashes of a dimension's ids → their dense index: open addressing,
 * each slot's hash halves and index side by side (one cache line a probe).
 */
export class HashIndex {
  /** Per slot: high half, low half, dense index + 1 (0: empty), unused. */
  private table: Int32Array;
  private mask: number;
  private count = 0;

  constructor(size: number) {
    let capacity = 16;
    while (capacity < size * 2) capacity *= 2;
    this.table = new Int32Array(capacity * 4);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** False when the hash is there already: two ids of the dimension share it. Grows past half full. */
  add(high: number, low: number, index: number): boolean {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const t = this.table;
    let s = this.slot(high, low);
    while (t[s * 4 + 2] !== 0) {
      if (t[s * 4] === high && t[s * 4 + 1] === low) return false;
      s = (s + 1) & this.mask;
    }
    t[s * 4] = high;
    t[s * 4 + 1] = low;
    t[s * 4 + 2] = index + 1;
    this.count++;
    return true;
  }

  /** The dense index of the id with this hash; -1 when none has it. */
  get(high: number, low: number): number {
    const t = this.table;
    let s = this.slot(high, low);
    for (;;) {
      const v = t[s * 4 + 2]!;
      if (v === 0) return -1;
      if (t[s * 4] === high && t[s * 4 + 1] === low) return v - 1;
      s = (s + 1) & this.mask;
    }
  }

  private slot(high: number, low: number): number {
    return (low ^ Math.imul(high, 0x9e3779b1)) & this.mask;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = (old.length / 4) * 2 - 1;
    this.count = 0;
    for (let s = 0; s < old.length; s += 4) if (old[s + 2] !== 0) this.add(old[s]!, old[s + 1]!, old[s + 2]! - 1);
  }
}

/** The dimensions a row may refer to, and the small catalogs numbered as they come. */
export type Dimension = 'partner' | 'customer' | 'person';
type Code = 'country' | 'type' | 'product' | 'exam';

/**
 * A field of a chunk: int4; a reference (its id's hash, made a dense index
 * once its dimension is read); a row's own id hashed (which builds its
 * dimension); a catalog code (hashed, numbered here); text (every row's,
 * and their byte lengths); a line's cents and net-new flag.
 */
type Field =
  | { readonly kind: 'int4' | 'text'; readonly sql: string }
  | { readonly kind: 'ref' | 'own'; readonly sql: string; readonly dimension: Dimension }
  | { readonly kind: 'code'; readonly column: string; readonly code: Code }
  | { readonly kind: 'cents' };

interface TableSpec {
  readonly table: string;
  readonly fields: readonly Field[];
}

const DAY = (column: string) => `${column} - DATE '1970-01-01'`;

/** A line in another currency than the dollar, converted here: -2^62 (high half -2^30, low half 0) plus its flag. Never real cents. */
const CONVERT_HERE = '-4611686018427387904';
const CONVERT_HERE_HIGH = -(2 ** 30);

const TABLES = {
  partners: {
    table: 'partners',
    fields: [
      { kind: 'own', sql: 'x.id', dimension: 'partner' },
      { kind: 'text', sql: 'x.id' },
      { kind: 'text', sql: 'x.name' },
      { kind: 'text', sql: 'x.country' },
    ],
  },
  customers: {
    table: 'customers',
    fields: [
      { kind: 'own', sql: 'x.id', dimension: 'customer' },
      { kind: 'code', column: 'country', code: 'country' },
    ],
  },
  people: {
    table: 'people',
    fields: [
      { kind: 'ref', sql: 'x.partner_id', dimension: 'partner' },
      { kind: 'own', sql: 'x.id', dimension: 'person' },
      { kind: 'text', sql: 'x.id' },
    ],
  },
  revenue: {
    table: 'revenue_lines',
    fields: [
      { kind: 'ref', sql: 'x.customer_id', dimension: 'customer' },
      { kind: 'int4', sql: DAY('x.date') },
      { kind: 'code', column: 'product', code: 'product' },
      { kind: 'cents' },
      { kind: 'text', sql: 'x.id' },
    ],
  },
  examPasses: {
    table: 'exam_passes',
    fields: [
      { kind: 'ref', sql: 'x.person_id', dimension: 'person' },
      { kind: 'code', column: 'exam', code: 'exam' },
      { kind: 'int4', sql: DAY('x.date') },
    ],
  },
  associations: {
    table: 'associations',
    fields: [
      { kind: 'ref', sql: 'x.customer_id', dimension: 'customer' },
      { kind: 'ref', sql: 'x.partner_id', dimension: 'partner' },
      { kind: 'code', column: 'type', code: 'type' },
      { kind: 'int4', sql: DAY('x.start_date') },
      { kind: 'int4', sql: `coalesce(${DAY('x.end_date')}, ${NEVER})` },
    ],
  },
} satisfies Record<string, TableSpec>;

type TableName = keyof typeof TABLES;
/** In the order chunks are handed out: dimensions first, then the largest tables (the last chunks even out the sessions). */
const READ_ORDER: readonly TableName[] = ['partners', 'customers', 'people', 'revenue', 'examPasses', 'associations'];
const DIMENSION_TABLE: Record<Dimension, TableName> = { partner: 'partners', customer: 'customers', person: 'people' };

const bytea = (expression: string) => `string_agg(${expression}, ''::bytea)`;

/** The aggregates of a field: one, or two for text (the bytes, the lengths) and cents (the cents, the other currencies' amounts). */
function aggregates(field: Field, utf8: boolean, seed: number): string[] {
  switch (field.kind) {
    case 'int4':
      return [bytea(`int4send((${field.sql})::int4)`)];
    case 'ref':
    case 'own':
      return [bytea(`int8send(hashtextextended(${field.sql}, ${seed}))`)];
    case 'code':
      return [bytea(`int8send(hashtextextended(x.${field.column}, ${seed}))`)];
    case 'text':
      // Text goes out in the client's encoding (UTF-8); lengths are counted in the server's.
      return utf8
        ? [`string_agg(${field.sql}, '')`, bytea(`int4send(octet_length(${field.sql}))`)]
        : [`convert_to(string_agg(${field.sql}, ''), 'UTF8')`, bytea(`int4send(octet_length(convert_to(${field.sql}, 'UTF8')))`)];
    case 'cents':
      // Twice the cents plus the net-new flag, in one int8. Dollars: amount × 100 rounded half away from zero (the
      // bigint cast), the engine's rule at a rate of one. Other currencies: their amount and currency come as text,
      // converted here at the month's rate (`Rates`).
      return [
        bytea(`int8send(CASE WHEN x.currency = 'USD' THEN (x.amount * 100)::bigint * 2 ELSE ${CONVERT_HERE}::bigint END + x.net_new::int)`),
        `string_agg(x.amount::text || ' ' || x.currency, ' ') FILTER (WHERE x.currency <> 'USD')`,
      ];
  }
}

/** The query of one chunk: rows on pages [from, to) of the table (to the end when `to` is undefined), as one row. */
function chunkQuery(spec: TableSpec, utf8: boolean, seed: number, from: number, to: number | undefined, pack: boolean): string {
  const packed = pack ? packedField(spec) : undefined;
  const fields = spec.fields.flatMap((f) => (f === packed ? [] : aggregates(f, utf8, seed)));
  const pages = `x.ctid >= '(${from},0)'::tid${to === undefined ? '' : ` AND x.ctid < '(${to},0)'::tid`}`;
  // The seq, and when the table's seqs are below 2^31, its first int4 field in the same int8: one field fewer a row.
  const seq = packed?.kind === 'int4' ? `(x.seq << 32) | ((${packed.sql})::int8 & 4294967295)` : 'x.seq';
  return `SELECT count(*)::int4, ${bytea(`int8send(${seq})`)}, ${fields.join(', ')} FROM ${spec.table} x WHERE ${pages}`;
}

/** The field a table's seq can carry in its low half: its first int4 (a day). */
function packedField(spec: TableSpec): Field | undefined {
  return spec.fields.find((f) => f.kind === 'int4');
}

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];

/** The tuples of COPY's binary format: each field's bytes, null for NULL. */
export function copyTuples(bytes: Uint8Array): (Uint8Array | null)[][] {
  const broken = () => new Error('store columns: COPY gave malformed binary output');
  if (bytes.length < 19 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw broken();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 15;
  at += 4 + view.getInt32(at);
  const tuples: (Uint8Array | null)[][] = [];
  for (;;) {
    if (at + 2 > bytes.length) throw broken();
    const count = view.getInt16(at);
    at += 2;
    if (count === -1) return tuples;
    const fields: (Uint8Array | null)[] = [];
    for (let f = 0; f < count; f++) {
      if (at + 4 > bytes.length) throw broken();
      const length = view.getInt32(at);
      at += 4;
      if (length < 0) {
        fields.push(null);
        continue;
      }
      if (at + length > bytes.length) throw broken();
      fields.push(bytes.subarray(at, at + length));
      at += length;
    }
    tuples.push(fields);
  }
}

/** Texts of a chunk's rows: their UTF-8 bytes one after the other, and each one's length. */
interface Texts {
  readonly bytes: Uint8Array;
  readonly lengths: Int32Array;
}

/** Hashes of references not yet made dense indexes (their dimension was still being read), as pairs (high, low). */
class Pairs {
  constructor(readonly pairs: Int32Array) {}
}

/** A line's cents and its net-new flag. */
interface Cents {
  readonly cents: Float64Array;
  readonly netNew: Uint8Array;
}

type Value = Int32Array | Pairs | Texts | Cents;

/** One chunk, decoded: its rows' seqs (whether in order), and per field its values. */
interface Chunk {
  readonly rows: number;
  readonly seq: Float64Array;
  readonly ordered: boolean;
  readonly values: readonly Value[];
}

class HashCollision extends Error {}

/** A reference whose id is not in its dimension: only in a store written around its imports. */
class UnknownReference extends Error {
  constructor(table: string, dimension: Dimension) {
    super(`store columns: a row of ${table} refers to a ${dimension} that is not in the store`);
  }
}

/** A small catalog numbered as its values' hashes appear; each named later from the first row that had it. */
class Codes {
  readonly index = new HashIndex(16);
  readonly firstSeq: number[] = [];
  names: string[] = [];

  constructor(
    readonly table: string,
    readonly column: string,
  ) {}

  number(high: number, low: number, seq: number): number {
    const known = this.index.get(high, low);
    if (known >= 0) return known;
    const next = this.firstSeq.length;
    this.index.add(high, low, next);
    this.firstSeq.push(seq);
    return next;
  }
}

/** Fx rates by currency and month; each currency's rate per day met, kept. */
class Rates {
  private readonly byDay = new Map<string, Map<number, Decimal | null>>();
  unresolved = 0;

  constructor(private readonly rates: ReadonlyMap<string, Decimal>) {}

  /** The line's cents at its month's rate, by the engine's rule; undefined (counted) when the month has no rate. */
  cents(amount: string, currency: string, day: number): number | undefined {
    let days = this.byDay.get(currency);
    if (!days) this.byDay.set(currency, (days = new Map()));
    let rate = days.get(day);
    if (rate === undefined) days.set(day, (rate = this.rates.get(`${currency}\u0000${monthOf(isoDateOf(day))}`) ?? null));
    if (!rate) {
      this.unresolved++;
      return undefined;
    }
    const cents = textToUsdCents(amount, rate);
    if (cents === undefined) throw new Error(`store columns: a line's amount ${amount} is not a decimal`);
    return cents;
  }
}

/** An int8 from its two halves: exact below 2^53, as seqs and cents are. */
const int64 = (high: number, low: number) => high * 4294967296 + (low >>> 0);

function view(bytes: Uint8Array | null | undefined, size: number): DataView {
  if (size === 0 && !bytes) return new DataView(new ArrayBuffer(0));
  if (!bytes || bytes.byteLength !== size) throw new Error('store columns: a chunk field has the wrong size');
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// One small function per kind of field: each loop sees one kind of array.

function int32s(bytes: Uint8Array | null, rows: number): Int32Array {
  const v = view(bytes, rows * 4);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = v.getInt32(i * 4);
  return out;
}

function pairs(bytes: Uint8Array | null, rows: number): Int32Array {
  return int32s(bytes, rows * 2);
}

function references(bytes: Uint8Array | null, rows: number, index: HashIndex, table: string, dimension: Dimension): Int32Array {
  const v = view(bytes, rows * 8);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const k = index.get(v.getInt32(i * 8), v.getInt32(i * 8 + 4));
    if (k < 0) throw new UnknownReference(table, dimension);
    out[i] = k;
  }
  return out;
}

function resolvePairs(p: Int32Array, index: HashIndex, table: string, dimension: Dimension): Int32Array {
  const out = new Int32Array(p.length / 2);
  for (let i = 0; i < out.length; i++) {
    const k = index.get(p[i * 2]!, p[i * 2 + 1]!);
    if (k < 0) throw new UnknownReference(table, dimension);
    out[i] = k;
  }
  return out;
}

function codeNumbers(bytes: Uint8Array | null, rows: number, codes: Codes, seq: Float64Array): Int32Array {
  const v = view(bytes, rows * 8);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = codes.number(v.getInt32(i * 8), v.getInt32(i * 8 + 4), seq[i]!);
  return out;
}

function seqs(bytes: Uint8Array | null, rows: number, packed: boolean): { seq: Float64Array; ordered: boolean; low?: Int32Array } {
  const v = view(bytes, rows * 8);
  const seq = new Float64Array(rows);
  let ordered = true;
  if (packed) {
    const low = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      seq[i] = v.getInt32(i * 8);
      low[i] = v.getInt32(i * 8 + 4);
      if (i > 0 && !(seq[i]! > seq[i - 1]!)) ordered = false;
    }
    return { seq, ordered, low };
  }
  for (let i = 0; i < rows; i++) {
    seq[i] = int64(v.getInt32(i * 8), v.getInt32(i * 8 + 4));
    if (i > 0 && !(seq[i]! > seq[i - 1]!)) ordered = false;
  }
  return { seq, ordered };
}

function texts(bytes: Uint8Array | null, lengthBytes: Uint8Array | null, rows: number, table: string): Texts {
  const lengths = int32s(lengthBytes, rows);
  let total = 0;
  for (let i = 0; i < rows; i++) total += lengths[i]!;
  if (total !== (bytes?.length ?? 0)) throw new Error(`store columns: ${table} texts do not add up`);
  return { bytes: bytes ? bytes.slice() : new Uint8Array(0), lengths };
}

function centsOf(bytes: Uint8Array | null, others: Uint8Array | null, rows: number, day: Int32Array, rates: Rates): Cents {
  const v = view(bytes, rows * 8);
  const words = others ? Buffer.from(others.buffer, others.byteOffset, others.byteLength).toString('latin1').split(' ') : [];
  const cents = new Float64Array(rows);
  const netNew = new Uint8Array(rows);
  let w = 0;
  for (let i = 0; i < rows; i++) {
    const high = v.getInt32(i * 8);
    const low = v.getInt32(i * 8 + 4);
    const flag = low & 1;
    netNew[i] = flag;
    if (high === CONVERT_HERE_HIGH && low >>> 1 === 0) {
      const amount = words[w++];
      const currency = words[w++];
      if (amount === undefined || currency === undefined)
        throw new Error('store columns: a line in another currency came without its amount');
      cents[i] = rates.cents(amount, currency, day[i]!) ?? 0;
    } else {
      // Half of (twice the cents + flag): the 64-bit value shifted right by one, from its halves.
      cents[i] = int64(high >> 1, ((low >>> 1) | ((high & 1) << 31)) >>> 0) + 0;
    }
  }
  if (w !== words.length) throw new Error('store columns: amounts in other currencies do not match their lines');
  return { cents, netNew };
}

/** What decoding a chunk needs: the catalogs, the rates, and the dimensions read so far. */
interface Decoding {
  readonly codes: Record<Code, Codes>;
  readonly rates: Rates;
  readonly dimensions: Partial<Record<Dimension, HashIndex>>;
}

/** Decodes one chunk's tuple: codes numbered, other currencies converted, references resolved when their dimension is read. */
function decodeChunk(spec: TableSpec, tuple: readonly (Uint8Array | null)[], d: Decoding, pack: boolean): Chunk {
  const rows = view(tuple[0], 4).getInt32(0);
  const packed = pack ? packedField(spec) : undefined;
  const { seq, ordered, low } = seqs(tuple[1]!, rows, packed !== undefined);
  let next = 2;
  let day: Int32Array | undefined;
  const values = spec.fields.map((field): Value => {
    switch (field.kind) {
      case 'int4': {
        const out = field === packed ? low! : int32s(tuple[next++]!, rows);
        day ??= out; // a line's day (revenue's only int4), for converting its amount
        return out;
      }
      case 'own':
        return pairs(tuple[next++]!, rows);
      case 'ref': {
        const index = d.dimensions[field.dimension];
        return index ? references(tuple[next++]!, rows, index, spec.table, field.dimension) : new Pairs(pairs(tuple[next++]!, rows));
      }
      case 'code':
        return codeNumbers(tuple[next++]!, rows, d.codes[field.code], seq);
      case 'text':
        next += 2;
        return texts(tuple[next - 2]!, tuple[next - 1]!, rows, spec.table);
      case 'cents':
        next += 2;
        return centsOf(tuple[next - 2]!, tuple[next - 1]!, rows, day!, d.rates);
    }
  });
  if (next !== tuple.length) throw new Error(`store columns: ${spec.table} chunk has ${tuple.length} fields, expected ${next}`);
  return { rows, seq, ordered, values };
}

/**
 * Each row's place in seq order, from the seqs in the order rows came;
 * undefined when they came in order. An import that updates a row moves it
 * (its new version lands on another page), so a few rows out of place are
 * usual. Seqs are unique, and dense but for the gaps imports leave: placed
 * by a table of the seq range when it is not much larger than the rows,
 * else by sorting. Exported for the tests.
 */
export function seqRanks(seq: Float64Array): Int32Array | undefined {
  let ordered = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < seq.length; i++) {
    const s = seq[i]!;
    if (i > 0 && !(s > seq[i - 1]!)) ordered = false;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  if (ordered) return undefined;
  const duplicate = () => new Error('store columns: two rows share a seq');
  const rank = new Int32Array(seq.length);
  const range = max - min + 1;
  if (range <= 4 * seq.length + 1024) {
    const row = new Int32Array(range).fill(-1);
    for (let i = 0; i < seq.length; i++) {
      const k = seq[i]! - min;
      if (row[k] !== -1) throw duplicate();
      row[k] = i;
    }
    let r = 0;
    for (let k = 0; k < range; k++) if (row[k]! >= 0) rank[row[k]!] = r++;
    return rank;
  }
  const sorted = Float64Array.from(seq).sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) throw duplicate();
  let guess = 0;
  for (let i = 0; i < seq.length; i++) {
    const s = seq[i]!;
    let k = guess;
    if (sorted[k] !== s) {
      let lo = 0;
      let hi = sorted.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid]! < s) lo = mid + 1;
        else hi = mid;
      }
      k = lo;
    }
    rank[i] = k;
    guess = k + 1;
  }
  return rank;
}

/** A permutation as runs of rows that keep their order: rows [from, from + length) go to [to, to + length). */
interface Runs {
  readonly from: number[];
  readonly to: number[];
  readonly length: number[];
}

function runsOf(rank: Int32Array): Runs {
  const runs: Runs = { from: [], to: [], length: [] };
  for (let i = 0; i < rank.length;) {
    let end = i + 1;
    while (end < rank.length && rank[end] === rank[end - 1]! + 1) end++;
    runs.from.push(i);
    runs.to.push(rank[i]!);
    runs.length.push(end - i);
    i = end;
  }
  return runs;
}

type Numbers = Int32Array | Uint8Array | Float64Array;

/** The parts one after the other (the part itself when there is one). */
function concat<T extends Numbers>(parts: readonly T[], make: (length: number) => T): T {
  if (parts.length === 1) return parts[0]!;
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The parts one after the other, in seq order. */
function place<T extends Numbers>(parts: readonly T[], make: (length: number) => T, runs: Runs | undefined, width = 1): T {
  const whole = concat(parts, make);
  if (!runs) return whole;
  const out = make(whole.length);
  for (let r = 0; r < runs.from.length; r++)
    out.set(whole.subarray(runs.from[r]! * width, (runs.from[r]! + runs.length[r]!) * width), runs.to[r]! * width);
  return out;
}

function placeTexts(parts: readonly Texts[], runs: Runs | undefined): IdColumn {
  const bytes = concat(
    parts.map((p) => p.bytes),
    (n) => new Uint8Array(n),
  );
  const lengths = concat(
    parts.map((p) => p.lengths),
    (n) => new Int32Array(n),
  );
  const rows = lengths.length;
  const offsets = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) offsets[i + 1] = offsets[i]! + lengths[i]!;
  if (!runs) return new IdColumn(bytes, offsets);
  const placed = new Int32Array(rows + 1);
  for (let r = 0; r < runs.from.length; r++)
    for (let k = 0; k < runs.length[r]!; k++) placed[runs.to[r]! + k + 1] = lengths[runs.from[r]! + k]!;
  for (let i = 0; i < rows; i++) placed[i + 1] = placed[i + 1]! + placed[i]!;
  const out = new Uint8Array(bytes.length);
  for (let r = 0; r < runs.from.length; r++) {
    const from = runs.from[r]!;
    out.set(bytes.subarray(offsets[from]!, offsets[from + runs.length[r]!]!), placed[runs.to[r]!]!);
  }
  return new IdColumn(out, placed);
}

/** A table in seq order: per field, its array (dense indexes for references, hash pairs for own ids), texts, or cents. */
interface Table {
  readonly rows: number;
  readonly values: readonly (Int32Array | IdColumn | Cents)[];
}

const int32Array = (n: number) => new Int32Array(n);

/** A table's chunks put together in seq order; references whose dimension was not read yet when they came resolved now. */
function assemble(spec: TableSpec, chunks: readonly Chunk[], dimensions: Partial<Record<Dimension, HashIndex>>): Table {
  const rows = chunks.reduce((n, c) => n + c.rows, 0);
  // In order when each chunk is, and each starts after the one before: almost always, and then no seq is copied.
  let ordered = true;
  let last = -Infinity;
  for (const c of chunks) {
    if (!c.ordered || (c.rows > 0 && !(c.seq[0]! > last))) ordered = false;
    if (c.rows > 0) last = c.seq[c.rows - 1]!;
  }
  const rank = ordered
    ? undefined
    : seqRanks(
        concat(
          chunks.map((c) => c.seq),
          (n) => new Float64Array(n),
        ),
      );
  const runs = rank && runsOf(rank);
  const values = spec.fields.map((field, f) => {
    const parts = chunks.map((c) => c.values[f]!);
    switch (field.kind) {
      case 'text':
        return placeTexts(parts as Texts[], runs);
      case 'cents': {
        const cents = parts as Cents[];
        return {
          cents: place(
            cents.map((c) => c.cents),
            (n) => new Float64Array(n),
            runs,
          ),
          netNew: place(
            cents.map((c) => c.netNew),
            (n) => new Uint8Array(n),
            runs,
          ),
        };
      }
      case 'own':
        return place(parts as Int32Array[], int32Array, runs, 2);
      case 'ref': {
        const index = dimensions[field.dimension]!;
        const resolved = (parts as (Int32Array | Pairs)[]).map((p) =>
          p instanceof Pairs ? resolvePairs(p.pairs, index, spec.table, field.dimension) : p,
        );
        return place(resolved, int32Array, runs);
      }
      default:
        return place(parts as Int32Array[], int32Array, runs);
    }
  });
  return { rows, values };
}

/** A dimension's index: each row's own id hash → its place. */
function dimensionOf(own: Int32Array, rows: number): HashIndex {
  const index = new HashIndex(rows);
  for (let i = 0; i < rows; i++) if (!index.add(own[i * 2]!, own[i * 2 + 1]!, i)) throw new HashCollision();
  return index;
}

/**
 * Runs `fn` with the transaction's session and, on a server, `count - 1`
 * more reading the very same snapshot (pg_export_snapshot): several
 * backends read at once, one snapshot.
 */
export async function withSessions<T>(
  db: SqlClient,
  tx: SqlClient,
  count: number,
  fn: (sessions: readonly SqlClient[]) => Promise<T>,
): Promise<T> {
  if (count < 2) return fn([tx]);
  const [exported] = await tx.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const others = Array.from({ length: count - 1 }, () => {
    let joined!: (session: SqlClient) => void;
    const session = new Promise<SqlClient>((resolve) => (joined = resolve));
    const running = db.transaction(async (other) => {
      await other.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await other.exec(`SET TRANSACTION SNAPSHOT '${exported!.snapshot.replace(/'/g, "''")}'`);
      await other.exec('SET LOCAL jit = off');
      joined(other);
      await released;
    });
    return { session, running };
  });
  try {
    const sessions = await Promise.all(
      others.map(({ session, running }) =>
        Promise.race([session, running.then(() => Promise.reject(new Error('store columns: a reading session ended')))]),
      ),
    );
    return await fn([tx, ...sessions]);
  } finally {
    release();
    await Promise.all(others.map(({ running }) => running.catch(() => undefined)));
  }
}

/**
 * Where a stamp of the store's threshold data is read: the last threshold import batch (its id and when), '' before
 * any. A scoring import's batch (kind 'scoring') changes no threshold column, so it leaves the stamp and the snapshot as they are.
 */
export const DATA_STAMP_SQL = `SELECT coalesce((SELECT id::text || '@' || imported_at::text FROM import_batches WHERE kind = 'threshold' ORDER BY id DESC LIMIT 1), '') AS stamp`;

/** Reads the store's data as StoreColumns, and the data stamp of the snapshot it was read in. */
export async function readStoreColumns(db: SqlClient, options: ColumnsOptions = {}): Promise<{ columns: StoreColumns; stamp: string }> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunk size ${chunkSize} is not a positive integer`);
  const sessions = Math.max(1, Math.min(options.sessions ?? DEFAULT_SESSIONS, db.sessions ?? 1));
  for (let seed = 0; ; seed++) {
    try {
      return await readOnce(db, chunkSize, sessions, seed, options.packSeqs ?? true);
    } catch (error) {
      if (!(error instanceof HashCollision) || seed + 1 >= SEEDS) throw error;
    }
  }
}

async function readOnce(
  db: SqlClient,
  chunkSize: number,
  sessionCount: number,
  seed: number,
  packSeqs: boolean,
): Promise<{ columns: StoreColumns; stamp: string }> {
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    // A server compiles big statements by default (JIT): a tenth of a second each, for nothing here.
    if (db.sessions) await tx.exec('SET LOCAL jit = off');
    const [stamp] = await tx.query<{ stamp: string }>(DATA_STAMP_SQL);
    const names = READ_ORDER.map((t) => TABLES[t].table);
    const [info] = await tx.query<{ utf8: boolean; pages: number[]; tuples: number[] }>(
      `SELECT current_setting('server_encoding') = 'UTF8' AS utf8,
              array_agg((pg_relation_size(c.oid) / current_setting('block_size')::int)::int4 ORDER BY t.n) AS pages,
              array_agg(CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages ELSE 0 END::float8 ORDER BY t.n) AS tuples
         FROM unnest($1::text[]) WITH ORDINALITY AS t(name, n) JOIN pg_class c ON c.oid = t.name::regclass`,
      [names],
    );
    // Tables whose seqs all fit in 31 bits carry a field in each seq's low half.
    const [maxSeq] = await tx.query<Record<string, string>>(
      `SELECT ${READ_ORDER.map((t) => `(SELECT coalesce(max(seq), 0) FROM ${TABLES[t].table})::text AS "${t}"`).join(', ')}`,
    );
    const pack = (name: TableName) => packSeqs && Number(maxSeq![name]) < 2 ** 31;
    const rateRows = await tx.query<{ currency: string; month: string; rate: string }>(
      'SELECT currency, month, usd_per_unit::text AS rate FROM fx_rates',
    );
    const decoding: Decoding = {
      rates: new Rates(new Map(rateRows.map((r) => [`${r.currency}\u0000${r.month}`, parseDecimal(r.rate)!]))),
      codes: {
        country: new Codes('customers', 'country'),
        type: new Codes('associations', 'type'),
        product: new Codes('revenue_lines', 'product'),
        exam: new Codes('exam_passes', 'exam'),
      },
      dimensions: {},
    };

    // Every chunk of every table, handed out in turn to the sessions.
    const counts = {} as Record<TableName, number>;
    const work = READ_ORDER.flatMap((name, t) => {
      const pages = Number(info!.pages[t] ?? 0);
      const perPage = Number(info!.tuples[t]) || ROWS_PER_PAGE;
      const step = Math.max(1, Math.floor(chunkSize / perPage));
      const count = (counts[name] = Math.max(1, Math.ceil(pages / step)));
      return Array.from({ length: count }, (_, k) => ({
        name,
        k,
        sql: chunkQuery(TABLES[name], info!.utf8, seed, k * step, k + 1 < count ? (k + 1) * step : undefined, pack(name)),
      }));
    });
    const chunks = Object.fromEntries(READ_ORDER.map((name) => [name, [] as Chunk[]])) as Record<TableName, Chunk[]>;
    const arrived = Object.fromEntries(READ_ORDER.map((name) => [name, 0])) as Record<TableName, number>;
    const tables: Partial<Record<TableName, Table>> = {};
    const complete = (name: TableName) => arrived[name] === counts[name];
    // A dimension put together as soon as its chunks (and those of the dimensions it refers to) are in: later chunks resolve on arrival.
    const dimensions = (): void => {
      for (const [dimension, name] of Object.entries(DIMENSION_TABLE) as [Dimension, TableName][]) {
        const spec = TABLES[name];
        const refs = spec.fields.flatMap((f) => (f.kind === 'ref' ? [f.dimension] : []));
        if (tables[name] || !complete(name) || refs.some((r) => !decoding.dimensions[r])) continue;
        const table = (tables[name] = assemble(spec, chunks[name], decoding.dimensions));
        const own = spec.fields.findIndex((f) => f.kind === 'own');
        decoding.dimensions[dimension] = dimensionOf(table.values[own] as Int32Array, table.rows);
      }
    };
    await withSessions(db, tx, sessionCount, async (sessions) => {
      let next = 0;
      let failed: unknown;
      await Promise.all(
        sessions.map(async (session) => {
          if (!session.copyTo) throw new Error('store columns: this engine cannot COPY');
          while (next < work.length && failed === undefined) {
            const { name, k, sql } = work[next++]!;
            try {
              const [tuple, ...more] = copyTuples(await session.copyTo(sql));
              if (!tuple || more.length > 0) throw new Error(`store columns: a chunk of ${name} is not one row`);
              chunks[name][k] = decodeChunk(TABLES[name], tuple, decoding, pack(name));
              arrived[name]++;
              dimensions();
            } catch (error) {
              failed ??= error;
            }
          }
        }),
      );
      if (failed !== undefined) throw failed;
    });
    const { rates, codes } = decoding;
    if (rates.unresolved > 0) throw new Error(`store columns: ${rates.unresolved} lines of revenue_lines have no fx rate for their month`);

    // Each catalog value named from the first row that had it.
    for (const c of Object.values(codes)) {
      if (c.firstSeq.length === 0) continue;
      const rows = await tx.query<{ seq: string; v: string }>(
        `SELECT seq::text AS seq, ${c.column} AS v FROM ${c.table} WHERE seq = ANY($1::bigint[])`,
        [c.firstSeq.map(String)],
      );
      const bySeq = new Map(rows.map((r) => [Number(r.seq), r.v]));
      c.names = c.firstSeq.map((s) => {
        const name = bySeq.get(s);
        if (name === undefined) throw new Error(`store columns: row ${s} of ${c.table} is gone`);
        return name;
      });
    }
    const table = (name: TableName) => (tables[name] ??= assemble(TABLES[name], chunks[name], decoding.dimensions));
    const strings = (column: IdColumn) => Array.from({ length: column.length }, (_, i) => column.get(i));
    const [p, c, pe, r, x, a] = READ_ORDER.map(table) as [Table, Table, Table, Table, Table, Table];
    const line = r.values[3] as Cents;
    return {
      stamp: stamp!.stamp,
      columns: {
        partners: {
          ids: strings(p.values[1] as IdColumn),
          names: strings(p.values[2] as IdColumn),
          countries: strings(p.values[3] as IdColumn),
        },
        customers: { count: c.rows, countries: codes.country.names },
        people: { partner: pe.values[0] as Int32Array, ids: pe.values[2] as IdColumn },
        associations: {
          types: codes.type.names,
          customer: a.values[0] as Int32Array,
          partner: a.values[1] as Int32Array,
          type: a.values[2] as Int32Array,
          first: a.values[3] as Int32Array,
          last: a.values[4] as Int32Array,
        },
        revenue: {
          products: codes.product.names,
          customer: r.values[0] as Int32Array,
          day: r.values[1] as Int32Array,
          product: r.values[2] as Int32Array,
          netNew: line.netNew,
          cents: line.cents,
          ids: r.values[4] as IdColumn,
        },
        examPasses: {
          exams: codes.exam.names,
          person: x.values[0] as Int32Array,
          exam: x.values[1] as Int32Array,
          day: x.values[2] as Int32Array,
        },
      },
    };
  });
}

/** `numbers` with each catalog number replaced by `to[number]`; the same array when nothing moves. */
function renumber(numbers: Int32Array, to: Int32Array): Int32Array {
  if (to.every((v, i) => v === i)) return numbers;
  const out = new Int32Array(numbers.length);
  for (let i = 0; i < numbers.length; i++) out[i] = to[numbers[i]!]!;
  return out;
}

/** A catalog in sorted order, and where each of `names` went. */
function sorted(names: readonly string[]): { list: string[]; to: Int32Array } {
  const list = [...names].sort();
  const at = new Map(list.map((n, i) => [n, i]));
  return { list, to: Int32Array.from(names, (n) => at.get(n)!) };
}

/**
 * The store's columns under a program, exactly what
 * `columnsOf(validateDataset(read()))` holds (catalogs may be in another
 * order). The store's records passed validation when they were imported;
 * only what depends on the program (countries with a market, products,
 * association types) is checked again here, against `catalog`, since the
 * program may differ from the one they were imported under.
 */
export function withCatalog(store: StoreColumns, catalog: Catalog): DatasetColumns {
  const problems: Problem[] = [];
  const { partners } = store;
  const markets = partners.countries.map((country, i) => {
    const market = catalog.countries.get(country);
    if (market === undefined)
      problems.push(
        problem(`store: partners (id ${partners.ids[i]})`, 'country', 'notMarketCountry', { field: 'country', value: quote(country) }),
      );
    return market ?? '';
  });
  for (const country of [...store.customers.countries].sort())
    if (!catalog.countries.has(country))
      problems.push(problem('store: customers', 'country', 'notMarketCountry', { field: 'country', value: quote(country) }));
  const types = sorted(store.associations.types);
  for (const type of types.list)
    if (!catalog.associationTypes.has(type))
      problems.push(
        problem('store: associations', 'type', 'notAssociationType', {
          field: 'type',
          value: quote(type),
          types: [...catalog.associationTypes.keys()].join(', '),
        }),
      );
  if (problems.length > 0) throw invalidInput('store', problems);

  // A product outside the program: named as validation names it.
  const products = [...catalog.products.keys()];
  const unknown = store.revenue.products.filter((p) => !catalog.products.has(p)).sort();
  if (unknown.length > 0)
    throw invalidInput(
      'store',
      unknown.map((product) => problem('store: revenue', 'product', 'notProgramProduct', { field: 'product', value: quote(product) })),
    );
  const productAt = new Map(products.map((p, i) => [p, i]));
  const exams = sorted(store.examPasses.exams);
  const { associations: a, revenue: r, examPasses: x } = store;
  return {
    partners: { ids: partners.ids, names: partners.names, countries: partners.countries, markets },
    customers: { count: store.customers.count },
    associations: {
      types: types.list,
      customer: a.customer,
      partner: a.partner,
      type: renumber(a.type, types.to),
      first: a.first,
      last: a.last,
    },
    revenue: {
      products,
      customer: r.customer,
      day: r.day,
      product: renumber(
        r.product,
        Int32Array.from(r.products, (p) => productAt.get(p)!),
      ),
      netNew: r.netNew,
      cents: r.cents,
      ids: r.ids,
    },
    people: { partner: store.people.partner, ids: store.people.ids },
    examPasses: { exams: exams.list, person: x.person, exam: renumber(x.exam, exams.to), day: x.day },
  };
}

/** The store as DatasetColumns under `catalog`, read from the database (`withCatalog` of `readStoreColumns`). */
export async function readColumns(db: SqlClient, catalog: Catalog, options: ColumnsOptions = {}): Promise<DatasetColumns> {
  return withCatalog((await readStoreColumns(db, options)).columns, catalog);
}
