/**
 * What-if: a dataset fragment (extra revenue lines, associations, people,
 * exam passes…) added to a dataset before it is validated and evaluated, so
 * a user can ask "if these two people pass MB2-717 next month, what then?".
 * The result is validated as a whole; problems in the fragment's records
 * name the fragment and the record's place in it.
 */
import { problem, type Problem } from '../problems.js';
import { collections, type CollectionName } from './schema.js';

export interface Assumptions {
  /** Where the fragment came from, for messages and reports. */
  readonly source: string;
  /** How many records of each collection the fragment adds. */
  readonly records: Readonly<Partial<Record<CollectionName, number>>>;
}

export type Merged =
  | {
      readonly ok: true;
      readonly raw: Record<string, unknown>;
      readonly assumptions: Assumptions;
      readonly relabel: (p: Problem) => Problem;
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

const LABEL = /^(\w+)\[(\d+)\](.*)$/;

export function withAssumptions(raw: unknown, fragment: unknown, source: string): Merged {
  if (typeof fragment !== 'object' || fragment === null || Array.isArray(fragment)) {
    return { ok: false, problems: [problem(source, '', 'assumptionsNotObject')] };
  }
  const base = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = { ...base };
  const baseLength = new Map<string, number>();
  const records: Partial<Record<CollectionName, number>> = {};
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(fragment)) {
    if (!Object.hasOwn(collections, key)) {
      problems.push(problem(source, key, 'unknownCollection', { field: key, expected: Object.keys(collections).join(', ') }));
      continue;
    }
    if (!Array.isArray(value)) {
      problems.push(problem(source, key, 'assumedNotArray', { collection: key }));
      continue;
    }
    const existing = Array.isArray(base[key]) ? (base[key] as unknown[]) : [];
    baseLength.set(key, existing.length);
    merged[key] = [...existing, ...value];
    records[key as CollectionName] = value.length;
  }
  if (problems.length > 0) return { ok: false, problems };

  const relabel = (found: Problem): Problem => {
    const m = LABEL.exec(found.record);
    const offset = m ? baseLength.get(m[1]!) : undefined;
    if (!m || offset === undefined || Number(m[2]) < offset) return found;
    return { ...found, record: `${source}: ${m[1]}[${Number(m[2]) - offset}]${m[3]}` };
  };
  return { ok: true, raw: merged, assumptions: { source, records }, relabel };
}
