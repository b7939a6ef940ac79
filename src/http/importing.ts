/**
 * Writing data through the API: always Store.import, as `attain import`
 * does — every rule of a dataset checked against the store, all or
 * nothing, merged by key (idempotent), recorded as import batches — with
 * the program `attain import` would use. The answer comes once the live
 * state (app/evaluations.ts) has caught up with the import, so every read
 * after it sees it.
 */
import type { ImportReport } from '../store/store.js';
import type { Batch, ImportSource } from '../store/store.js';
import { importData } from '../app/imports.js';
import { definitionsOnDisk } from '../files/program-files.js';
import type { Context } from './context.js';

export async function importFiles(
  { store, evaluations }: Context,
  files: readonly (Batch | ImportSource)[],
  options: { readonly skipInvalid?: boolean | undefined } = {},
): Promise<ImportReport[]> {
  try {
    return await importData(store, definitionsOnDisk, { files, skipInvalid: options.skipInvalid });
  } finally {
    // A failure to judge the store shows on the next read (409); the import's own answer stands.
    await evaluations.refresh().catch(() => undefined);
  }
}
