/**
 * The scoring records as the store holds them (migration 8), read back in the
 * records file's shape (src/engine/scoring/dataset.ts: `ScoringRecords`) so the
 * caller validates them with `validateScoringRecords` exactly as a file's. Rows
 * come back in the order they were first stored (`seq`); collections with no
 * rows are left out, as a file may leave them out.
 */
import { SCORING_KEYS, type ScoringCollection, type ScoringRecords } from '../engine/scoring/dataset.js';
import { repeatedKeys } from '../engine/scoring/repeated-keys.js';
import { loneSurrogateAt } from '../engine/text.js';
import { copyRows, dropIndexes, type SqlClient } from './sql.js';

type Row = Record<string, unknown>;

/**
 * Drops absent optional fields: the records schema is strict and reads a missing field, not a null one. A row
 * with none (most rows: only a few columns are optional) is given back as it is, not copied: a store holds
 * millions of billing, seat and usage rows.
 */
function defined(record: Row): Row {
  for (const field in record) {
    const value = record[field];
    if (value === null || value === undefined) return withoutAbsent(record);
  }
  return record;
}

function withoutAbsent(record: Row): Row {
  const copy: Row = {};
  for (const field in record) {
    const value = record[field];
    if (value !== null && value !== undefined) copy[field] = value;
  }
  return copy;
}

/** What each collection's read selects (in the records file's field names) and from which table. */
const READS = {
  partners: ['id, country', 'scoring_partners'],
  tenants: ['id, country', 'scoring_tenants'],
  subscriptions: ['id, tenant_id AS "tenantId", product, paid, channel, agreement_start AS "agreementStart"', 'scoring_subscriptions'],
  billing: ['id, subscription_id AS "subscriptionId", month, amount_usd::text AS "amountUsd"', 'scoring_billing'],
  seats: ['subscription_id AS "subscriptionId", month, paid_seats AS "paidSeats"', 'scoring_seats'],
  usage: ['tenant_id AS "tenantId", workload, month, units::text AS units', 'scoring_usage'],
  instances: ['id, tenant_id AS "tenantId", instance_group AS "group", production', 'scoring_instances'],
  // `to` stays null when open-ended: the schema reads null as "still associated".
  associations: [
    'partner_id AS "partnerId", subscription_id AS "subscriptionId", type, from_month AS "from", to_month AS "to"',
    'scoring_associations',
  ],
  people: ['id, partner_id AS "partnerId"', 'scoring_people'],
  examPasses: [`person_id AS "personId", exam, to_char(date, 'YYYY-MM-DD') AS date`, 'scoring_exam_passes'],
  certificationsHeld: [
    `person_id AS "personId", certification, to_char(date, 'YYYY-MM-DD') AS date, to_char(expires, 'YYYY-MM-DD') AS expires`,
    'scoring_certifications_held',
  ],
  baselines: [`partner_id AS "partnerId", metric, kind, to_char(date, 'YYYY-MM-DD') AS date, count`, 'scoring_baselines'],
  enrolments: [
    `partner_id AS "partnerId", to_char(enrolled, 'YYYY-MM-DD') AS enrolled, to_char(anniversary, 'YYYY-MM-DD') AS anniversary, legacy`,
    'scoring_enrolments',
  ],
} as const satisfies Record<keyof ScoringRecords, readonly [string, string]>;

/**
 * A collection's stored records in the records file's shape, in stored order: all of them, or those whose
 * `column` is one of `values`.
 */
export async function readScoringCollection(
  db: SqlClient,
  collection: ScoringCollection,
  where?: { readonly column: string; readonly values: readonly unknown[] },
): Promise<Row[]> {
  if (where === undefined) return readScoringRows(db, collection, 'true', []);
  // No value, no record: not worth a query.
  if (where.values.length === 0) return [];
  return readScoringRows(db, collection, `${where.column} = ANY($1::text[])`, [where.values]);
}

/** A collection's stored records for which the SQL condition `where` (on its table's columns) holds, in stored order. */
export async function readScoringRows(
  db: SqlClient,
  collection: ScoringCollection,
  where: string,
  params: readonly unknown[],
): Promise<Row[]> {
  const rows = await db.query<Row>(selectOf(collection, where), params);
  return rows.map((row) => shaped(collection, row));
}

/** The query of a collection's stored records in the records file's fields, in stored order. */
function selectOf(collection: ScoringCollection, where = 'true'): string {
  const [select, table] = READS[collection];
  return `SELECT ${select} FROM ${table} WHERE ${where} ORDER BY seq`;
}

/** A stored row as the records file holds the record: absent fields left out, an association's open end as null. */
function shaped(collection: ScoringCollection, row: Row): Row {
  return collection === 'associations' ? { ...defined(row), to: row['to'] ?? null } : defined(row);
}

/** A text the store can hold (PostgreSQL's text takes no NUL, its UTF-8 no lone surrogate): any other is in no stored record. */
export function storable(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\u0000') && loneSurrogateAt(value) < 0;
}

/** Every stored scoring record, in the records file's shape (not yet validated). */
export async function readScoringRecords(db: SqlClient): Promise<ScoringRecords> {
  const records: Partial<Record<ScoringCollection, Row[]>> = {};
  for (const collection of Object.keys(READS) as ScoringCollection[]) records[collection] = await readScoringCollection(db, collection);
  return withoutEmpty(records);
}

/** The collections read as a records file holds them: in the order given, those without records left out. */
export function withoutEmpty(read: Partial<Record<ScoringCollection, Row[]>>): ScoringRecords {
  const records: Partial<Record<ScoringCollection, Row[]>> = {};
  for (const [collection, list] of Object.entries(read) as [ScoringCollection, Row[]][]) if (list.length > 0) records[collection] = list;
  return records as ScoringRecords;
}

/**
 * Every stored scoring record, a page of `size` records at a time, collection by collection in the records file's
 * order and each in stored order, all on one snapshot: what `readScoringRecords` gives, with the memory of a page
 * (a store of 100,000 partners holds tens of millions of records). Empty collections give no page.
 */
export async function eachScoringPage(
  db: SqlClient,
  size: number,
  fn: (collection: ScoringCollection, records: readonly Row[]) => void,
): Promise<void> {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`not a page size: ${size}`);
  await db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    for (const collection of Object.keys(READS) as ScoringCollection[]) {
      // A cursor: the table is read and ordered once, then fetched a page at a time (no index on seq to page by).
      await tx.exec(`DECLARE scoring_page NO SCROLL CURSOR FOR ${selectOf(collection)}`);
      for (;;) {
        const rows = await tx.query<Row>(`FETCH ${size} FROM scoring_page`);
        if (rows.length > 0)
          fn(
            collection,
            rows.map((row) => shaped(collection, row)),
          );
        if (rows.length < size) break;
      }
      await tx.exec('CLOSE scoring_page');
    }
  });
}

/** What an import did to one collection: records new to the store, records changed, records given as stored. */
export interface ScoringMergeCounts {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** A scoring import's batch (import_batches, kind `scoring`) and its counts, in all and per collection. */
export interface ScoringImportReport extends ScoringMergeCounts {
  readonly batch: number;
  readonly source: string;
  readonly collections: Readonly<Record<ScoringCollection, ScoringMergeCounts>>;
}

type SqlType = 'text' | 'boolean' | 'numeric' | 'integer' | 'date';

interface ScoringTable {
  readonly table: string;
  /** Field of the record, column of the table, its type (the unnest arrays' element type). */
  readonly columns: readonly (readonly [string, string, SqlType])[];
  /** The fields that identify a record in its collection: the table's primary key. */
  readonly key: readonly string[];
}

/** Each collection's table (migration 8; enrolments: migration 10), columns and key. */
export const SCORING_TABLES: { readonly [K in ScoringCollection]: ScoringTable } = {
  partners: {
    table: 'scoring_partners',
    key: SCORING_KEYS.partners,
    columns: [
      ['id', 'id', 'text'],
      ['country', 'country', 'text'],
    ],
  },
  tenants: {
    table: 'scoring_tenants',
    key: SCORING_KEYS.tenants,
    columns: [
      ['id', 'id', 'text'],
      ['country', 'country', 'text'],
    ],
  },
  subscriptions: {
    table: 'scoring_subscriptions',
    key: SCORING_KEYS.subscriptions,
    columns: [
      ['id', 'id', 'text'],
      ['tenantId', 'tenant_id', 'text'],
      ['product', 'product', 'text'],
      ['paid', 'paid', 'boolean'],
      ['channel', 'channel', 'text'],
      ['agreementStart', 'agreement_start', 'text'],
    ],
  },
  billing: {
    table: 'scoring_billing',
    key: SCORING_KEYS.billing,
    columns: [
      ['id', 'id', 'text'],
      ['subscriptionId', 'subscription_id', 'text'],
      ['month', 'month', 'text'],
      ['amountUsd', 'amount_usd', 'numeric'],
    ],
  },
  seats: {
    table: 'scoring_seats',
    key: SCORING_KEYS.seats,
    columns: [
      ['subscriptionId', 'subscription_id', 'text'],
      ['month', 'month', 'text'],
      ['paidSeats', 'paid_seats', 'integer'],
    ],
  },
  usage: {
    table: 'scoring_usage',
    key: SCORING_KEYS.usage,
    columns: [
      ['tenantId', 'tenant_id', 'text'],
      ['workload', 'workload', 'text'],
      ['month', 'month', 'text'],
      ['units', 'units', 'numeric'],
    ],
  },
  instances: {
    table: 'scoring_instances',
    key: SCORING_KEYS.instances,
    columns: [
      ['id', 'id', 'text'],
      ['tenantId', 'tenant_id', 'text'],
      ['group', 'instance_group', 'text'],
      ['production', 'production', 'boolean'],
    ],
  },
  associations: {
    table: 'scoring_associations',
    key: SCORING_KEYS.associations,
    columns: [
      ['partnerId', 'partner_id', 'text'],
      ['subscriptionId', 'subscription_id', 'text'],
      ['type', 'type', 'text'],
      ['from', 'from_month', 'text'],
      ['to', 'to_month', 'text'],
    ],
  },
  people: {
    table: 'scoring_people',
    key: SCORING_KEYS.people,
    columns: [
      ['id', 'id', 'text'],
      ['partnerId', 'partner_id', 'text'],
    ],
  },
  examPasses: {
    table: 'scoring_exam_passes',
    key: SCORING_KEYS.examPasses,
    columns: [
      ['personId', 'person_id', 'text'],
      ['exam', 'exam', 'text'],
      ['date', 'date', 'date'],
    ],
  },
  certificationsHeld: {
    table: 'scoring_certifications_held',
    key: SCORING_KEYS.certificationsHeld,
    columns: [
      ['personId', 'person_id', 'text'],
      ['certification', 'certification', 'text'],
      ['date', 'date', 'date'],
      ['expires', 'expires', 'date'],
    ],
  },
  baselines: {
    table: 'scoring_baselines',
    key: SCORING_KEYS.baselines,
    columns: [
      ['partnerId', 'partner_id', 'text'],
      ['metric', 'metric', 'text'],
      ['kind', 'kind', 'text'],
      ['date', 'date', 'date'],
      ['count', 'count', 'integer'],
    ],
  },
  enrolments: {
    table: 'scoring_enrolments',
    key: SCORING_KEYS.enrolments,
    columns: [
      ['partnerId', 'partner_id', 'text'],
      ['enrolled', 'enrolled', 'date'],
      ['anniversary', 'anniversary', 'date'],
      ['legacy', 'legacy', 'boolean'],
    ],
  },
};

const COLLECTION_NAMES = Object.keys(SCORING_TABLES) as ScoringCollection[];

/**
 * A record's key in its collection, or undefined when it has not got all its key fields as text: a one-field key is
 * that field's text itself (no string made per record: a first import has millions), a longer one its values as JSON.
 */
function keyOf(collection: ScoringCollection, record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const fields = SCORING_TABLES[collection].key;
  if (fields.length === 1) {
    const value = (record as Row)[fields[0]!];
    return typeof value === 'string' ? value : undefined;
  }
  return fields.every((field) => typeof (record as Row)[field] === 'string') ? keyValues(collection, record as Row) : undefined;
}

/** A keyed record's key values as JSON (what a duplicate names). */
function keyValues(collection: ScoringCollection, record: Row): string {
  return JSON.stringify(SCORING_TABLES[collection].key.map((field) => record[field]));
}

/**
 * Where a record of the merged set came from, one number a record (a first import has millions): its index in the
 * import when 0 or more, else −1 − its place in stored order (`storedPlace`).
 */
export type Origin = number;

/** The stored place an origin names, or undefined for a record of the import. */
export function storedPlace(origin: Origin): number | undefined {
  return origin < 0 ? -1 - origin : undefined;
}

export interface ScoringMerge {
  /** The stored records with the import's laid over them by key: what the store would hold. */
  readonly merged: Record<string, unknown>;
  /** Per collection, where each merged record came from. */
  readonly origins: ReadonlyMap<string, readonly Origin[]>;
  /** Records of the import whose key an earlier record of the import already has (`key`: its values as JSON). */
  readonly duplicates: readonly { collection: ScoringCollection; index: number; other: number; key: string }[];
}

/**
 * The import laid over the stored records: a record whose key is stored
 * takes the stored one's place, a new one comes after them. A collection the
 * import does not name stays as stored; what is not a collection or not an
 * array is kept as given, for the validation to name.
 */
export function mergeScoringRecords(stored: ScoringRecords, incoming: Readonly<Record<string, unknown>>): ScoringMerge {
  const merged: Record<string, unknown> = {};
  const origins = new Map<string, Origin[]>();
  const duplicates: { collection: ScoringCollection; index: number; other: number; key: string }[] = [];
  for (const name of COLLECTION_NAMES) {
    const records = stored[name];
    if (records !== undefined) {
      merged[name] = [...records];
      origins.set(
        name,
        records.map((_, index) => -1 - index),
      );
    }
  }
  for (const [name, given] of Object.entries(incoming)) {
    if (!Object.hasOwn(SCORING_TABLES, name) || !Array.isArray(given)) {
      merged[name] = given;
      continue;
    }
    const collection = name as ScoringCollection;
    const records = (merged[collection] as unknown[] | undefined) ?? [];
    const origin = origins.get(collection) ?? [];
    // The import's own repeated keys without a key string kept per record (a first import has millions); the stored
    // records' keys, when there are any, to lay the import over them.
    const repeated = repeatedKeysOf(collection, given as readonly unknown[]);
    let at: Map<string, number> | undefined;
    if (records.length > 0) {
      at = new Map();
      records.forEach((record, position) => {
        const key = keyOf(collection, record);
        if (key !== undefined) at!.set(key, position);
      });
    }
    let next = 0;
    (given as readonly unknown[]).forEach((record, index) => {
      if (next < repeated.length && repeated[next]!.index === index) {
        const { other } = repeated[next++]!;
        duplicates.push({ collection, index, other, key: keyValues(collection, record as Row) });
        return;
      }
      const key = at === undefined ? undefined : keyOf(collection, record);
      const position = key === undefined ? undefined : at!.get(key);
      if (position !== undefined) {
        records[position] = record;
        origin[position] = index;
        return;
      }
      records.push(record);
      origin.push(index);
    });
    merged[collection] = records;
    origins.set(collection, origin);
  }
  return { merged, origins, duplicates };
}

/** The records of a collection whose key an earlier record has, each with that earlier record's index, in order. */
export function repeatedKeysOf(
  collection: ScoringCollection,
  given: readonly unknown[],
  hashOf?: (record: Row, fields: readonly string[]) => number | undefined,
): { index: number; other: number }[] {
  return repeatedKeys(given, SCORING_TABLES[collection].key, hashOf);
}

/** Whether a table holds no row. */
export async function isEmpty(tx: SqlClient, table: string): Promise<boolean> {
  const [row] = await tx.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
  return !row!.any;
}

/** Each record's values of `fields`, in order, one array reused for every record. */
function* eachRow(records: readonly Row[], fields: readonly string[]): Generator<readonly unknown[]> {
  const values: unknown[] = new Array(fields.length);
  for (const record of records) {
    for (let k = 0; k < fields.length; k++) values[k] = record[fields[k]!];
    yield values;
  }
}

/** Rows of one write: the unnest of `columns`' arrays, at most this many records a statement. */
const WRITE_CHUNK = 20_000;

/** A record's value for its column: decimals as text (exact), absent optional fields as null. */
function cell(value: unknown, type: SqlType): unknown {
  if (value === undefined || value === null) return null;
  return type === 'numeric' ? String(value) : value;
}

/**
 * Writes a collection's records (already validated, one per key) by key in
 * set-based statements: new keys inserted, stored keys updated where a value
 * differs, the rest left; `seq` keeps a record's first place.
 */
export async function writeScoringCollection(
  tx: SqlClient,
  collection: ScoringCollection,
  records: readonly Row[],
): Promise<ScoringMergeCounts> {
  const { table, columns, key } = SCORING_TABLES[collection];
  const keyColumns = columns.filter(([field]) => key.includes(field)).map(([, column]) => column);
  const valueColumns = columns.filter(([field]) => !key.includes(field)).map(([, column]) => column);
  const names = columns.map(([, column]) => column);
  const onConflict =
    valueColumns.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${valueColumns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
          WHERE ROW(${valueColumns.map((c) => `${table}.${c}`).join(', ')}) IS DISTINCT FROM ROW(${valueColumns.map((c) => `EXCLUDED.${c}`).join(', ')})`;
  const sql = `WITH written AS (
      INSERT INTO ${table} (${names.join(', ')})
      SELECT * FROM unnest(${columns.map(([, , type], i) => `$${i + 1}::${type}[]`).join(', ')})
      ON CONFLICT (${keyColumns.join(', ')}) ${onConflict}
      RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted)::int AS added, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM written`;
  // Into an empty table every record is new (the check refuses a key given twice): no key to look for, their rows
  // copied in, in order, at the speed of the database's own COPY.
  if (records.length > 0 && tx.copyFrom && (await isEmpty(tx, table))) {
    const fields = columns.map(([field]) => field);
    // Where no one else can be reading (PGlite), the table's key and indexes are built once its rows are in.
    const rebuilt = tx.soleSession === true ? await dropIndexes(tx, table) : [];
    await copyRows(tx as SqlClient & Required<Pick<SqlClient, 'copyFrom'>>, table, names, eachRow(records, fields));
    for (const statement of rebuilt) await tx.query(statement);
    return { added: records.length, updated: 0, unchanged: 0 };
  }
  let added = 0;
  let updated = 0;
  for (let start = 0; start < records.length; start += WRITE_CHUNK) {
    const chunk = records.slice(start, start + WRITE_CHUNK);
    const arrays = columns.map(([field, , type]) => chunk.map((record) => cell(record[field], type)));
    const [row] = await tx.query<{ added: number; updated: number }>(sql, arrays);
    added += Number(row!.added);
    updated += Number(row!.updated);
  }
  return { added, updated, unchanged: records.length - added - updated };
}
