/**
 * The two engines every store test runs on: embedded PGlite in a folder of
 * its own, and the PostgreSQL server in a schema of its own (dropped after
 * the file's tests), so that runs never collide.
 */
import pg from 'pg';
import { afterAll } from 'vitest';
import type { StoreOptions } from '../../src/store/store.js';
import { DATABASE_VARIABLE, LOCAL_DATABASE_URL } from '../../scripts/test-environment.js';
import { emptyStoreFolder } from './pglite-template.js';

/** The PostgreSQL server of this run, chosen by the suite's global setup (test/support/global-setup.ts). */
export const SERVER = process.env[DATABASE_VARIABLE] ?? LOCAL_DATABASE_URL;

export interface Engine {
  readonly name: 'PGlite' | 'PostgreSQL';
  /** A new, empty store's options on this engine. */
  readonly options: () => StoreOptions;
}

/** Call at a test file's top level: the engines, and new server schemas named after `name`, all dropped after the file. */
export function storeEngines(name: string): { readonly engines: readonly Engine[]; readonly newSchema: () => string } {
  const schemas: string[] = [];
  const newSchema = (): string => {
    const schema = `attain_${name}_${process.pid}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    schemas.push(schema);
    return schema;
  };
  afterAll(async () => {
    if (schemas.length === 0) return;
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  const engines: Engine[] = [
    { name: 'PGlite', options: () => ({ dataDir: emptyStoreFolder(`attain-${name}-`) }) },
    { name: 'PostgreSQL', options: () => ({ databaseUrl: SERVER, schema: newSchema() }) },
  ];
  return { engines, newSchema };
}
