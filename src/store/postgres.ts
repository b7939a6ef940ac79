/** A PostgreSQL server (`ATTAIN_DATABASE_URL` / `--database-url`), through node-postgres. */
import pg from 'pg';
import type { SqlClient } from './sql.js';

// Dates and bigints come back as text: calendar dates must not become time-zone-bound Date objects.
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === pg.types.builtins.DATE || oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format as 'text'),
};

function fromClient(c: pg.PoolClient, release: () => void): SqlClient {
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      return (await c.query<R>({ text, values: [...params], types })).rows;
    },
    async exec(text) {
      await c.query(text);
    },
    async transaction(fn) {
      return fn(this);
    },
    async close() {
      release();
    },
  };
}

/** `schema`: a schema of its own (created if missing), so that test runs and tenants do not collide. */
export async function openPostgres(url: string, schema?: string): Promise<SqlClient> {
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      return (await pool.query<R>({ text, values: [...params], types })).rows;
    },
    async exec(text) {
      await pool.query(text);
    },
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await fn(fromClient(c, () => undefined));
        await c.query('COMMIT');
        return result;
      } catch (error) {
        await c.query('ROLLBACK');
        throw error;
      } finally {
        c.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
