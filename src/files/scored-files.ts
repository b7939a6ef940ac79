/**
 * Scored program definitions on disk: a folder whose root files are shared
 * fragments (the market table) and whose `versions/*.yaml` are one scored
 * version each. Each version is its shared fragments joined with its own
 * file, top-level keys only; a key set twice is a problem naming both files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { assembleScoredVersions, problem, type Problem, type ScoredVersionDefinition } from '../engine/index.js';

/** The bundled scored definition: Business Applications, PCI then PCS. */
export const DEFAULT_SCORED_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../definitions/microsoft-business-applications');

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();

export type ScoredRead =
  | { readonly ok: true; readonly versions: readonly ScoredVersionDefinition[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export function readScoredDefinitions(folder: string = DEFAULT_SCORED_PATH): ScoredRead {
  const problems: Problem[] = [];
  const read = (path: string, label: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = parseYaml(readFileSync(path, 'utf8'), { version: '1.2', merge: true });
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
      problems.push(problem(label, '', 'fileNotMapping'));
    } catch (error) {
      problems.push(problem(label, '', 'notYaml', { detail: error instanceof Error ? error.message : String(error) }));
    }
    return undefined;
  };
  const shared: { label: string; value: Record<string, unknown> }[] = [];
  for (const name of yamlFiles(folder)) {
    const value = read(join(folder, name), name);
    if (value) shared.push({ label: name, value });
  }
  const documents: { label: string; document: unknown }[] = [];
  const versionsDir = join(folder, 'versions');
  for (const name of yamlFiles(versionsDir)) {
    const label = `versions/${name}`;
    const own = read(join(versionsDir, name), label);
    if (!own) continue;
    const joined: Record<string, unknown> = {};
    const setBy = new Map<string, string>();
    for (const { label: from, value } of [...shared, { label, value: own }]) {
      for (const [key, v] of Object.entries(value)) {
        const earlier = setBy.get(key);
        if (earlier !== undefined) problems.push(problem(from, key, 'alreadySet', { field: key, file: earlier }));
        else {
          joined[key] = v;
          setBy.set(key, from);
        }
      }
    }
    documents.push({ label, document: joined });
  }
  const assembled = assembleScoredVersions(documents);
  if (!assembled.ok) problems.push(...assembled.problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, versions: assembled.ok ? assembled.versions : [] };
}
