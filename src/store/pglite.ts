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
  };
}

/** `dataDir`: a folder, or `memory://` for a store that lives only as long as the process (tests, what-if). */
export async function openPglite(dataDir: string): Promise<SqlClient> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return client(db, db);
}
