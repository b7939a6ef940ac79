/**
 * Input problems: what is wrong, in which record, in which field. Every
 * validator in the engine reports through this one type so that the CLI, the
 * API and the importer can all say `revenue[17] (id R-88): currency "EURO" is
 * not an ISO 4217 code` the same way. A problem is data (a code and its
 * values), not words: the engine speaks no language, and the shells word
 * problems through src/i18n in the language of whoever reads them.
 */
import type { z } from 'zod';

/** The values a problem's message names, as ICU MessageFormat takes them. */
export type MessageValues = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Problem {
  /** The record, e.g. `revenue[17] (id R-88)`, or the whole input (`dataset`). */
  readonly record: string;
  /** The field within the record, dotted for nested ones; empty for the record as a whole. */
  readonly field: string;
  /** What is wrong, as a key of the `problem` catalog: the message in every locale. */
  readonly code: string;
  /** The values the message names (the field, the value, the other record…). */
  readonly values: MessageValues;
}

export function problem(record: string, field: string, code: string, values: MessageValues = {}): Problem {
  return { record, field, code, values };
}

/**
 * The codes schemas give as their own errors (`notCalendarDate`): they must be
 * told from zod's own texts, and the catalog that could tell them is not the
 * engine's to read. A schema with a new code adds it here and to the catalog.
 */
export const SCHEMA_CODES: ReadonlySet<string> = new Set([
  'notCalendarDate',
  'notCountryCode',
  'notId',
  'notMonth',
  'notRequirementKind',
  'notSingleRequirementKind',
  'numberOrDecimalText',
  'notWebLink',
]);

/**
 * `record: code {values}`: a problem as data, for an error's message where no
 * shell has worded it (a log, a stack trace). What users read is worded by
 * src/i18n from the same code and values.
 */
export function problemSummary(p: Problem): string {
  const values = Object.keys(p.values).length > 0 ? ` ${JSON.stringify(p.values)}` : '';
  return `${p.record}: ${p.code}${values}`;
}

/** Thrown by the convenience entry points when input is invalid; carries every problem found. */
export class InvalidInputError extends Error {
  /** How many problems there are in all: `problems` may hold only the first of very many (a large import). */
  readonly total: number;

  /**
   * `describe` words each problem in the message; by default a summary of
   * its code and values, since the engine has no catalog. Adapters whose
   * errors people read as they are (a library's caller) throw them worded
   * in English instead (`invalidInput` of src/i18n).
   */
  constructor(
    readonly source: string,
    readonly problems: readonly Problem[],
    total?: number,
    describe: (p: Problem) => string = problemSummary,
  ) {
    const count = total ?? problems.length;
    super(`${source}: ${count} problem${count === 1 ? '' : 's'}\n${problems.map((p) => describe(p)).join('\n')}`);
    this.name = 'InvalidInputError';
    this.total = count;
  }
}

/** `revenue[17] (id R-88)`; the id is shown only when it is a usable text. */
export function recordLabel(collection: string, index: number, id?: unknown): string {
  const base = `${collection}[${index}]`;
  return typeof id === 'string' && id.length > 0 ? `${base} (id ${labelId(id)})` : base;
}

/** An id as a label shows it: one longer than any id may be (dataset/schema.ts) is cut, so the message stays readable. */
export function labelId(id: string): string {
  return id.length > 200 ? `${id.slice(0, 40)}…` : id;
}

/** A value quoted for a message, short enough to read; `missing` (a select option of the catalog) for no value. */
export function quote(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The kind of a value, as the `actual` of a `wrongType` problem: the catalog words it. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

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
 * A schema's custom error is a problem code taking `subject` and `value`;
 * zod's own texts are passed through as the `detail` of an `invalid` problem.
 */
export type ZodIssue = z.ZodError['issues'][number];

export function problemsFromZod(issues: readonly ZodIssue[], record: string, fieldPrefix: readonly PropertyKey[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = [...fieldPrefix, ...issue.path];
    const field = joinPath(path);
    // `record` (a select option of the catalog) when the record as a whole is wrong.
    const subject = field === '' ? 'record' : field;
    const input: unknown = 'input' in issue ? issue.input : undefined;
    const value = quote(input);
    const own = (message: string): Problem =>
      SCHEMA_CODES.has(message)
        ? problem(record, field, message, { subject, value })
        : problem(record, field, 'invalid', { subject, value, detail: message });
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const unknown = joinPath([...path, key]);
          problems.push(problem(record, unknown, 'unknownField', { field: unknown }));
        }
        break;
      case 'invalid_type':
        problems.push(
          input === undefined
            ? problem(record, field, 'missing', { subject })
            : problem(record, field, 'wrongType', { subject, expected: issue.expected, actual: kindOf(input) }),
        );
        break;
      case 'too_small':
        problems.push(
          issue.origin === 'array'
            ? problem(record, field, 'tooFewEntries', { subject, minimum: Number(issue.minimum) })
            : issue.origin === 'string'
              ? problem(record, field, 'empty', { subject })
              : problem(record, field, 'tooSmall', { subject, value, minimum: String(issue.minimum) }),
        );
        break;
      case 'invalid_value': {
        const allowed = issue.values.map((v) => quote(v));
        problems.push(
          allowed.length === 1
            ? problem(record, field, 'notValue', { subject, value, expected: allowed[0] })
            : problem(record, field, 'notOneOf', { subject, value, allowed: allowed.slice(0, -1).join(', '), last: allowed.at(-1) ?? '' }),
        );
        break;
      }
      case 'invalid_union':
        // Unions carry their own code ("numberOrDecimalText") in the schema.
        problems.push(input === undefined ? problem(record, field, 'missing', { subject }) : own(issue.message));
        break;
      case 'invalid_key': {
        const message = issue.issues[0]?.message;
        problems.push(message === undefined ? problem(record, field, 'invalidKey', { subject, value }) : own(message));
        break;
      }
      default:
        // Our own refinements and format checks carry a code (`notCalendarDate`, `notMonth`…).
        problems.push(own(issue.message));
    }
  }
  return problems;
}
