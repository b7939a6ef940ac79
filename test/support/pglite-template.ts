/**
 * An empty PGlite store costs two seconds to create (the embedded engine's initdb, then the migrations) and a
 * quarter of a second to open once it exists. The suite's global setup creates one empty, migrated store per
 * run; a test that needs a new embedded store gets a copy of it (`emptyStoreFolder`), the same store as a new
 * folder opened afresh would become, in a fraction of the time. Tests of creating a store (initdb, migrations
 * from an older schema, a folder that is not a store) make their own folders and do not use this.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable naming the run's template folder, set by the global setup for every test file. */
const TEMPLATE_VARIABLE = 'ATTAIN_TEST_PGLITE_TEMPLATE';

/** Creates the run's template store (called once, by the global setup). */
export async function createStoreTemplate(): Promise<void> {
  // Imported here, not at the top: the global setup loads this file before anything else needs the store.
  const { Store } = await import('../../src/store/store.js');
  // In the run's temporary folder (global-setup.ts), removed with it.
  const folder = mkdtempSync(join(tmpdir(), 'attain-template-'));
  await (await Store.open({ dataDir: folder })).close();
  process.env[TEMPLATE_VARIABLE] = folder;
}

/** A new folder (named from `prefix`) holding an empty, migrated embedded store. */
export function emptyStoreFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const template = process.env[TEMPLATE_VARIABLE];
  // Without the global setup (a file run on its own through another runner), the store is created on first open.
  if (template) cpSync(template, folder, { recursive: true });
  return folder;
}
