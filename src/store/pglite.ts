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

/** `dataDir`: a folder, or `memory://` for a store that lives only as long as the process (tests, what-if). */
export async function openPglite(dataDir: string): Promise<SqlClient> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return client(db, db);
}
