/** Builders of scoring records for the tests of scored programs. */
import {
  monthIndex,
  monthText,
  scoringCollections,
  validateScoringRecords,
  type ScoringDataset,
  type ScoringRecords,
  type ScoredVersionDefinition,
  type StatusContext,
  type StatusRules,
} from '../../src/engine/index.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
export type Records = Mutable<Required<ScoringRecords>>;

export function emptyRecords(): Records {
  return Object.fromEntries(Object.keys(scoringCollections).map((name) => [name, []])) as unknown as Records;
}

export function month(text: string, offset = 0): string {
  return monthText(monthIndex(text) + offset);
}

/** A tenant with one paid subscription to `product`, associated with the partner by `type` from `from` on. */
export function tenantWith(
  r: Records,
  tenant: string,
  product: string,
  partner: string,
  type: string,
  from = '2015-01',
  country = 'US',
): string {
  if (!r.tenants.some((t) => t.id === tenant)) r.tenants.push({ id: tenant, country });
  const id = `${tenant}/${product}`;
  if (!r.subscriptions.some((s) => s.id === id)) r.subscriptions.push({ id, tenantId: tenant, product, paid: true });
  r.associations.push({ partnerId: partner, subscriptionId: id, type, from });
  return id;
}

let lines = 0;
export function bill(r: Records, subscriptionId: string, m: string, amountUsd: number | string): void {
  r.billing.push({ id: `B${++lines}`, subscriptionId, month: m, amountUsd });
}

export function seatsFor(r: Records, subscriptionId: string, from: string, to: string, paidSeats = 5): void {
  for (let m = monthIndex(from); m <= monthIndex(to); m++) r.seats.push({ subscriptionId, month: monthText(m), paidSeats });
}

let people = 0;
/** `n` people of the partner, each with the passes given. */
export function peopleWith(r: Records, partner: string, n: number, exams: readonly string[], date = '2020-01-15'): void {
  for (let i = 0; i < n; i++) {
    const id = `person-${++people}`;
    r.people.push({ id, partnerId: partner });
    for (const exam of exams) r.examPasses.push({ personId: id, exam, date });
  }
}

export function peopleHolding(r: Records, partner: string, n: number, certification: string, date = '2023-01-15'): void {
  for (let i = 0; i < n; i++) {
    const id = `person-${++people}`;
    r.people.push({ id, partnerId: partner });
    r.certificationsHeld.push({ personId: id, certification, date });
  }
}

export function catalogOf(versions: readonly ScoredVersionDefinition[]) {
  const workloads = new Set(versions.flatMap((v) => v.workloads.flatMap((w) => [w.id, ...w.products])));
  return {
    products: workloads,
    workloads,
    associationTypes: new Set(versions.flatMap((v) => v.associationTypes)),
    countries: new Set(['US', 'IN', 'FR', 'TW', ...versions.flatMap((v) => Object.keys(v.countries))]),
  };
}

export function datasetOf(r: ScoringRecords, versions: readonly ScoredVersionDefinition[]): ScoringDataset {
  const result = validateScoringRecords(r, catalogOf(versions));
  if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 5)));
  return result.dataset;
}

/** The status context of a version (its rules with `changes`), the partner qualified at the end of exactly these months. */
export function statusContext(
  version: ScoredVersionDefinition,
  months: readonly string[],
  changes: Partial<StatusRules> = {},
): StatusContext {
  const qualified = new Set(months.map(monthIndex));
  return { rules: { ...version.statuses!, ...changes }, windowRule: version.qualificationWindow, qualifiedAt: (m) => qualified.has(m) };
}
