/**
 * An embedded store's columns kept in a file beside its data
 * (`attain-columns.bin` in the PGlite folder), so that a server or an
 * evaluation starts from them instead of reading every row through the
 * engine compiled to WebAssembly (single-threaded, in the process: tens of
 * seconds at 100,000 partners, against a fraction of a second for the file).
 *
 * The file holds `StoreColumns` (columns.ts): the data before any program,
 * so a program load does not make it stale. It is keyed by the data stamp of
 * the snapshot it was read in (the last import batch: its id and when it
 * was imported) and is used only when that stamp is the store's now; a
 * CRC-32 covers its header and every byte of its arrays, and every array's
 * size and every reference's range is checked on reading. Anything else —
 * missing, stale, another format, a different byte order, a short or
 * corrupt file — and it is not used: the store is read by SQL and the file
 * written again. It is written to a temporary file, synced and renamed over
 * the old one: a reader sees the old file or the new one, never half of one.
 *
 * Layout: the magic `ATTNCOL1`, the header's length and the CRC (uint32,
 * little-endian), the header (JSON: stamp, counts, catalogs, and each
 * array's place), then the arrays, each at a multiple of 8 bytes, so that
 * they are read in place as typed arrays of the file's one buffer.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { IdColumn } from '../engine/index.js';
import { copyTuples, DATA_STAMP_SQL, withSessions, type StoreColumns } from './columns.js';
import type { SqlClient } from './sql.js';

export const SNAPSHOT_FILE = 'attain-columns.bin';
const MAGIC = 'ATTNCOL1';
const FORMAT = 1;
const PREFIX = 16;

type ArrayKind = 'u8' | 'i32' | 'f64';
const WIDTH: Record<ArrayKind, number> = { u8: 1, i32: 4, f64: 8 };

interface Section {
  readonly name: string;
  readonly kind: ArrayKind;
  readonly offset: number;
  readonly length: number;
}

interface Header {
  readonly format: number;
  readonly endian: 'le' | 'be';
  readonly stamp: string;
  readonly customers: number;
  readonly customerCountries: readonly string[];
  readonly types: readonly string[];
  readonly products: readonly string[];
  readonly exams: readonly string[];
  readonly sections: readonly Section[];
}

const ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'le' : 'be';

/** The arrays of the columns, by name: strings as packed UTF-8 with offsets. */
function arraysOf(columns: StoreColumns): [string, Uint8Array | Int32Array | Float64Array][] {
  const { partners, associations: a, revenue: r, people, examPasses: x } = columns;
  const packed = (name: string, column: IdColumn): [string, Uint8Array | Int32Array][] => [
    [`${name}.bytes`, column.bytes],
    [`${name}.offsets`, column.offsets],
  ];
  return [
    ...packed('partners.ids', IdColumn.from(partners.ids)),
    ...packed('partners.names', IdColumn.from(partners.names)),
    ...packed('partners.countries', IdColumn.from(partners.countries)),
    ['associations.customer', a.customer],
    ['associations.partner', a.partner],
    ['associations.type', a.type],
    ['associations.first', a.first],
    ['associations.last', a.last],
    ['revenue.customer', r.customer],
    ['revenue.day', r.day],
    ['revenue.product', r.product],
    ['revenue.netNew', r.netNew],
    ['revenue.cents', r.cents],
    ...packed('revenue.ids', r.ids),
    ['people.partner', people.partner],
    ...packed('people.ids', people.ids),
    ['examPasses.person', x.person],
    ['examPasses.exam', x.exam],
    ['examPasses.day', x.day],
  ];
}

const kindOf = (a: Uint8Array | Int32Array | Float64Array): ArrayKind =>
  a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : 'u8';
const align = (n: number) => Math.ceil(n / 8) * 8;
const bytesOf = (a: Uint8Array | Int32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Writes the columns read at `stamp` as the folder's snapshot: a temporary file, synced, renamed over the old one. */
/**
 * The snapshot's bytes, as pieces in order (prefix, header, the arrays and
 * their padding): what the file holds, and what a server's store keeps in
 * its `columns_snapshot` table (store.ts).
 */
export function encodeSnapshot(stamp: string, columns: StoreColumns): Uint8Array[] {
  if (!(columns.revenue.ids instanceof IdColumn) || !(columns.people.ids instanceof IdColumn))
    throw new Error('snapshot: ids must be packed columns');
  const arrays = arraysOf(columns);
  const sections: Section[] = [];
  let at = 0;
  for (const [name, array] of arrays) {
    sections.push({ name, kind: kindOf(array), offset: at, length: array.length });
    at = align(at + array.byteLength);
  }
  const header: Header = {
    format: FORMAT,
    endian: ENDIAN,
    stamp,
    customers: columns.customers.count,
    customerCountries: columns.customers.countries,
    types: columns.associations.types,
    products: columns.revenue.products,
    exams: columns.examPasses.exams,
    sections,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align(PREFIX + json.length);
  const zeros = new Uint8Array(8);
  let crc = crc32(json);
  for (const [, array] of arrays) {
    crc = crc32(bytesOf(array), crc);
    crc = crc32(zeros.subarray(0, align(array.byteLength) - array.byteLength), crc);
  }
  const prefix = Buffer.alloc(PREFIX);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, 8);
  prefix.writeUInt32LE(crc, 12);
  return [
    prefix,
    json,
    zeros.subarray(0, start - PREFIX - json.length),
    ...arrays.flatMap(([, array]) => [bytesOf(array), zeros.subarray(0, align(array.byteLength) - array.byteLength)]),
  ];
}

/** Writes the folder's snapshot: a temporary file, synced, renamed over the old one. */
export function writeSnapshot(dir: string, stamp: string, columns: StoreColumns): void {
  const pieces = encodeSnapshot(stamp, columns);
  removeLeftovers(dir);
  const temporary = join(dir, `${SNAPSHOT_FILE}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', 0o600);
  try {
    for (const bytes of pieces) for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // left for the next writer to remove
    }
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, join(dir, SNAPSHOT_FILE));
  // The rename itself made durable, where the system allows syncing a folder.
  try {
    const folder = openSync(dir, 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  } catch {
    // not every platform syncs folders
  }
}

/** Temporary files of writers that died before renaming (the folder has one owner: none is being written now). */
function removeLeftovers(dir: string): void {
  for (const name of readdirSync(dir))
    if (name.startsWith(`${SNAPSHOT_FILE}.`) && name.endsWith('.tmp')) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // gone already
      }
    }
}

/** Why a snapshot was not used, or the columns it holds. */
export type SnapshotRead = { readonly columns: StoreColumns } | { readonly unused: 'missing' | 'stale' | 'corrupt' };

/** The folder's snapshot if it was written at `stamp` and is whole; why not otherwise. Never throws. */
export function readSnapshot(dir: string, stamp: string): SnapshotRead {
  let file: Buffer;
  try {
    file = readFileSync(join(dir, SNAPSHOT_FILE));
  } catch {
    return { unused: 'missing' };
  }
  return decodeSnapshot(file, stamp);
}

/** The columns a snapshot's bytes hold if they were written at `stamp` and are whole; why not otherwise. Never throws. */
export function decodeSnapshot(bytes: Buffer, stamp: string): SnapshotRead {
  try {
    return parse(bytes, stamp);
  } catch {
    return { unused: 'corrupt' };
  }
}

/** The data stamp the folder's snapshot was written at; undefined when there is none or its header cannot be read. */
export function snapshotStamp(dir: string): string | undefined {
  try {
    const file = readFileSync(join(dir, SNAPSHOT_FILE));
    if (file.length < PREFIX || file.toString('latin1', 0, 8) !== MAGIC) return undefined;
    const header = JSON.parse(file.toString('utf8', PREFIX, PREFIX + file.readUInt32LE(8))) as Partial<Header>;
    return typeof header.stamp === 'string' ? header.stamp : undefined;
  } catch {
    return undefined;
  }
}

class Corrupt extends Error {}

function parse(file: Buffer, stamp: string): SnapshotRead {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Corrupt(what);
  };
  check(file.length >= PREFIX && file.toString('latin1', 0, 8) === MAGIC, 'magic');
  const length = file.readUInt32LE(8);
  check(PREFIX + length <= file.length, 'header length');
  const json = file.subarray(PREFIX, PREFIX + length);
  const header = JSON.parse(json.toString('utf8')) as Header;
  check(header.format === FORMAT && header.endian === ENDIAN, 'format');
  if (header.stamp !== stamp) return { unused: 'stale' };
  const start = align(PREFIX + length);
  let crc = crc32(json);
  crc = crc32(file.subarray(start), crc);
  check(crc === file.readUInt32LE(12), 'checksum');

  // The arrays, in place when the buffer allows (readFileSync gives large files a buffer of their own).
  const base = file.byteOffset + start;
  const arrays = new Map<string, Uint8Array | Int32Array | Float64Array>();
  let expected = 0;
  for (const s of header.sections) {
    const width = WIDTH[s.kind];
    check(width !== undefined && Number.isSafeInteger(s.length) && s.length >= 0 && s.offset === expected, `section ${s.name}`);
    const end = start + s.offset + s.length * width;
    check(end <= file.length, `section ${s.name} size`);
    const aligned = (base + s.offset) % width === 0;
    const source = aligned ? file : Buffer.from(file.subarray(start + s.offset, end));
    const offset = aligned ? base + s.offset : source.byteOffset;
    arrays.set(
      s.name,
      s.kind === 'u8'
        ? new Uint8Array(source.buffer, offset, s.length)
        : s.kind === 'i32'
          ? new Int32Array(source.buffer, offset, s.length)
          : new Float64Array(source.buffer, offset, s.length),
    );
    expected = align(s.offset + s.length * width);
  }
  check(start + expected === file.length, 'file size');
  return { columns: columnsOf(header, arrays) };
}

/** The columns from the file's arrays, each one's size and every reference's range checked. */
function columnsOf(header: Header, arrays: Map<string, Uint8Array | Int32Array | Float64Array>): StoreColumns {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Corrupt(what);
  };
  const i32 = (name: string, length: number, below?: number): Int32Array => {
    const a = arrays.get(name);
    check(a instanceof Int32Array && a.length === length, name);
    if (below !== undefined) for (let i = 0; i < length; i++) check((a as Int32Array)[i]! >= 0 && (a as Int32Array)[i]! < below, name);
    return a as Int32Array;
  };
  const ids = (name: string, count: number): IdColumn => {
    const bytes = arrays.get(`${name}.bytes`);
    const offsets = arrays.get(`${name}.offsets`);
    check(bytes instanceof Uint8Array && offsets instanceof Int32Array && offsets.length === count + 1, name);
    return new IdColumn(bytes as Uint8Array, offsets as Int32Array); // checks the offsets
  };
  const length = (name: string) => arrays.get(name)?.length ?? -1;
  const strings = (list: unknown) => {
    check(Array.isArray(list) && list.every((s) => typeof s === 'string'), 'catalog');
    return list as string[];
  };
  const customerCountries = strings(header.customerCountries);
  const types = strings(header.types);
  const products = strings(header.products);
  const exams = strings(header.exams);
  const customers = header.customers;
  check(Number.isSafeInteger(customers) && customers >= 0, 'customers');

  const partnerCount = length('partners.ids.offsets') - 1;
  check(partnerCount >= 0, 'partners');
  const decoded = (name: string) => {
    const column = ids(name, partnerCount);
    return Array.from({ length: partnerCount }, (_, i) => column.get(i));
  };
  const people = length('people.partner');
  const associations = length('associations.customer');
  const lines = length('revenue.customer');
  const passes = length('examPasses.person');

  const netNew = arrays.get('revenue.netNew');
  check(netNew instanceof Uint8Array && netNew.length === lines && netNew.every((v) => v <= 1), 'revenue.netNew');
  const cents = arrays.get('revenue.cents');
  check(cents instanceof Float64Array && cents.length === lines, 'revenue.cents');
  for (let i = 0; i < lines; i++) check(Number.isSafeInteger((cents as Float64Array)[i]!), 'revenue.cents');

  return {
    partners: { ids: decoded('partners.ids'), names: decoded('partners.names'), countries: decoded('partners.countries') },
    customers: { count: customers, countries: customerCountries },
    associations: {
      types,
      customer: i32('associations.customer', associations, customers),
      partner: i32('associations.partner', associations, partnerCount),
      type: i32('associations.type', associations, types.length),
      first: i32('associations.first', associations),
      last: i32('associations.last', associations),
    },
    revenue: {
      products,
      customer: i32('revenue.customer', lines, customers),
      day: i32('revenue.day', lines),
      product: i32('revenue.product', lines, products.length),
      netNew: netNew as Uint8Array,
      cents: cents as Float64Array,
      ids: ids('revenue.ids', lines),
    },
    people: { partner: i32('people.partner', people, partnerCount), ids: ids('people.ids', people) },
    examPasses: {
      exams,
      person: i32('examPasses.person', passes, people),
      exam: i32('examPasses.exam', passes, exams.length),
      day: i32('examPasses.day', passes),
    },
  };
}

/**
 * A server's store keeps the same bytes in its `columns_snapshot` table
 * (migration 7), in parts (16 MB; PostgreSQL takes at most 1 GB in a value),
 * stored uncompressed (compressing 300 MB of typed arrays costs seconds and
 * saves little). They come back through binary COPY on two connections
 * sharing one snapshot, the parts dealt between them: most of a read is the
 * server putting each value together from its TOAST chunks, which the two
 * backends do side by side. Either way the server sends stored bytes
 * instead of computing eleven million rows' hashes and packing them, which
 * is what a read by SQL spends its time on.
 */
const PART_BYTES = 16 * 2 ** 20;
const READING_SESSIONS = 2;

/** The columns of the server's stored snapshot, if it was written at the stamp of the data as it is now. */
export async function readStoredSnapshot(db: SqlClient): Promise<SnapshotRead> {
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const [row] = await tx.query<{ now: string; kept: string | null; parts: number; last: number | null }>(
      `SELECT (${DATA_STAMP_SQL}) AS now, (SELECT stamp FROM columns_snapshot WHERE part = 0) AS kept,
              (SELECT count(*)::int FROM columns_snapshot) AS parts, (SELECT max(part) FROM columns_snapshot) AS last`,
    );
    if (!row || row.kept === null || !tx.copyTo) return { unused: 'missing' };
    if (row.kept !== row.now) return { unused: 'stale' };
    if (row.last !== row.parts - 1) return { unused: 'corrupt' };
    const count = Math.max(1, Math.min(READING_SESSIONS, db.sessions ?? 1, row.parts));
    const outputs = await withSessions(db, tx, count, (sessions) =>
      Promise.all(
        sessions.map((session, i) => session.copyTo!(`SELECT data FROM columns_snapshot WHERE part % ${count} = ${i} ORDER BY part`)),
      ),
    );
    const parts: Uint8Array[] = [];
    outputs.forEach((output, i) => copyTuples(output).forEach(([data], k) => data && (parts[k * count + i] = data)));
    for (let p = 0; p < row.parts; p++) if (!parts[p]) return { unused: 'corrupt' };
    return decodeSnapshot(Buffer.concat(parts), row.now);
  });
}

/**
 * Stores the snapshot of the data read at `stamp`, unless the data changed
 * since (a newer one is due) or another process is storing one right now.
 */
export async function writeStoredSnapshot(db: SqlClient, stamp: string, columns: StoreColumns, partBytes = PART_BYTES): Promise<void> {
  const bytes = Buffer.concat(encodeSnapshot(stamp, columns));
  await db.transaction(async (tx) => {
    const [row] = await tx.query<{ free: boolean; now: string }>(
      `SELECT pg_try_advisory_xact_lock(hashtext('attain.columns'), hashtext(current_schema())) AS free, (${DATA_STAMP_SQL}) AS now`,
    );
    if (!row?.free || row.now !== stamp) return;
    await tx.exec('DELETE FROM columns_snapshot');
    for (let part = 0; part * partBytes < bytes.length; part++)
      await tx.query('INSERT INTO columns_snapshot (part, stamp, data) VALUES ($1, $2, $3)', [
        part,
        stamp,
        bytes.subarray(part * partBytes, (part + 1) * partBytes),
      ]);
  });
}

/** Where a store keeps its snapshot: how to read it for the data as it is now, and how to keep a new one. */
export interface SnapshotKeeper {
  read(): Promise<SnapshotRead>;
  keep(stamp: string, columns: StoreColumns): Promise<void>;
  /**
   * Whether a large import keeps a new one as soon as it commits: in a folder,
   * where reading by SQL costs the embedded engine a minute; not on a server,
   * whose first read after an import keeps it, so the import's time stays its own.
   */
  readonly afterLargeImports: boolean;
}

/** An embedded store's snapshot: the file in its folder. */
export function snapshotInFolder(dir: string, db: SqlClient): SnapshotKeeper {
  return {
    async read() {
      const [now] = await db.query<{ stamp: string }>(DATA_STAMP_SQL);
      return readSnapshot(dir, now!.stamp);
    },
    async keep(stamp, columns) {
      writeSnapshot(dir, stamp, columns);
    },
    afterLargeImports: true,
  };
}

/** A server's snapshot: the store's `columns_snapshot` table. */
export function snapshotInTable(db: SqlClient): SnapshotKeeper {
  return {
    read: () => readStoredSnapshot(db),
    keep: (stamp, columns) => writeStoredSnapshot(db, stamp, columns),
    afterLargeImports: false,
  };
}
