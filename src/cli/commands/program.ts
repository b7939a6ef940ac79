/**
 * `attain program load` and `attain program list`: the program definitions a store keeps, by version. While
 * `attain serve` or `attain start` owns the embedded store, both go through that server's API (POST and GET
 * /api/v1/programs, ../through-server.ts) and print what they print when they open the store themselves.
 */
import { definitionsOnDisk, readProgramDefinitions } from '../../files/program-files.js';
import type { Translator } from '../../i18n/index.js';
import type { ProgramSaveReport, StoredProgramVersion } from '../../store/programs.js';
import type { StoreFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { onStoreOrServer } from '../through-server.js';
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
  const source = definitionsOnDisk.source(options.program);
  const report = await onStoreOrServer(
    options,
    io,
    tr,
    (store) => store.saveProgram(definitions, source),
    async (server) => {
      const answer = await server.send('POST', '/api/v1/programs', { json: { definitions: definitions.map((d) => d.definition), source } });
      if (answer.status === 200) return answer.body as ProgramSaveReport;
      throw server.refused(answer);
    },
  );
  io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderProgramSave(report, tr));
}

/** The versions the store keeps: program, effective date, where each was read from, when it was loaded. */
export async function runProgramList(options: ProgramListCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const versions = await onStoreOrServer(
    options,
    io,
    tr,
    (store) => store.programVersions(),
    async (server): Promise<StoredProgramVersion[]> => {
      const answer = await server.send('GET', '/api/v1/programs');
      if (answer.status !== 200) throw server.refused(answer);
      const list = answer.body as {
        stored: boolean;
        programs: { id: string; versions: { effectiveFrom: string; source: string; loadedAt: string }[] }[];
      };
      // A store keeping no definition lists the bundled one it would be judged by: this command lists none.
      if (!list.stored) return [];
      return list.programs.flatMap((p) =>
        p.versions.map(({ effectiveFrom, source, loadedAt }) => ({ programId: p.id, effectiveFrom, source, loadedAt })),
      );
    },
  );
  io.stdout(options.format === 'json' ? `${JSON.stringify(versions, null, 2)}\n` : renderProgramVersions(versions, tr));
}
