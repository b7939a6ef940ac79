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
   * How many transactions may run at once (a server's pool); absent: one
   * (PGlite runs them one after the other). Reading the store as columns
   * splits its work between two when it can.
   */
  readonly sessions?: number;
}
