/** `attain program load` and `attain program list`: the program definitions a store keeps, by version. */
import { definitionsOnDisk, readProgramDefinitions } from '../../files/program-files.js';
import type { Translator } from '../../i18n/index.js';
import { withStore, type StoreFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { renderProgramSave, renderProgramVersions } from '../../render/program-table.js';

export interface ProgramLoadCommandOptions extends StoreFlags {
  /** The definition file or folder (default: the bundled one). */
  readonly program?: string | undefined;
  readonly format: string;
}

export interface ProgramListCommandOptions extends StoreFlags {
  readonly format: string;
}

/** Stores every version of a definition: new ones added, changed ones updated, the same ones left unchanged. */
export async function runProgramLoad(options: ProgramLoadCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  // Read and checked before the store is opened: a broken definition leaves the store untouched.
  const { definitions } = readProgramDefinitions(options.program);
  const report = await withStore(options, io, (store) => store.saveProgram(definitions, definitionsOnDisk.source(options.program)));
  io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderProgramSave(report, tr));
}

/** The versions the store keeps: program, effective date, where each was read from, when it was loaded. */
export async function runProgramList(options: ProgramListCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const versions = await withStore(options, io, (store) => store.programVersions());
  io.stdout(options.format === 'json' ? `${JSON.stringify(versions, null, 2)}\n` : renderProgramVersions(versions, tr));
}
