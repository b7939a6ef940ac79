/**
 * One SQL dialect (PostgreSQL), two engines: PGlite embedded in the process,
 * or a PostgreSQL server. Everything above this file speaks to `SqlClient`.
 */
export interface SqlClient {
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
  /** All or nothing: `fn` runs in one transaction, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Bulk load: `text` (COPY's text format: one row a line, tab-separated,
   * `\N` for null) appended to `table (columns)` with `COPY … FROM STDIN`
   * on a server, from a blob on PGlite. Inside a transaction only.
   */
  copyFrom?(table: string, columns: readonly string[], text: string | Uint8Array): Promise<void>;
  /** Characters of COPY text best sent in one `copyFrom` (each call costs PGlite a blob of its own). */
  readonly copyChunk?: number;
  /**
   * True when no other session can read or lock while a transaction runs
   * (PGlite: one transaction at a time, in this process): a table's indexes
   * may then be dropped and built again inside an import without making
   * anyone wait or deadlock.
   */
  readonly soleSession?: boolean;
  /**
   * Bulk read: `COPY (query) TO STDOUT (FORMAT binary)` on a server, to a
   * blob on PGlite; the bytes of COPY's binary format (header, tuples,
   * trailer). `query` takes no parameters. Inside a transaction only.
   */
  copyTo?(query: string): Promise<Uint8Array>;
  /**
   * How many transactions may run at once (a server's pool); absent: one
   * (PGlite runs them one after the other). Reading the store as columns
   * splits its work between two when it can.
   */
  readonly sessions?: number;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: `\N` for null, booleans as t and f, backslash, tab and line breaks escaped. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = typeof value === 'string' ? value : String(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => ESCAPES[c]!) : text;
}

/** Characters of COPY text sent at a time when the client does not say (`copyChunk`). */
const COPY_TEXT_CHUNK = 1 << 20;

/**
 * Rows appended to `table (columns)` by `copyFrom`, each row its values in the columns' order: sent a chunk at a
 * time, one chunk loading while the next is made, so that JavaScript and the database work at once.
 */
export async function copyRows(
  tx: SqlClient & Required<Pick<SqlClient, 'copyFrom'>>,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
): Promise<void> {
  const chunk = tx.copyChunk ?? COPY_TEXT_CHUNK;
  let inFlight: Promise<void> = Promise.resolve();
  let text = '';
  for (const values of rows) {
    let line = copyValue(values[0]);
    for (let k = 1; k < values.length; k++) line += `\t${copyValue(values[k])}`;
    text += `${line}\n`;
    if (text.length >= chunk) {
      await inFlight;
      inFlight = tx.copyFrom(table, columns, text);
      // Handled when awaited with the next chunk or at the end; until then its failure is not unhandled.
      inFlight.catch(() => undefined);
      text = '';
    }
  }
  await inFlight;
  if (text.length > 0) await tx.copyFrom(table, columns, text);
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Drops a table's indexes (its key and unique constraints, and the others) in this transaction, and returns the
 * statements that make them again, as they were and under their names: rows loaded into an empty table, then its
 * indexes built once (a sort each) instead of millions of insertions into them. Only where no one else can be
 * reading or waiting (`soleSession`): on a server it would lock readers out until the transaction ends.
 */
export async function dropIndexes(tx: SqlClient, table: string): Promise<string[]> {
  // A key another table's foreign key refers to stays (none does today).
  const [referred] = await tx.query<{ referred: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = $1::regclass) AS referred',
    [table],
  );
  if (referred!.referred) return [];
  const constraints = await tx.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = $1::regclass AND contype IN ('p', 'u') ORDER BY conname`,
    [table],
  );
  const indexes = await tx.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
     WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY 1`,
    [table],
  );
  for (const c of constraints) await tx.query(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(c.name)}`);
  for (const i of indexes) await tx.query(`DROP INDEX ${i.name}`);
  return [
    ...constraints.map((c) => `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`),
    ...indexes.map((i) => i.definition),
  ];
}
