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
import { importData, importScoring, type ScoringImportRequest } from '../app/imports.js';
import type { ScoringImportReport } from '../store/store.js';
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

/** A scoring import (`POST /api/v1/imports/scoring`), answered once the live state has caught up (a change event follows it). */
export async function importScoringRecords({ store, evaluations }: Context, request: ScoringImportRequest): Promise<ScoringImportReport> {
  try {
    return await importScoring(store, request);
  } finally {
    await evaluations.refresh().catch(() => undefined);
  }
}
