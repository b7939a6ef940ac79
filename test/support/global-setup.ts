/**
 * Once per test run: the PostgreSQL server of the store's tests. The one
 * named by ATTAIN_TEST_DATABASE_URL, else the local one at 127.0.0.1:5432,
 * else an embedded server started here and stopped when the run ends. The
 * chosen URL reaches every test file through ATTAIN_TEST_DATABASE_URL
 * (test/support/stores.ts reads it). And the empty embedded store new stores
 * are copied from (test/support/pglite-template.ts).
 *
 * Every temporary folder of the run — the tests' stores and files, and those
 * of the processes they start, which inherit TMPDIR — is made inside one
 * folder of the run, removed when the run ends: a failed test or a process
 * killed midway leaves nothing behind in the machine's temporary folder.
 * ATTAIN_TEST_KEEP_TMP=1 keeps it, to look into what a failed test left.
 *
 * The embedded stores run with 16 MB of shared buffers (unless
 * ATTAIN_PGLITE_SHARED_BUFFERS says otherwise): the suite opens hundreds of
 * small stores, and each start touches all of its buffers (0.6 s at the
 * default 128 MB on this machine, 0.2 s at 16 MB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choosePostgres, DATABASE_VARIABLE, MissingPrerequisite, startEmbeddedPostgres } from '../../scripts/test-environment.js';
import { SHARED_BUFFERS_VARIABLE } from '../../src/store/pglite.js';
import { createStoreTemplate } from './pglite-template.js';

export default async function setup(): Promise<() => Promise<void>> {
  const run = mkdtempSync(join(tmpdir(), 'attain-test-run-'));
  const removeRun = () => {
    if (process.env.ATTAIN_TEST_KEEP_TMP === '1') console.error(`test environment: temporary folders kept in ${run}`);
    else rmSync(run, { recursive: true, force: true });
  };
  process.env.TMPDIR = run;
  process.env[SHARED_BUFFERS_VARIABLE] ||= '16MB';
  try {
    await createStoreTemplate();
    const url = await choosePostgres();
    if (url) {
      process.env[DATABASE_VARIABLE] = url;
      return async () => removeRun();
    }
    const embedded = await startEmbeddedPostgres();
    process.env[DATABASE_VARIABLE] = embedded.url;
    return async () => {
      await embedded.stop();
      removeRun();
    };
  } catch (error) {
    removeRun();
    // One line naming what is missing, not a stack trace.
    if (error instanceof MissingPrerequisite) throw new Error(`test environment: missing: ${error.message}`);
    throw error;
  }
}
