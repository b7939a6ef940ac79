/**
 * What the application layer needs from the outside world, as interfaces:
 * the store (PGlite or PostgreSQL, src/store) and the program definitions on
 * disk (src/files) implement them, and the shells hand them in. The use cases
 * never open a file or a connection themselves, so they run as well on a
 * store as on a file read by the command line, and in tests on anything
 * that answers these few calls.
 */
import type { Catalog, DatasetColumns, Program } from '../engine/index.js';
import type { ImportOptions } from '../store/import.js';
import type { ScoredVersionDefinition } from '../engine/index.js';
import type { Batch, ImportReport, ImportSource, ProgramToKeep, ScoringImportOptions, ScoringImportReport } from '../store/store.js';

/** A program read from definitions, with each version's definition (to keep in a store). */
export interface ReadDefinitions {
  readonly program: Program;
  readonly definitions: readonly { readonly definition: unknown }[];
}

/** The program definitions on disk. */
export interface DefinitionsPort {
  /** The definition at `path`, or the bundled one when absent. Throws the files' own InvalidInputError when unreadable. */
  read(path?: string): ReadDefinitions;
  /** Where a definition is read from, as the store records it (an absolute path; the bundled one's when absent). */
  source(path?: string): string;
}

/** What the use cases read from and write to the store. */
export interface StorePort {
  /** The program the store keeps, compiled; undefined when it keeps none. */
  program(): Promise<Program | undefined>;
  /** The versions the store keeps (only whether there are any matters here). */
  programVersions(): Promise<readonly unknown[]>;
  /** Every record, as rows of each collection (a dataset to validate). */
  read(): Promise<unknown>;
  /** One partner's neighbourhood, or several partners' together: everything that decides their measures, as rows of each collection. */
  neighbourhood(partnerIds: string | readonly string[]): Promise<unknown>;
  /** What imports changed after batch `after`: the last batch, and every partner whose measures they can change. */
  changesSince(after: number): Promise<{ readonly lastBatch: number; readonly partnerIds: readonly string[] }>;
  /** The whole store as columns, checked against the catalogs of the program's versions. */
  columns(catalog: Catalog): Promise<DatasetColumns>;
  /** An import: every file checked together, all or nothing. */
  import(
    files: readonly (Batch | ImportSource)[],
    program: Program,
    options?: ImportOptions & { readonly program?: ProgramToKeep | undefined },
  ): Promise<ImportReport[]>;
  /** A scoring records import: merged by key into the stored records, checked with them, all or nothing. */
  importScoringRecords(
    incoming: unknown,
    source: string,
    versions: readonly ScoredVersionDefinition[],
    options?: ScoringImportOptions,
  ): Promise<ScoringImportReport>;
  /** What changes whenever the data or the rules change (the last import batch, the program versions). */
  readonly queries: { stamp(): Promise<string> };
}
