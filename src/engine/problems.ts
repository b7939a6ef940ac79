/**
 * Input problems: what is wrong, in which record, in which field. Every
 * validator in the engine reports through this one type so that the CLI, the
 * API and the importer can all say `revenue[17] (id R-88): currency "EURO" is
 * not an ISO 4217 code` the same way.
 */
import type { z } from 'zod';

export interface Problem {
  /** The record, e.g. `revenue[17] (id R-88)`, or the whole input (`dataset`). */
  readonly record: string;
  /** The field within the record, dotted for nested ones; empty for the record as a whole. */
  readonly field: string;
  /** A sentence fragment that names the field and the value, e.g. `currency "EURO" is not an ISO 4217 code`. */
  readonly message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.record}: ${problem.message}`;
}

/** Thrown by the convenience entry points when input is invalid; carries every problem found. */
export class InvalidInputError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly Problem[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'InvalidInputError';
  }
}

/** `revenue[17] (id R-88)`; the id is shown only when it is a usable text. */
export function recordLabel(collection: string, index: number, id?: unknown): string {
  const base = `${collection}[${index}]`;
  return typeof id === 'string' && id.length > 0 ? `${base} (id ${id})` : base;
}

/** A value quoted for a message, short enough to read. */
export function quote(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'a text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function joinPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Turns the issues of a zod parse of one record into problems. Parse with
 * `{ reportInput: true }` so that messages can quote the offending value.
 */
export type ZodIssue = z.ZodError['issues'][number];

export function problemsFromZod(issues: readonly ZodIssue[], record: string, fieldPrefix: readonly PropertyKey[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = [...fieldPrefix, ...issue.path];
    const field = joinPath(path);
    const subject = field === '' ? 'record' : field;
    const input: unknown = 'input' in issue ? issue.input : undefined;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          problems.push({ record, field: joinPath([...path, key]), message: `unknown field "${joinPath([...path, key])}"` });
        }
        break;
      case 'invalid_type':
        problems.push({
          record,
          field,
          message:
            input === undefined
              ? `${subject} is missing`
              : `${subject} must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(input)}`,
        });
        break;
      case 'too_small':
        problems.push({
          record,
          field,
          message:
            issue.origin === 'array'
              ? `${subject} must have at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}`
              : issue.origin === 'string'
                ? `${subject} must not be empty`
                : `${subject} ${quote(input)} must be at least ${String(issue.minimum)}`,
        });
        break;
      case 'invalid_value':
        problems.push({
          record,
          field,
          message: `${subject} ${quote(input)} must be ${issue.values.map((v) => quote(v)).join(' or ')}`,
        });
        break;
      case 'invalid_union':
        // Unions carry their own "must be …" message in the schema.
        problems.push({
          record,
          field,
          message: input === undefined ? `${subject} is missing` : `${subject} ${quote(input)} ${issue.message}`,
        });
        break;
      case 'invalid_key':
        problems.push({ record, field, message: `${subject} ${quote(input)} ${issue.issues[0]?.message ?? 'is not a valid key'}` });
        break;
      default:
        // Our own refinements and format checks carry a message that starts with "must".
        problems.push({ record, field, message: `${subject} ${quote(input)} ${issue.message}` });
    }
  }
  return problems;
}
