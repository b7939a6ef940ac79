/** The embedded engine: PostgreSQL compiled to WebAssembly, data in a folder (`./.attain` by default). */
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlClient } from './sql.js';

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function client(db: Queryable, root: PGlite): SqlClient {
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      return (await db.query<R>(text, [...params])).rows;
    },
    async exec(text) {
      await db.exec(text);
    },
    async transaction(fn) {
      // PGlite runs one transaction at a time; nested calls join the outer one.
      if (db !== root) return fn(client(db, root));
      return root.transaction((tx) => fn(client(tx, root)));
    },
    async close() {
      await root.close();
    },
    // PGlite's own bulk path: COPY from a blob it is handed (no STDIN in the embedded engine); each blob costs
    // milliseconds of its own, so they are large.
    copyChunk: 32 << 20,
    soleSession: true,
    async copyFrom(table, columns, text) {
      await db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    },
    // And to a blob it hands back: the engine writes no row into JavaScript objects.
    async copyTo(query) {
      const { blob } = await db.query(`COPY (${query}) TO '/dev/blob' (FORMAT binary)`);
      if (!blob) throw new Error('PGlite gave no blob for COPY TO /dev/blob');
      return new Uint8Array(await blob.arrayBuffer());
    },
  };
}

/** The variable setting the embedded engine's shared buffers (`16MB`, `1GB`…); PostgreSQL's 128 MB when unset. */
export const SHARED_BUFFERS_VARIABLE = 'ATTAIN_PGLITE_SHARED_BUFFERS';

/**
 * The embedded engine's settings from the environment. Its start touches every page of its shared buffers: on
 * the 2-core machine of the tests, 0.6 s to open a store with 128 MB, 0.2 s with 16 MB. The test suite opens
 * hundreds of small stores and sets 16 MB; a large import wants the default, or more.
 */
export function pgliteSettings(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const sharedBuffers = env[SHARED_BUFFERS_VARIABLE];
  if (sharedBuffers === undefined || sharedBuffers === '') return [];
  if (!/^[1-9][0-9]{0,6}(kB|MB|GB)$/.test(sharedBuffers))
    throw new RangeError(`${SHARED_BUFFERS_VARIABLE} is "${sharedBuffers}": an amount such as 16MB, 512MB or 1GB`);
  return ['-c', `shared_buffers=${sharedBuffers}`];
}

/** `dataDir`: a folder, or `memory://` for a store that lives only as long as the process (tests, what-if). */
export async function openPglite(dataDir: string): Promise<SqlClient> {
  const settings = pgliteSettings();
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // On the engine's command line, for this start only: its postgresql.conf (PGlite's `postgresqlconf`) would keep it.
  const db = await PGlite.create(dataDir, settings.length > 0 ? { startParams: [...PGlite.defaultStartParams, ...settings] } : {});
  return client(db, db);
}
