/** A PostgreSQL server (`ATTAIN_DATABASE_URL` / `--database-url`), through node-postgres. */
import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyOutBinary } from './copy-out.js';
import type { SqlClient } from './sql.js';

// Dates and bigints come back as text: calendar dates must not become time-zone-bound Date objects.
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === pg.types.builtins.DATE || oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format as 'text'),
};

/** Queries through a pool (each on any connection) or through one client (inside a transaction). */
function queries(target: pg.Pool | pg.PoolClient): Pick<SqlClient, 'query' | 'exec'> {
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      return (await target.query<R>({ text, values: [...params], types })).rows;
    },
    async exec(text) {
      await target.query(text);
    },
  };
}

/** `COPY … FROM STDIN` on one connection (pg-copy-streams): the text sent as it is, the server parsing it. */
async function copyInto(connection: pg.PoolClient, table: string, columns: readonly string[], text: string | Uint8Array): Promise<void> {
  const stream = connection.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  if (!stream.write(text)) await Promise.race([once(stream, 'drain'), done]);
  stream.end();
  await done;
}

/** `schema`: a schema of its own (created if missing), so that test runs and tenants do not collide. */
export async function openPostgres(url: string, schema?: string): Promise<SqlClient> {
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
  return {
    ...queries(pool),
    sessions: 4, // the pool's max
    async transaction(fn) {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        // Nested transactions join this one, as on PGlite.
        const inside: SqlClient = {
          ...queries(connection),
          transaction: (inner) => inner(inside),
          close: async () => undefined,
          copyFrom: (table, columns, text) => copyInto(connection, table, columns, text),
          copyChunk: 1 << 20,
          copyTo: (query) => copyOutBinary(connection, query),
        };
        const result = await fn(inside);
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK');
        throw error;
      } finally {
        connection.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
