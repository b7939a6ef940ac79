/**
 * Reads a program definition from disk: one YAML/JSON file, or a folder of
 * fragments (program.yaml, countries.yaml, competencies/*.yaml) joined into
 * one definition, or such a folder with one subfolder per version under
 * versions/. Adding a competency is adding a file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { DefinitionsPort } from '../app/ports.js';
import { assembleProgram, compileProgramVersion, problem, type Problem, type Program, type ProgramVersion } from '../engine/index.js';
import { invalidInput } from '../i18n/index.js';

/** The definition shipped with Attain. */
export const DEFAULT_PROGRAM_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../definitions/microsoft-partner-network');

const DEFINITION_FILE = /\.(ya?ml|json)$/i;

/** The folder of versions in a definition folder; its subfolders are versions, one each. */
const VERSIONS = 'versions';

function definitionFiles(path: string, skip?: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full !== skip) walk(full);
      } else if (DEFINITION_FILE.test(entry.name)) files.push(full);
    }
  };
  walk(path);
  // program.yaml first, so the merged lists start with the program's own entries.
  return files.sort((a, b) => Number(basename(b).startsWith('program.')) - Number(basename(a).startsWith('program.')));
}

/** Joins fragments: lists are concatenated, mappings merged, scalars set once. */
function mergeFragments(fragments: { file: string; data: unknown }[], problems: Problem[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const setBy = new Map<string, string>();
  for (const { file, data } of fragments) {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      problems.push(problem(file, '', 'fileNotMapping'));
      continue;
    }
    for (const [key, value] of Object.entries(data)) {
      const existing = merged[key];
      if (existing === undefined) {
        merged[key] = Array.isArray(value) ? [...value] : value;
        setBy.set(key, file);
      } else if (Array.isArray(existing) && Array.isArray(value)) {
        existing.push(...value);
      } else if (isMapping(existing) && isMapping(value)) {
        for (const [k, v] of Object.entries(value)) {
          if (Object.hasOwn(existing, k)) {
            problems.push(problem(file, `${key}.${k}`, 'alreadySet', { field: `${key}.${k}`, file: String(setBy.get(key)) }));
          } else existing[k] = v;
        }
      } else {
        problems.push(problem(file, key, 'alreadySet', { field: key, file: String(setBy.get(key)) }));
      }
    }
  }
  return merged;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One version's definition as one document: its fragments joined, what `compileProgramVersion` takes. */
export interface VersionDefinition {
  readonly effectiveFrom: string;
  readonly definition: Record<string, unknown>;
}

/** A program read from disk: compiled, and each version's joined definition (oldest first), to keep in a store. */
export interface ProgramDefinitions {
  readonly program: Program;
  readonly definitions: readonly VersionDefinition[];
}

/**
 * Loads a program: a definition file, a folder of fragments (one version), or
 * a folder whose `versions/` subfolders each hold one version's fragments,
 * joined with the fragments outside `versions/` that all versions share.
 */
export function loadProgram(path: string = DEFAULT_PROGRAM_PATH): Program {
  return readProgramDefinitions(path).program;
}

/** Reads a program as `loadProgram` does, keeping besides each version's definition with its fragments joined. */
export function readProgramDefinitions(path: string = DEFAULT_PROGRAM_PATH): ProgramDefinitions {
  const problems: Problem[] = [];
  let layout: { label: string; files: string[] }[];
  try {
    const versionsDir = join(path, VERSIONS);
    if (statSync(path).isDirectory() && existsSync(versionsDir) && statSync(versionsDir).isDirectory()) {
      const shared = definitionFiles(path, versionsDir);
      for (const stray of readdirSync(versionsDir, { withFileTypes: true }).filter(
        (e) => !e.isDirectory() && DEFINITION_FILE.test(e.name),
      )) {
        problems.push(problem(`${VERSIONS}/${stray.name}`, '', 'outsideVersionFolder', { folder: VERSIONS }));
      }
      layout = readdirSync(versionsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
        .map((name) => ({ label: `${VERSIONS}/${name}`, files: [...shared, ...definitionFiles(join(versionsDir, name))] }));
    } else {
      layout = [{ label: '', files: definitionFiles(path) }];
    }
  } catch (error) {
    throw invalidInput(path, [problem(path, '', 'cannotReadDefinition', { detail: (error as Error).message })]);
  }

  const display = (file: string): string => (file === path ? file : relative(path, file));
  const parsed = new Map<string, unknown>();
  const parse = (file: string): { file: string; data: unknown }[] => {
    if (!parsed.has(file)) {
      try {
        parsed.set(file, parseYaml(readFileSync(file, 'utf8'), { merge: true }) as unknown);
      } catch (error) {
        const detail = (error as Error).message.split('\n')[0];
        const at = error instanceof YAMLParseError ? error.linePos?.[0] : undefined;
        problems.push(
          at
            ? problem(display(file), '', 'notYamlAt', { line: String(at.line), column: String(at.col), detail })
            : problem(display(file), '', 'notYaml', { detail }),
        );
        parsed.set(file, undefined);
      }
    }
    const data = parsed.get(file);
    return data === undefined ? [] : [{ file: display(file), data }];
  };

  const versions: { version: ProgramVersion; definition: Record<string, unknown> }[] = [];
  for (const { label, files } of layout) {
    const before = problems.length;
    // A copy for each version: joining writes into the first fragment's mappings (countries), which files shared by several versions must not carry from one to the next.
    const merged = mergeFragments(structuredClone(files.flatMap(parse)), problems);
    if (problems.length > before) continue;
    const compiled = compileProgramVersion(merged);
    // Each version is checked on its own; name it when there are several.
    if (!compiled.ok) problems.push(...compiled.problems.map((p) => (label ? { ...p, record: `${label}: ${p.record}` } : p)));
    else versions.push({ version: compiled.value, definition: merged });
  }
  if (problems.length > 0) throw invalidInput(path, dedupe(problems));
  const program = assembleProgram(versions.map((v) => v.version));
  if (!program.ok) throw invalidInput(path, program.problems);
  const definitions = versions
    .map(({ version, definition }) => ({ effectiveFrom: version.effectiveFrom, definition }))
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
  return { program: program.value, definitions };
}

/** A broken shared file is reported once, not once per version. */
function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.record}\u0000${p.field}\u0000${p.code}\u0000${JSON.stringify(p.values)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The definitions on disk, as the application layer asks for them (app/ports.ts). */
export const definitionsOnDisk: DefinitionsPort = {
  read: (path) => readProgramDefinitions(path),
  source: (path) => resolve(path ?? DEFAULT_PROGRAM_PATH),
};
