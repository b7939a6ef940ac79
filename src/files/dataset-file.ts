/** Reads a JSON dataset from disk and validates it against a program. */
import { readFileSync } from 'node:fs';
import { InvalidInputError, problem, validateDataset, type Catalog, type Dataset } from '../engine/index.js';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(path, [
      problem(path, '', 'cannotReadFile', { detail: (error as NodeJS.ErrnoException).code ?? (error as Error).message }),
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(path, [problem(path, '', 'notJson', { detail: (error as Error).message })]);
  }
}

export function loadDataset(path: string, program: Catalog): Dataset {
  const result = validateDataset(readJsonFile(path), program);
  if (!result.ok) throw new InvalidInputError(path, result.problems);
  return result.value;
}
