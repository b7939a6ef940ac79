/**
 * The import use case, for `attain import`, `attain start` and every write
 * of the API: the files checked together against the store with the program
 * `programPath` names (else the store's; a store that keeps none keeps the
 * one used), all or nothing, merged by key.
 */
import type { ImportReport } from '../store/store.js';
import { programForImport } from './choices.js';
import type { DefinitionsPort, StorePort } from './ports.js';

export interface ImportRequest {
  readonly files: Parameters<StorePort['import']>[0];
  /** A program definition to check with instead of the store's. */
  readonly programPath?: string | undefined;
  /** Import the good records, leave out (and report) the others. */
  readonly skipInvalid?: boolean | undefined;
}

export async function importData(store: StorePort, definitions: DefinitionsPort, request: ImportRequest): Promise<ImportReport[]> {
  const { program, keep } = await programForImport(store, definitions, request.programPath);
  return store.import(request.files, program, { skipInvalid: request.skipInvalid ?? false, program: keep });
}
