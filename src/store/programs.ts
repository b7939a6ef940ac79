/**
 * Program definitions kept in the store: one row per version of a program
 * (`program_versions`), its definition as one JSON document — the version's
 * fragments joined, what `compileProgramVersion` takes — with where it was
 * read from and when it was stored.
 *
 * A store usually holds one program: that of its data. It may hold several
 * (ids differ); reading then needs the program's id, or fails saying which
 * ids there are.
 */
import { assembleProgram, compileProgramVersion, problem, type Problem, type Program, type ProgramVersion } from '../engine/index.js';
import { invalidInput } from '../i18n/index.js';
import type { SqlClient } from './sql.js';

/** What became of one version when a program was saved. */
export type SaveStatus = 'added' | 'updated' | 'unchanged';

export interface ProgramSaveReport {
  readonly programId: string;
  readonly source: string;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Each version saved, oldest first. */
  readonly versions: readonly { readonly effectiveFrom: string; readonly status: SaveStatus }[];
}

/** A stored version, without its definition. */
export interface StoredProgramVersion {
  readonly programId: string;
  readonly effectiveFrom: string;
  readonly source: string;
  /** When it was stored or last changed: an ISO 8601 instant in UTC. */
  readonly loadedAt: string;
}

interface DefinitionRow {
  readonly programId: string;
  readonly effectiveFrom: string;
  readonly definition: unknown;
}

/**
 * Saves the versions of one program: a version the store lacks is added, one
 * whose definition differs from the stored one (same program, same effective
 * date) is updated, an identical one is left unchanged; stored versions not
 * given are kept. The definitions, and the stored versions with them, must
 * make a valid program, or InvalidInputError is thrown and nothing is written.
 */
export async function saveProgramVersions(
  db: SqlClient,
  definitions: readonly { readonly definition: unknown }[],
  source: string,
): Promise<ProgramSaveReport> {
  // Kept as JSON: compiled as the store will give it back.
  const documents = definitions.map((d) => JSON.parse(JSON.stringify(d.definition ?? null)) as unknown);
  const problems: Problem[] = [];
  const incoming: ProgramVersion[] = [];
  for (const [i, document] of documents.entries()) {
    const compiled = compileProgramVersion(document);
    if (compiled.ok) incoming.push(compiled.value);
    else problems.push(...compiled.problems.map((p) => ({ ...p, record: `definitions[${i}]: ${p.record}` })));
  }
  if (problems.length > 0) throw invalidInput(source, problems);
  const assembled = assembleProgram(incoming);
  if (!assembled.ok) throw invalidInput(source, assembled.problems);
  const programId = assembled.value.id;

  return db.transaction(async (tx) => {
    // The stored versions this save leaves as they are must still fit with the new ones.
    const given = new Set<string>(incoming.map((v) => v.effectiveFrom));
    const kept = (await definitionRows(tx, programId)).filter((row) => !given.has(row.effectiveFrom));
    const together = assembleProgram([...compileRows(kept), ...incoming]);
    if (!together.ok) throw invalidInput(source, together.problems);

    const versions: { effectiveFrom: string; status: SaveStatus }[] = [];
    for (const [i, version] of incoming.entries()) {
      const definition = JSON.stringify(documents[i]);
      // jsonb equality: the same document whatever the order of its keys.
      const [stored] = await tx.query<{ same: boolean }>(
        'SELECT definition = $3::jsonb AS same FROM program_versions WHERE program_id = $1 AND effective_from = $2',
        [programId, version.effectiveFrom, definition],
      );
      let status: SaveStatus;
      if (!stored) {
        await tx.query('INSERT INTO program_versions (program_id, effective_from, definition, source) VALUES ($1, $2, $3::jsonb, $4)', [
          programId,
          version.effectiveFrom,
          definition,
          source,
        ]);
        status = 'added';
      } else if (!stored.same) {
        await tx.query(
          'UPDATE program_versions SET definition = $3::jsonb, source = $4, loaded_at = now() WHERE program_id = $1 AND effective_from = $2',
          [programId, version.effectiveFrom, definition, source],
        );
        status = 'updated';
      } else status = 'unchanged';
      versions.push({ effectiveFrom: version.effectiveFrom, status });
    }
    versions.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
    const count = (status: SaveStatus) => versions.filter((v) => v.status === status).length;
    return { programId, source, added: count('added'), updated: count('updated'), unchanged: count('unchanged'), versions };
  });
}

/**
 * The stored program, every version compiled: `programId`'s, or, without
 * one, the only program the store holds. Undefined when the store holds no
 * version of it; InvalidInputError when no id is given and the store holds
 * several programs, or when a stored definition no longer compiles.
 */
export async function loadStoredProgram(db: SqlClient, programId?: string): Promise<Program | undefined> {
  let id = programId;
  if (id === undefined) {
    const ids = (await db.query<{ id: string }>('SELECT DISTINCT program_id AS id FROM program_versions ORDER BY program_id')).map(
      (r) => r.id,
    );
    if (ids.length === 0) return undefined;
    if (ids.length > 1) throw invalidInput('store', [problem('store', '', 'severalStoredPrograms', { ids: ids.join(', ') })]);
    id = ids[0]!;
  }
  const rows = await definitionRows(db, id);
  if (rows.length === 0) return undefined;
  const program = assembleProgram(compileRows(rows));
  if (!program.ok) throw invalidInput('store', program.problems);
  return program.value;
}

/** Every stored version, by program and effective date. */
export async function storedProgramVersions(db: SqlClient): Promise<StoredProgramVersion[]> {
  return db.query<StoredProgramVersion>(
    `SELECT program_id AS "programId", effective_from::text AS "effectiveFrom", source,
            to_char(loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "loadedAt"
       FROM program_versions ORDER BY program_id, effective_from`,
  );
}

async function definitionRows(db: SqlClient, programId: string): Promise<DefinitionRow[]> {
  const rows = await db.query<DefinitionRow>(
    `SELECT program_id AS "programId", effective_from::text AS "effectiveFrom", definition
       FROM program_versions WHERE program_id = $1 ORDER BY effective_from`,
    [programId],
  );
  return rows.map((r) => ({ ...r, definition: typeof r.definition === 'string' ? (JSON.parse(r.definition) as unknown) : r.definition }));
}

/** Stored definitions compiled; one that no longer compiles is named by its program and date. */
function compileRows(rows: readonly DefinitionRow[]): ProgramVersion[] {
  const problems: Problem[] = [];
  const versions: ProgramVersion[] = [];
  for (const row of rows) {
    const compiled = compileProgramVersion(row.definition);
    if (compiled.ok) versions.push(compiled.value);
    else
      problems.push(
        ...compiled.problems.map((p) => ({ ...p, record: `program_versions (${row.programId}, ${row.effectiveFrom}): ${p.record}` })),
      );
  }
  if (problems.length > 0) throw invalidInput('store', problems);
  return versions;
}
