/**
 * Attribution (docs/rules.md, section 2): a revenue line belongs to the
 * partners whose association with the line's customer, of the scope's
 * association type, holds on the line's date — start and end both included,
 * an open end holding for ever. Only the line's own date matters, never the
 * as-of date: a hand-over (one association ending the day before the next
 * starts) splits the customer's lines between the two partners by date, and
 * each keeps its own.
 *
 * Under an exclusive type (DPOR) at most one association holds on any day,
 * since validation rejects overlaps (rules/exclusive-associations.ts); under
 * a type that is not exclusive, every partner holding one gets the line,
 * once.
 *
 * On day numbers and typed arrays: attribution runs once per revenue line
 * when data is prepared, millions of times.
 */
import type { DayNumber } from '../calendar.js';
import type { DatasetColumns } from '../evaluation/columns.js';

/**
 * The associations of one type grouped by customer, in their original order:
 * those of customer c are [start[c], start[c + 1]), each holding from `first`
 * to `last` (both included; `last` is NEVER while open) for `partner`.
 */
export interface Tenures {
  readonly start: Int32Array;
  readonly first: Int32Array;
  readonly last: Int32Array;
  readonly partner: Int32Array;
}

/** Whether an association from `first` to `last` holds on `day`. */
export function holdsOn(first: DayNumber, last: DayNumber, day: DayNumber): boolean {
  return first <= day && day <= last;
}

/** The associations of `type` (an index into `associations.types`; -1: none) for customers 0 … customerCount - 1. */
export function tenuresByCustomer(associations: DatasetColumns['associations'], type: number, customerCount: number): Tenures {
  const start = new Int32Array(customerCount + 1);
  const count = associations.type.length;
  for (let i = 0; i < count; i++) if (associations.type[i] === type) start[associations.customer[i]! + 1]! += 1;
  for (let c = 0; c < customerCount; c++) start[c + 1]! += start[c]!;
  const size = start[customerCount]!;
  const first = new Int32Array(size);
  const last = new Int32Array(size);
  const partner = new Int32Array(size);
  const cursor = start.slice(0, customerCount);
  for (let i = 0; i < count; i++) {
    if (associations.type[i] !== type) continue;
    const k = cursor[associations.customer[i]!]!++;
    first[k] = associations.first[i]!;
    last[k] = associations.last[i]!;
    partner[k] = associations.partner[i]!;
  }
  return { start, first, last, partner };
}

/**
 * The partners a customer's line of `day` is attributed to, each once, in `out[0 … n − 1]`; returns n (an
 * exclusive type gives at most one). What `out` holds past n is left as it was: emptying an array (its `length`)
 * is a call into the runtime, and this runs for every revenue line prepared.
 */
export function ownersOn(tenures: Tenures, customer: number, day: DayNumber, out: number[]): number {
  let n = 0;
  for (let k = tenures.start[customer]!, end = tenures.start[customer + 1]!; k < end; k++) {
    if (!holdsOn(tenures.first[k]!, tenures.last[k]!, day)) continue;
    const partner = tenures.partner[k]!;
    let i = 0;
    while (i < n && out[i] !== partner) i++;
    if (i === n) out[n++] = partner;
  }
  return n;
}

/** Whether a customer's line of `day` is attributed to anyone: false is revenue that counts for nobody. */
export function attributedOn(tenures: Tenures, customer: number, day: DayNumber): boolean {
  for (let k = tenures.start[customer]!, end = tenures.start[customer + 1]!; k < end; k++) {
    if (holdsOn(tenures.first[k]!, tenures.last[k]!, day)) return true;
  }
  return false;
}
