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
