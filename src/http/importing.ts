/**
 * Writing data through the API: always Store.import, as `attain import`
 * does — every rule of a dataset checked against the store, all or
 * nothing, merged by key (idempotent), recorded as import batches — with
 * the program `attain import` would use. What is kept of evaluations is
 * dropped after every import.
 */
import type { ImportReport } from '../store/store.js';
import type { Batch, ImportSource } from '../store/store.js';
import { programForImport } from '../app/rules.js';
import type { Context } from './context.js';

export async function importFiles(
  { store, evaluations }: Context,
  files: readonly (Batch | ImportSource)[],
  options: { readonly skipInvalid?: boolean | undefined } = {},
): Promise<ImportReport[]> {
  try {
    const { program, keep } = await programForImport(store, undefined);
    return await store.import(files, program, { skipInvalid: options.skipInvalid ?? false, program: keep });
  } finally {
    evaluations.invalidate();
  }
}
