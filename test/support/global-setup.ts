/**
 * Once per test run: the PostgreSQL server of the store's tests. The one
 * named by ATTAIN_TEST_DATABASE_URL, else the local one at 127.0.0.1:5432,
 * else an embedded server started here and stopped when the run ends. The
 * chosen URL reaches every test file through ATTAIN_TEST_DATABASE_URL
 * (test/support/stores.ts reads it). And the empty embedded store new stores
 * are copied from (test/support/pglite-template.ts).
 */
import { choosePostgres, DATABASE_VARIABLE, MissingPrerequisite, startEmbeddedPostgres } from '../../scripts/test-environment.js';
import { createStoreTemplate } from './pglite-template.js';

export default async function setup(): Promise<() => Promise<void>> {
  try {
    const removeTemplate = await createStoreTemplate();
    const url = await choosePostgres();
    if (url) {
      process.env[DATABASE_VARIABLE] = url;
      return async () => removeTemplate();
    }
    const embedded = await startEmbeddedPostgres();
    process.env[DATABASE_VARIABLE] = embedded.url;
    return async () => {
      removeTemplate();
      await embedded.stop();
    };
  } catch (error) {
    // One line naming what is missing, not a stack trace.
    if (error instanceof MissingPrerequisite) throw new Error(`test environment: missing: ${error.message}`);
    throw error;
  }
}
