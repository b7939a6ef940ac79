/** Reads a JSON dataset from disk and validates it against a program. */
import { readFileSync, statSync } from 'node:fs';
import { problem, validateDataset, type Catalog, type Dataset } from '../engine/index.js';
import { invalidInput } from '../i18n/index.js';
import { decodeUtf8, tooLargeToRead } from './utf8.js';

export function readJsonFile(path: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Past 2 GiB Node reads no file into one buffer; it could not be one text either.
    if (code === 'ERR_FS_FILE_TOO_LARGE') throw tooLargeToRead(path, statSync(path).size);
    throw invalidInput(path, [problem(path, '', 'cannotReadFile', { detail: code ?? (error as Error).message })]);
  }
  // Strict UTF-8: bytes that are not are an error naming line and byte, never U+FFFD.
  const text = decodeUtf8(path, bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidInput(path, [problem(path, '', 'notJson', { detail: (error as Error).message })]);
  }
}

export function loadDataset(path: string, program: Catalog): Dataset {
  const result = validateDataset(readJsonFile(path), program);
  if (!result.ok) throw invalidInput(path, result.problems);
  return result.value;
}
