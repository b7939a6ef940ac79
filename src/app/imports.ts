/**
 * The import use case, for `attain import`, `attain start` and every write
 * of the API: the files checked together against the store with the program
 * `programPath` names (else the store's; a store that keeps none keeps the
 * one used), all or nothing, merged by key.
 */
import type { ScoredVersionDefinition } from '../engine/index.js';
import type { ImportReport, ScoringImportOptions, ScoringImportReport } from '../store/store.js';
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

export interface ScoringImportRequest {
  /** The records, in a records file's shape. */
  readonly records: unknown;
  /** Where they came from, as the batch and the problems name it. */
  readonly source: string;
  /** The scored definition's versions the records are checked with. */
  readonly versions: readonly ScoredVersionDefinition[];
  readonly options?: ScoringImportOptions | undefined;
}

/** The scoring import use case, for `attain import --scored` and `POST /api/v1/imports/scoring`: merged by key, all or nothing. */
export async function importScoring(store: StorePort, request: ScoringImportRequest): Promise<ScoringImportReport> {
  return store.importScoringRecords(request.records, request.source, request.versions, request.options);
}
