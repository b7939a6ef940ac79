/**
 * Data made judgeable: records read by a shell (a file the command line
 * read, the store's rows) validated under the program, with a what-if
 * fragment merged in first. Nothing is evaluated from data that did not pass.
 */
import { validateDataset, withAssumptions, type Assumptions, type Program, type Problem } from '../engine/index.js';
import type { Outcome } from './reports.js';
import type { JudgedData } from './reports.js';

/** A what-if fragment as read, and its name. */
export interface Assumed {
  readonly raw: unknown;
  readonly source: string;
}

export interface DataWithAssumptions extends JudgedData {
  /** Present when a what-if fragment was merged in. */
  readonly assumptions?: Assumptions | undefined;
}

/** `raw` (named `source`) validated under `program`, `assume` merged in first; a `data` failure names both. */
export function judgeable(raw: unknown, program: Program, source: string, assume?: Assumed): Outcome<DataWithAssumptions> {
  let records = raw;
  let assumptions: Assumptions | undefined;
  let relabel = (p: Problem): Problem => p;
  if (assume !== undefined) {
    const merged = withAssumptions(raw, assume.raw, assume.source);
    if (!merged.ok) return { ok: false, kind: 'data', source: assume.source, problems: merged.problems };
    records = merged.raw;
    assumptions = merged.assumptions;
    relabel = merged.relabel;
  }
  const validated = validateDataset(records, program);
  if (!validated.ok) {
    const label = assume === undefined ? source : `${source} + ${assume.source}`;
    return { ok: false, kind: 'data', source: label, problems: validated.problems.map(relabel) };
  }
  return { ok: true, value: { program, dataset: validated.value, source, assumptions } };
}
