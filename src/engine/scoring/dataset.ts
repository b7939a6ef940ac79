/**
 * The records scored metrics read, beside the threshold dataset's: tenants and
 * their subscriptions, billing by month, paid seats, usage (active users or
 * capacity units) by tenant and workload, production instances, associations
 * at subscription level by month, people with exam passes or certifications
 * held, and baselines (a certified count on a date). Every collection is
 * optional, so a dataset without them stays valid. Every problem names its
 * record and field, as the threshold dataset's do.
 */
import { z } from 'zod';
import { regexes } from 'zod/v4/core';

import type { IsoDate } from '../calendar.js';
import { decimalToString, parseDecimal, readPlainDecimal, type Cents, type PlainDecimal } from '../money.js';
import { labelId, problem, problemsFromZod, quote, recordLabel, type Problem } from '../problems.js';
import { exactCentsOf } from '../rules/currency-conversion.js';
import { loneSurrogateAt } from '../text.js';
import { monthIndex, monthIndexOf, type MonthIndex } from './months.js';
import { rememberPlaces } from './places.js';
import { repeatedKeys } from './repeated-keys.js';
import type { ScoredVersionDefinition, StatusRules } from './schema.js';
import { enrolmentProblems, type Enrolment } from './status.js';

const text = z.string().min(1);
const isoDate = z.iso.date({ error: 'notCalendarDate' }).brand<'IsoDate'>();
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'notMonth' });
const decimal = z.union([z.number(), z.string()], { error: 'numberOrDecimalText' });
const count = z.int().min(0);

export const scoringCollections = {
  partners: z.object({ id: text, country: text }).strict(),
  tenants: z.object({ id: text, country: text }).strict(),
  subscriptions: z
    .object({ id: text, tenantId: text, product: text, paid: z.boolean(), channel: text.optional(), agreementStart: month.optional() })
    .strict(),
  billing: z.object({ id: text, subscriptionId: text, month, amountUsd: decimal }).strict(),
  seats: z.object({ subscriptionId: text, month, paidSeats: count }).strict(),
  usage: z.object({ tenantId: text, workload: text, month, units: decimal }).strict(),
  instances: z.object({ id: text, tenantId: text, group: text, production: z.boolean() }).strict(),
  associations: z.object({ partnerId: text, subscriptionId: text, type: text, from: month, to: month.nullable().optional() }).strict(),
  people: z.object({ id: text, partnerId: text }).strict(),
  examPasses: z.object({ personId: text, exam: text, date: isoDate }).strict(),
  certificationsHeld: z.object({ personId: text, certification: text, date: isoDate, expires: isoDate.optional() }).strict(),
  baselines: z.object({ partnerId: text, metric: text, kind: z.enum(['baseline', 'anniversary']), date: isoDate, count }).strict(),
  /** A partner's enrolment in the designation (docs/rules.md §15.6): a date (and a shared anniversary), or a legacy partner; one per partner. */
  enrolments: z
    .object({ partnerId: text, enrolled: isoDate.optional(), anniversary: isoDate.optional(), legacy: z.boolean().optional() })
    .strict(),
} as const;

/** The whole records file, for the published JSON Schema: every collection optional. */
export const scoringRecordsFile = z
  .object(
    Object.fromEntries(Object.entries(scoringCollections).map(([name, record]) => [name, z.array(record).optional()])) as {
      [K in keyof typeof scoringCollections]: z.ZodOptional<z.ZodArray<(typeof scoringCollections)[K]>>;
    },
  )
  .strict();

export type ScoringCollection = keyof typeof scoringCollections;
export type ScoringRecords = { readonly [K in ScoringCollection]?: readonly z.input<(typeof scoringCollections)[K]>[] };

export interface Subscription {
  readonly id: string;
  readonly tenantId: string;
  readonly product: string;
  readonly paid: boolean;
  readonly channel?: string | undefined;
  readonly agreementStart?: MonthIndex | undefined;
}

export interface ScoringDataset {
  readonly partners: ReadonlyMap<string, { readonly country: string }>;
  readonly tenants: ReadonlyMap<string, { readonly country: string }>;
  readonly subscriptions: ReadonlyMap<string, Subscription>;
  readonly billing: readonly { readonly id: string; readonly subscriptionId: string; readonly month: MonthIndex; readonly cents: Cents }[];
  readonly seats: readonly { readonly subscriptionId: string; readonly month: MonthIndex; readonly paidSeats: number }[];
  /** Units as decimal text, read exactly by the metrics. */
  readonly usage: readonly { readonly tenantId: string; readonly workload: string; readonly month: MonthIndex; readonly units: string }[];
  readonly instances: readonly { readonly id: string; readonly tenantId: string; readonly group: string; readonly production: boolean }[];
  readonly associations: readonly {
    readonly partnerId: string;
    readonly subscriptionId: string;
    readonly type: string;
    readonly from: MonthIndex;
    readonly to: MonthIndex | null;
  }[];
  readonly people: ReadonlyMap<string, { readonly partnerId: string }>;
  readonly examPasses: readonly { readonly personId: string; readonly exam: string; readonly date: IsoDate }[];
  readonly certificationsHeld: readonly {
    readonly personId: string;
    readonly certification: string;
    readonly date: IsoDate;
    readonly expires?: IsoDate | undefined;
  }[];
  readonly baselines: readonly {
    readonly partnerId: string;
    readonly metric: string;
    readonly kind: 'baseline' | 'anniversary';
    readonly date: IsoDate;
    readonly count: number;
  }[];
  /** Each partner's enrolment, when its records give one (`enrolments`); a partner left out has given none. */
  readonly enrolments: ReadonlyMap<string, Enrolment>;
}

/** What the records may name: the catalogs of every scored version together. */
export interface ScoringCatalog {
  readonly products: ReadonlySet<string>;
  readonly workloads: ReadonlySet<string>;
  readonly associationTypes: ReadonlySet<string>;
  readonly countries: ReadonlySet<string>;
  /** The statuses of the latest version that has them, for the enrolments to be checked against; none: not checked. */
  readonly statuses?: StatusRules | undefined;
}

export type ScoringValidation =
  { readonly ok: true; readonly dataset: ScoringDataset } | { readonly ok: false; readonly problems: readonly Problem[] };

const DATE_FIELDS = new Set(['date', 'expires', 'enrolled', 'anniversary']);
const COUNT_FIELDS = new Set(['paidSeats', 'count']);
/** The largest whole number a store's integer column keeps. */
const MAX_STORED_COUNT = 2_147_483_647;

/**
 * What a store can keep, checked with the shape, as the threshold dataset's
 * are (a record failing it is not checked further): Unicode text without a
 * NUL character, dates from 0001-01-01 (PostgreSQL has no year 0), counts
 * that fit an integer column. True when the record passes.
 */
function withinStoreLimits(
  record: object,
  labelOf: (collection: ScoringCollection, index: number) => string,
  collection: ScoringCollection,
  index: number,
  problems: Problem[],
): boolean {
  // The record's label is made only for a problem: a closure per record would be millions more objects.
  const label = () => labelOf(collection, index);
  let ok = true;
  // A for…in over own fields, not Object.entries: an array per field of millions of records is most of the garbage.
  const fields = record as Record<string, unknown>;
  for (const field in fields) {
    if (!Object.hasOwn(fields, field)) continue;
    const value = fields[field];
    if (typeof value === 'string') {
      const lone = loneSurrogateAt(value);
      const nul = value.indexOf('\u0000');
      if (lone >= 0) problems.push(problem(label(), field, 'textNotWellFormed', { field, position: lone + 1 }));
      else if (nul >= 0) problems.push(problem(label(), field, 'textHoldsNul', { field, position: nul + 1 }));
      else if (DATE_FIELDS.has(field) && value < '0001-01-01') problems.push(problem(label(), field, 'dateOutOfRange', { field, value }));
      else continue;
      ok = false;
    } else if (typeof value === 'number' && COUNT_FIELDS.has(field) && value > MAX_STORED_COUNT) {
      problems.push(problem(label(), field, 'countTooLarge', { field, value, maximum: MAX_STORED_COUNT }));
      ok = false;
    }
  }
  return ok;
}

/** A field of a plain record: what its schema accepts, decided without zod. */
type PlainField = (value: unknown) => boolean;
const plainText: PlainField = (v) => typeof v === 'string' && v.length > 0;
const plainMonth: PlainField = (v) => typeof v === 'string' && monthIndexOf(v) >= 0;
// z.number() refuses NaN and the infinities; z.int() takes safe integers only.
const plainDecimal: PlainField = (v) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
const plainCount: PlainField = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const plainBoolean: PlainField = (v) => typeof v === 'boolean';
// z.iso.date() is this pattern (zod's own): a calendar date, leap days included.
const plainDate: PlainField = (v) => typeof v === 'string' && regexes.date.test(v);
const plainKind: PlainField = (v) => v === 'baseline' || v === 'anniversary';
/** `month.nullable().optional()`: a month, or null (absent or undefined: see `optional`). */
const plainMonthOrNull: PlainField = (v) => v === null || plainMonth(v);

/** A field of a collection's schema: its name, its check and whether it may be left out (or undefined). */
type PlainSpec = readonly (readonly [field: string, check: PlainField, optional?: 'optional'])[];

/** Each collection's fields in its schema's order: the shape zod checks (enrolments, a few records with rules of their own, always go to zod). */
const PLAIN_RECORDS: { readonly [K in ScoringCollection]?: PlainSpec } = {
  partners: [
    ['id', plainText],
    ['country', plainText],
  ],
  tenants: [
    ['id', plainText],
    ['country', plainText],
  ],
  subscriptions: [
    ['id', plainText],
    ['tenantId', plainText],
    ['product', plainText],
    ['paid', plainBoolean],
    ['channel', plainText, 'optional'],
    ['agreementStart', plainMonth, 'optional'],
  ],
  billing: [
    ['id', plainText],
    ['subscriptionId', plainText],
    ['month', plainMonth],
    ['amountUsd', plainDecimal],
  ],
  seats: [
    ['subscriptionId', plainText],
    ['month', plainMonth],
    ['paidSeats', plainCount],
  ],
  usage: [
    ['tenantId', plainText],
    ['workload', plainText],
    ['month', plainMonth],
    ['units', plainDecimal],
  ],
  instances: [
    ['id', plainText],
    ['tenantId', plainText],
    ['group', plainText],
    ['production', plainBoolean],
  ],
  associations: [
    ['partnerId', plainText],
    ['subscriptionId', plainText],
    ['type', plainText],
    ['from', plainMonth],
    ['to', plainMonthOrNull, 'optional'],
  ],
  people: [
    ['id', plainText],
    ['partnerId', plainText],
  ],
  examPasses: [
    ['personId', plainText],
    ['exam', plainText],
    ['date', plainDate],
  ],
  certificationsHeld: [
    ['personId', plainText],
    ['certification', plainText],
    ['date', plainDate],
    ['expires', plainDate, 'optional'],
  ],
  baselines: [
    ['partnerId', plainText],
    ['metric', plainText],
    ['kind', plainKind],
    ['date', plainDate],
    ['count', plainCount],
  ],
};

/** Collections whose records validation converts at once (billing, seats, usage: millions each): no copy is made. */
const CONVERTED: ReadonlySet<ScoringCollection> = new Set(['billing', 'seats', 'usage']);

/**
 * The record as zod would give it back when its schema plainly accepts it — a plain object with only its
 * collection's fields, every required one present, each of the right kind — else undefined, and zod decides (and
 * words the problems). A zod parse costs several microseconds and a copy of the record: most of validating the
 * millions of records of a large population, nearly all of them plain. The copy has the schema's order of fields
 * and the optional fields the record has (undefined ones too), as zod's does; billing, seat and usage records,
 * converted at once, are given back as they are. test/scoring-plain-records.test.ts holds this to zod.
 */
export function plainScoringRecord(collection: ScoringCollection, raw: unknown): object | undefined {
  const fields = PLAIN_RECORDS[collection];
  if (fields === undefined || typeof raw !== 'object' || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
  const record = raw as Record<string, unknown>;
  let own = 0;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) return undefined;
    own++;
  }
  let known = 0;
  const copy: Record<string, unknown> | undefined = CONVERTED.has(collection) ? undefined : {};
  for (const [field, plain, optional] of fields) {
    if (!Object.hasOwn(record, field)) {
      if (optional === undefined) return undefined;
      continue;
    }
    known++;
    const value = record[field];
    if (!(value === undefined && optional !== undefined) && !plain(value)) return undefined;
    if (copy) copy[field] = value;
  }
  // Every own field is one of the schema's (a field zod does not know makes a strict object fail).
  return own === known ? (copy ?? record) : undefined;
}

/** How a problem names a record: `billing[3] (id B-1)` by default; an import names the stored ones otherwise. */
export type ScoringRecordLabel = (collection: ScoringCollection, index: number, id: unknown) => string;

/**
 * What identifies a record in its collection: an import merges by it (a known key updates the stored record), and
 * a record read without its place in a whole file is named by it (`keyedRecordLabel`).
 */
export const SCORING_KEYS: { readonly [K in ScoringCollection]: readonly string[] } = {
  partners: ['id'],
  tenants: ['id'],
  subscriptions: ['id'],
  billing: ['id'],
  seats: ['subscriptionId', 'month'],
  usage: ['tenantId', 'workload', 'month'],
  instances: ['id'],
  associations: ['subscriptionId', 'type', 'from', 'partnerId'],
  people: ['id'],
  examPasses: ['personId', 'exam', 'date'],
  certificationsHeld: ['personId', 'certification', 'date'],
  baselines: ['partnerId', 'metric', 'kind', 'date'],
  enrolments: ['partnerId'],
};

/**
 * Names records by their key, not their place: `billing (id B-1)`, `seats (subscriptionId S-1, month 2021-01)`.
 * For records that are part of a larger whole (a partner's neighbourhood read from the store), where a place in the
 * part would point nowhere in the whole.
 */
export function keyedRecordLabel(records: ScoringRecords): ScoringRecordLabel {
  return (collection, index) => {
    const record: unknown = records[collection]?.[index];
    if (typeof record !== 'object' || record === null) return `${collection}[${index}]`;
    const fields = SCORING_KEYS[collection].map((field) => {
      const value: unknown = (record as Record<string, unknown>)[field];
      return `${field} ${typeof value === 'string' ? labelId(value) : JSON.stringify(value)}`;
    });
    return `${collection} (${fields.join(', ')})`;
  };
}

/** What records of these versions may name: their products, workloads, association types and countries together. */
export function scoringCatalogOf(versions: readonly ScoredVersionDefinition[]): ScoringCatalog {
  const workloads = new Set(versions.flatMap((v) => v.workloads.flatMap((w) => [w.id, ...w.products])));
  return {
    products: workloads,
    workloads,
    associationTypes: new Set(versions.flatMap((v) => v.associationTypes)),
    countries: new Set(versions.flatMap((v) => Object.keys(v.countries))),
    statuses: versions.filter((v) => v.statuses !== undefined).at(-1)?.statuses,
  };
}

/**
 * The one check of scoring records, whatever they come from (a records file,
 * an import merged with the store, the store read back): a JSON object of
 * collections, validated against the catalog of `versions`.
 */
export function validatedScoring(
  raw: unknown,
  versions: readonly ScoredVersionDefinition[],
  labelOf?: ScoringRecordLabel,
): ScoringValidation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, problems: [problem('dataset', '', 'datasetNotObject', { collection: 'partners' })] };
  return validateScoringRecords(raw as ScoringRecords, scoringCatalogOf(versions), labelOf);
}

/** Collections no record names — billing, seats and usage, nine records in ten of a population — which a store can check and write one at a time (`leafProblems`). */
export type LeafCollection = 'billing' | 'seats' | 'usage';
export const LEAF_COLLECTIONS: readonly LeafCollection[] = ['billing', 'seats', 'usage'];

/**
 * A collection given as a way to read its records when they are needed, not as the records: a store checks and
 * writes leaf collections one at a time, so a population's billing, seats and usage need not be held at once.
 * `release` lets go of what reading kept (the lines a file's problems are named by).
 */
export class RecordsToRead {
  constructor(
    readonly read: () => readonly unknown[],
    readonly release: () => void = () => undefined,
  ) {}
}

/** Where a subscription or tenant that leaf records name is: undefined for one there is not. */
export interface LeafReferences {
  readonly subscriptions: { get(id: string): number | undefined };
  readonly tenants: { get(id: string): number | undefined };
}

/** A leaf collection's problems, in the three places validation lists a collection's problems. */
export interface LeafProblems {
  readonly shape: readonly Problem[];
  readonly duplicates: readonly Problem[];
  readonly checks: readonly Problem[];
}

type Parsed<K extends ScoringCollection> = z.infer<(typeof scoringCollections)[K]>;
type LabelAt = (name: ScoringCollection, index: number) => string;
type Known = LeafReferences['tenants'];

const COLLECTION_ORDER = Object.keys(scoringCollections) as ScoringCollection[];
/** The collections whose repeated ids validation names, in the order it names them. */
const ID_ORDER: readonly ScoringCollection[] = ['partners', 'tenants', 'subscriptions', 'people', 'billing', 'instances'];

/**
 * A validation's problems in the order it lists them: unknown collections, then the records failing their shape
 * collection by collection, then repeated ids, then each collection's checks of values and references. Kept apart
 * so that collections checked on their own (a store's leaf collections) take the places one check gives them.
 */
class Sections {
  readonly general: Problem[] = [];
  private readonly lists = { shape: new Map<ScoringCollection, Problem[]>(), duplicates: new Map(), checks: new Map() };

  of(section: keyof LeafProblems, name: ScoringCollection): Problem[] {
    const map = this.lists[section] as Map<ScoringCollection, Problem[]>;
    let list = map.get(name);
    if (list === undefined) map.set(name, (list = []));
    return list;
  }

  get empty(): boolean {
    return this.general.length === 0 && Object.values(this.lists).every((map) => [...map.values()].every((l) => l.length === 0));
  }

  /** Every problem in order, with those of leaf collections checked apart in their places. */
  all(apart: Partial<Record<LeafCollection, LeafProblems>> = {}): Problem[] {
    const out: Problem[] = [...this.general];
    // One by one: a list of millions of problems spread into push would pass the engine's limit of arguments.
    const add = (list: readonly Problem[] | undefined) => {
      if (list) for (const p of list) out.push(p);
    };
    const each = (section: keyof LeafProblems, order: readonly ScoringCollection[]) => {
      for (const name of order) {
        add((this.lists[section] as Map<ScoringCollection, Problem[]>).get(name));
        add((apart as Partial<Record<ScoringCollection, LeafProblems>>)[name]?.[section]);
      }
    };
    each('shape', COLLECTION_ORDER);
    each('duplicates', ID_ORDER);
    each('checks', COLLECTION_ORDER);
    return out;
  }
}

/** A record's label, made from the records, their collection and place (the id read from the record). */
function labelsOf(records: ScoringRecords, labelOf: ScoringRecordLabel): LabelAt {
  // A record's label is made when a problem names it, not for every record: millions of labels kept in a map
  // cost most of a large dataset's validation (labelOf is a function of collection, index and id).
  return (name, index) => {
    const raw: unknown = (records[name] as readonly unknown[] | undefined)?.[index];
    return labelOf(name, index, typeof raw === 'object' && raw !== null && 'id' in raw ? (raw as { id: unknown }).id : undefined);
  };
}

/** A collection's records that pass their shape and the store's limits; the others' problems in `into`. */
function parseCollection<K extends ScoringCollection>(name: K, value: unknown, label: LabelAt, into: Problem[]): Kept<Parsed<K>> {
  const kept = new Kept<Parsed<K>>();
  if (value === undefined) return kept;
  if (!Array.isArray(value)) {
    into.push(problem('dataset', name, 'collectionNotArray', { collection: name, value: quote(value) }));
    return kept;
  }
  (value as readonly unknown[]).forEach((raw, index) => {
    let data: unknown = plainScoringRecord(name, raw);
    if (data === undefined) {
      const result = scoringCollections[name].safeParse(raw, { reportInput: true });
      if (!result.success) {
        into.push(...problemsFromZod(result.error.issues, label(name, index)));
        return;
      }
      data = result.data;
    }
    if (withinStoreLimits(data as object, label, name, index, into)) kept.push(index, data as Parsed<K>);
  });
  return kept;
}

/** The ids of a collection's records, each with its first record's index; a repeated id's problem in `into`. */
function idsOf<K extends 'partners' | 'tenants' | 'subscriptions' | 'people'>(
  name: K,
  records: Kept<Parsed<K>>,
  label: LabelAt,
  into: Problem[],
): Map<string, number> {
  // The map itself answers `has`: a copy as a set cost seconds at scale.
  const seen = new Map<string, number>();
  // One map write per record, not a read and a write (millions of billing ids): a duplicate leaves the size as it
  // was. The first index of each duplicated id, which the problem names, is found again afterwards.
  let duplicates: number[] | undefined;
  const { values } = records;
  for (let k = 0; k < values.length; k++) {
    const size = seen.size;
    seen.set(values[k]!.id, records.index(k));
    if (seen.size === size) (duplicates ??= []).push(k);
  }
  if (duplicates !== undefined) {
    const first = new Map<string, number>(duplicates.map((k) => [values[k]!.id, -1]));
    records.each((value, index) => {
      if (first.get(value.id) === -1) first.set(value.id, index);
    });
    for (const [id, index] of first) seen.set(id, index);
    for (const k of duplicates) {
      const value = values[k]!;
      into.push(
        problem(label(name, records.index(k)), 'id', 'duplicateId', {
          field: 'id',
          value: quote(value.id),
          other: `${name}[${first.get(value.id)}]`,
        }),
      );
    }
  }
  return seen;
}

/**
 * A collection's repeated ids, as `idsOf` names them, where no map of the ids is wanted (billing, instances: named by
 * no record): found without a key kept per record, for the millions of billing lines of a population.
 */
function repeatedIds(name: 'billing' | 'instances', records: Kept<Parsed<'billing' | 'instances'>>, label: LabelAt, into: Problem[]): void {
  const { values } = records;
  for (const { index: k, other } of repeatedKeys(values, ['id'])) {
    into.push(
      problem(label(name, records.index(k)), 'id', 'duplicateId', {
        field: 'id',
        value: quote(values[k]!.id),
        other: `${name}[${records.index(other)}]`,
      }),
    );
  }
}

/** The place of the record a reference names (its first record's index: its place in the dataset's map, once valid), or −1 with its problem. */
function reference(
  into: Problem[],
  label: LabelAt,
  name: ScoringCollection,
  index: number,
  field: string,
  value: string,
  known: Known,
  noun: string,
): number {
  const place = known.get(value);
  if (place !== undefined) return place;
  into.push(problem(label(name, index), field, 'unknownReference', { field, value: quote(value), noun }));
  return -1;
}

type BillingRow = ScoringDataset['billing'][number];
type SeatRow = ScoringDataset['seats'][number];
type UsageRow = ScoringDataset['usage'][number];

/** What a leaf collection's checks give the dataset when they are kept: its rows and the places of what they name. */
interface LeafRows<T> {
  readonly rows: T[];
  readonly places: number[];
}

/** Billing's references and amounts, and its total within what the scorer adds exactly. */
function billingChecks(
  kept: Kept<Parsed<'billing'>>,
  subscriptions: Known,
  label: LabelAt,
  into: Problem[],
  keep: boolean,
): LeafRows<BillingRow> {
  const rows: BillingRow[] = [];
  const places: number[] = [];
  // The scorer sums billing cents, paid seats and usage as whole numbers (MonthlySums): each collection's total of absolute
  // values must stay within 2^53 − 1 for every sum to be exact, so a dataset past it is refused here, not scored wrong.
  let total = 0;
  kept.each((value, index) => {
    const place = reference(into, label, 'billing', index, 'subscriptionId', value.subscriptionId, subscriptions, 'subscription');
    if (keep) places.push(place);
    const cents = exactCentsOf(value.amountUsd);
    if (cents === undefined) {
      into.push(problem(label('billing', index), 'amountUsd', 'notDecimalNumber', { field: 'amountUsd', value: quote(value.amountUsd) }));
      return;
    }
    total += Math.abs(cents);
    if (keep) rows.push({ id: value.id, subscriptionId: value.subscriptionId, month: monthIndex(value.month), cents });
  });
  if (total > Number.MAX_SAFE_INTEGER) into.push(problem('dataset', 'billing', 'scoringSumTooLarge', { collection: 'billing' }));
  return { rows, places };
}

/** Paid seats' references, and their total within what the scorer adds exactly. */
function seatChecks(kept: Kept<Parsed<'seats'>>, subscriptions: Known, label: LabelAt, into: Problem[], keep: boolean): LeafRows<SeatRow> {
  const rows: SeatRow[] = [];
  const places: number[] = [];
  let total = 0;
  kept.each((value, index) => {
    const place = reference(into, label, 'seats', index, 'subscriptionId', value.subscriptionId, subscriptions, 'subscription');
    total += value.paidSeats;
    if (!keep) return;
    places.push(place);
    rows.push({ subscriptionId: value.subscriptionId, month: monthIndex(value.month), paidSeats: value.paidSeats });
  });
  if (total > Number.MAX_SAFE_INTEGER) into.push(problem('dataset', 'seats', 'scoringSumTooLarge', { collection: 'seats' }));
  return { rows, places };
}

/** Usage's references, workloads and units, and its total within what the scorer adds exactly at its finest scale. */
function usageChecks(
  kept: Kept<Parsed<'usage'>>,
  tenants: Known,
  catalog: ScoringCatalog,
  label: LabelAt,
  into: Problem[],
  keep: boolean,
): LeafRows<UsageRow> {
  const rows: UsageRow[] = [];
  const places: number[] = [];
  // Usage is summed in units of its finest record's decimal place: the units of every record, at that scale, by scale.
  const byScale = new Map<number, bigint>();
  let finest: { index: number; scale: number; value: unknown } | undefined;
  // Whole units (most usage: active users, capacity) are summed as a number, exact while it stays within 2^53 − 1;
  // past that the total is too large however it is summed.
  let wholeUnits = 0;
  kept.each((value, index) => {
    const place = reference(into, label, 'usage', index, 'tenantId', value.tenantId, tenants, 'tenant');
    if (keep) places.push(place);
    if (!catalog.workloads.has(value.workload)) {
      into.push(problem(label('usage', index), 'workload', 'notProgramProduct', { field: 'workload', value: quote(value.workload) }));
    }
    const whole = wholeUnitsOf(value.units);
    if (whole !== undefined) {
      wholeUnits += whole;
      if (finest === undefined) finest = { index, scale: 0, value: value.units };
      if (keep) rows.push({ tenantId: value.tenantId, workload: value.workload, month: monthIndex(value.month), units: String(whole) });
      return;
    }
    const units = parseDecimal(String(value.units));
    if (units === undefined || units.units < 0n) {
      into.push(problem(label('usage', index), 'units', 'notDecimalNumber', { field: 'units', value: quote(value.units) }));
      return;
    }
    byScale.set(units.scale, (byScale.get(units.scale) ?? 0n) + units.units);
    if (finest === undefined || units.scale > finest.scale) finest = { index, scale: units.scale, value: value.units };
    // Plain text with no exponent and no trailing zeros: the scorer reads its decimal places as the usage's scale.
    if (keep)
      rows.push({ tenantId: value.tenantId, workload: value.workload, month: monthIndex(value.month), units: decimalToString(units) });
  });
  byScale.set(0, (byScale.get(0) ?? 0n) + BigInt(wholeUnits));
  if (finest !== undefined) {
    let total = 0n;
    for (const [scale, sum] of byScale) total += sum * 10n ** BigInt(finest.scale - scale);
    if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
      into.push(
        problem(label('usage', finest.index), 'units', 'usageTooPrecise', {
          field: 'units',
          value: quote(finest.value),
          decimals: finest.scale,
        }),
      );
    }
  }
  return { rows, places };
}

/**
 * A leaf collection's problems, checked apart from the other collections: what `validateScoringRecords` would
 * find in it, given where the subscriptions and tenants it names are (`scoringCheckApart`'s `references`, or more).
 */
export function leafProblems(
  name: LeafCollection,
  records: readonly unknown[],
  catalog: ScoringCatalog,
  labelOf: ScoringRecordLabel,
  references: LeafReferences,
): LeafProblems {
  const sections = new Sections();
  const label = labelsOf({ [name]: records } as ScoringRecords, labelOf);
  const checks = sections.of('checks', name);
  if (name === 'billing') {
    const kept = parseCollection('billing', records, label, sections.of('shape', name));
    repeatedIds('billing', kept, label, sections.of('duplicates', name));
    billingChecks(kept, references.subscriptions, label, checks, false);
  } else if (name === 'seats') {
    seatChecks(parseCollection('seats', records, label, sections.of('shape', name)), references.subscriptions, label, checks, false);
  } else {
    usageChecks(parseCollection('usage', records, label, sections.of('shape', name)), references.tenants, catalog, label, checks, false);
  }
  return { shape: sections.of('shape', name), duplicates: sections.of('duplicates', name), checks };
}

/** What `checkRecords` found: the problems by section, and what the dataset is made of when there are none. */
interface Checked {
  readonly sections: Sections;
  readonly parsed: { [K in ScoringCollection]: Kept<Parsed<K>> };
  readonly references: LeafReferences;
  readonly billing: LeafRows<BillingRow>;
  readonly seats: LeafRows<SeatRow>;
  readonly usage: LeafRows<UsageRow>;
  readonly tenantPlaces: readonly number[];
  readonly associationPlaces: readonly number[];
  readonly passPlaces: readonly number[];
  readonly heldPlaces: readonly number[];
  readonly peoplePlaces: readonly number[];
  readonly enrolments: ReadonlyMap<string, Enrolment>;
}

/** Checks every record, then every reference; the leaf collections' rows kept for the dataset when `keep`. */
function checkRecords(records: ScoringRecords, catalog: ScoringCatalog, labelOf: ScoringRecordLabel, keep: boolean): Checked {
  const sections = new Sections();
  const label = labelsOf(records, labelOf);
  for (const key of Object.keys(records)) {
    if (!Object.hasOwn(scoringCollections, key)) {
      sections.general.push(problem('dataset', key, 'unknownCollection', { field: key, expected: COLLECTION_ORDER.join(', ') }));
    }
  }
  const parsed = Object.fromEntries(
    COLLECTION_ORDER.map((name) => [name, parseCollection(name, records[name], label, sections.of('shape', name))]),
  ) as unknown as Checked['parsed'];
  const ids = <K extends 'partners' | 'tenants' | 'subscriptions' | 'people'>(name: K) =>
    idsOf(name, parsed[name] as Kept<Parsed<K>>, label, sections.of('duplicates', name));
  const partners = ids('partners');
  const tenants = ids('tenants');
  const subscriptions = ids('subscriptions');
  const people = ids('people');
  repeatedIds('billing', parsed.billing, label, sections.of('duplicates', 'billing'));
  repeatedIds('instances', parsed.instances, label, sections.of('duplicates', 'instances'));
  const checks = (name: ScoringCollection) => sections.of('checks', name);
  const ref = (name: ScoringCollection, index: number, field: string, value: string, known: Known, noun: string) =>
    reference(checks(name), label, name, index, field, value, known, noun);
  const country = (name: ScoringCollection, index: number, value: string): void => {
    if (!catalog.countries.has(value))
      checks(name).push(problem(label(name, index), 'country', 'notMarketCountry', { field: 'country', value: quote(value) }));
  };
  parsed.partners.each((value, index) => country('partners', index, value.country));
  parsed.tenants.each((value, index) => country('tenants', index, value.country));
  const tenantPlaces: number[] = [];
  parsed.subscriptions.each((value, index) => {
    tenantPlaces.push(ref('subscriptions', index, 'tenantId', value.tenantId, tenants, 'tenant'));
    if (!catalog.products.has(value.product)) {
      checks('subscriptions').push(
        problem(label('subscriptions', index), 'product', 'notProgramProduct', { field: 'product', value: quote(value.product) }),
      );
    }
  });
  // Where each record's subscription, tenant or person is (places.ts): the scoring index reads these, not the ids.
  const billing = billingChecks(parsed.billing, subscriptions, label, checks('billing'), keep);
  const seats = seatChecks(parsed.seats, subscriptions, label, checks('seats'), keep);
  const usage = usageChecks(parsed.usage, tenants, catalog, label, checks('usage'), keep);
  parsed.instances.each((value, index) => ref('instances', index, 'tenantId', value.tenantId, tenants, 'tenant'));
  const associationPlaces: number[] = [];
  parsed.associations.each((value, index) => {
    ref('associations', index, 'partnerId', value.partnerId, partners, 'partner');
    associationPlaces.push(ref('associations', index, 'subscriptionId', value.subscriptionId, subscriptions, 'subscription'));
    if (!catalog.associationTypes.has(value.type)) {
      checks('associations').push(
        problem(label('associations', index), 'type', 'notAssociationType', {
          field: 'type',
          value: quote(value.type),
          types: [...catalog.associationTypes].join(', '),
        }),
      );
    }
    if (value.to != null && monthIndex(value.to) < monthIndex(value.from)) {
      checks('associations').push(
        problem(label('associations', index), 'to', 'dateBefore', {
          field: 'to',
          date: value.to,
          otherField: 'from',
          otherDate: value.from,
        }),
      );
    }
  });
  const peoplePlaces: number[] = [];
  parsed.people.each((value, index) => peoplePlaces.push(ref('people', index, 'partnerId', value.partnerId, partners, 'partner')));
  const passPlaces: number[] = [];
  const heldPlaces: number[] = [];
  parsed.examPasses.each((value, index) => passPlaces.push(ref('examPasses', index, 'personId', value.personId, people, 'person')));
  parsed.certificationsHeld.each((value, index) =>
    heldPlaces.push(ref('certificationsHeld', index, 'personId', value.personId, people, 'person')),
  );
  parsed.baselines.each((value, index) => ref('baselines', index, 'partnerId', value.partnerId, partners, 'partner'));
  const enrolments = new Map<string, Enrolment>();
  const enrolmentAt = new Map<string, number>();
  parsed.enrolments.each((value, index) => {
    const at = label('enrolments', index);
    ref('enrolments', index, 'partnerId', value.partnerId, partners, 'partner');
    const earlier = enrolmentAt.get(value.partnerId);
    if (earlier !== undefined) {
      checks('enrolments').push(
        problem(at, 'partnerId', 'duplicateId', { field: 'partnerId', value: quote(value.partnerId), other: label('enrolments', earlier) }),
      );
      return;
    }
    enrolmentAt.set(value.partnerId, index);
    const enrolment = enrolmentOfRecord(value, at, catalog, checks('enrolments'));
    if (enrolment) enrolments.set(value.partnerId, enrolment);
  });
  return {
    sections,
    parsed,
    references: { subscriptions, tenants },
    billing,
    seats,
    usage,
    tenantPlaces,
    associationPlaces,
    passPlaces,
    heldPlaces,
    peoplePlaces,
    enrolments,
  };
}

/**
 * The problems of scoring records whose leaf collections are checked apart (`leafProblems`, given `references`):
 * `problems` lists them all, those of the leaf collections given in the places one validation gives them. The
 * records hold no leaf collection (one they hold is checked with them, and its problems listed twice if given too).
 */
export function scoringCheckApart(
  records: ScoringRecords,
  catalog: ScoringCatalog,
  labelOf: ScoringRecordLabel = recordLabel,
): { readonly references: LeafReferences; problems(leaves: Partial<Record<LeafCollection, LeafProblems>>): Problem[] } {
  const { sections, references } = checkRecords(records, catalog, labelOf, false);
  return { references, problems: (leaves) => sections.all(leaves) };
}

/** Checks every record, then every reference; the dataset only when nothing is wrong. */
export function validateScoringRecords(
  records: ScoringRecords,
  catalog: ScoringCatalog,
  labelOf: ScoringRecordLabel = recordLabel,
): ScoringValidation {
  const checked = checkRecords(records, catalog, labelOf, true);
  if (!checked.sections.empty) return { ok: false, problems: checked.sections.all() };
  const { parsed, billing, seats, usage, enrolments } = checked;

  const dataset: ScoringDataset = {
    partners: new Map(parsed.partners.values.map((value) => [value.id, { country: value.country }])),
    tenants: new Map(parsed.tenants.values.map((value) => [value.id, { country: value.country }])),
    subscriptions: new Map(
      parsed.subscriptions.values.map((value) => [
        value.id,
        {
          id: value.id,
          tenantId: value.tenantId,
          product: value.product,
          paid: value.paid,
          channel: value.channel,
          agreementStart: value.agreementStart === undefined ? undefined : monthIndex(value.agreementStart),
        },
      ]),
    ),
    billing: billing.rows,
    seats: seats.rows,
    usage: usage.rows,
    instances: parsed.instances.values,
    associations: parsed.associations.values.map((value) => ({
      partnerId: value.partnerId,
      subscriptionId: value.subscriptionId,
      type: value.type,
      from: monthIndex(value.from),
      to: value.to == null ? null : monthIndex(value.to),
    })),
    people: new Map(parsed.people.values.map((value) => [value.id, { partnerId: value.partnerId }])),
    examPasses: parsed.examPasses.values,
    certificationsHeld: parsed.certificationsHeld.values,
    baselines: parsed.baselines.values,
    enrolments,
  };
  // Valid, every record is kept: a first record's index is its place in the map made of its collection.
  rememberPlaces(dataset.billing, dataset.subscriptions, billing.places);
  rememberPlaces(dataset.seats, dataset.subscriptions, seats.places);
  rememberPlaces(dataset.associations, dataset.subscriptions, checked.associationPlaces);
  rememberPlaces(dataset.usage, dataset.tenants, usage.places);
  rememberPlaces(dataset.subscriptions, dataset.tenants, checked.tenantPlaces);
  rememberPlaces(dataset.examPasses, dataset.people, checked.passPlaces);
  rememberPlaces(dataset.certificationsHeld, dataset.people, checked.heldPlaces);
  rememberPlaces(dataset.people, dataset.partners, checked.peoplePlaces);
  return { ok: true, dataset };
}

/**
 * An enrolment record as the flags `--enrolled`, `--anniversary` and
 * `--legacy` give one, with their checks (src/cli/commands/enrolment.ts):
 * legacy or a date, not both; an anniversary only with a date, after it and
 * within its first year; no date before designations existed. No date is
 * judged here: a date after the one a status is asked for means not yet
 * enrolled on it.
 */
function enrolmentOfRecord(value: Parsed<'enrolments'>, at: string, catalog: ScoringCatalog, into: Problem[]): Enrolment | undefined {
  const found: Problem[] = [];
  if (value.legacy === true && value.enrolled !== undefined)
    found.push(problem(at, 'legacy', 'optionsExclusive', { option: 'legacy', other: 'enrolled' }));
  if (value.anniversary !== undefined && value.enrolled === undefined)
    found.push(problem(at, 'anniversary', 'optionNeedsOption', { option: 'anniversary', requires: 'enrolled' }));
  let enrolment: Enrolment = { kind: 'none' };
  if (found.length === 0 && value.legacy === true) enrolment = { kind: 'legacy' };
  else if (found.length === 0 && value.enrolled !== undefined) {
    enrolment = {
      kind: 'enrolled',
      date: value.enrolled,
      ...(value.anniversary === undefined ? {} : { anniversary: value.anniversary }),
    };
    if (catalog.statuses) {
      const names = { enrolled: at, anniversary: at };
      // The date judged is not known here: the enrolment's own, so only the record's dates are checked.
      for (const p of enrolmentProblems(catalog.statuses, enrolment, value.enrolled, names))
        found.push({ ...p, field: p.code === 'anniversaryOutsideYear' ? 'anniversary' : 'enrolled' });
    }
  }
  into.push(...found);
  return found.length === 0 ? enrolment : undefined;
}

/** What `wholeUnitsOf` reads text into. */
const plainUnits: PlainDecimal = { units: 0, decimals: 0 };

/**
 * Units that are a whole number written plainly — a JSON number that is a safe non-negative integer, or plain
 * decimal text (`readPlainDecimal`: at most 15 digits) with no decimal place that counts and no sign but a zero's —
 * as that number: their canonical text is its digits (String of it) and their scale 0, what parseDecimal and
 * decimalToString would give, without bigints. Undefined for anything else (the exact path).
 */
function wholeUnitsOf(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value + 0 : undefined;
  return readPlainDecimal(value, plainUnits) && plainUnits.decimals === 0 && plainUnits.units >= 0 ? plainUnits.units + 0 : undefined;
}

/**
 * A collection's records that passed their schema, each with its index in the input: the values in one array and
 * the indexes apart, kept only once a record has been left out (until then a record's index is its place), rather
 * than an object per record (millions of billing, seat and usage records).
 */
class Kept<T> {
  readonly values: T[] = [];
  private indexes: number[] | undefined;

  push(index: number, value: T): void {
    if (this.indexes === undefined && index !== this.values.length) this.indexes = this.values.map((_, k) => k);
    this.indexes?.push(index);
    this.values.push(value);
  }

  /** The input index of the k-th record kept. */
  index(k: number): number {
    return this.indexes === undefined ? k : this.indexes[k]!;
  }

  each(visit: (value: T, index: number) => void): void {
    const { values } = this;
    for (let k = 0; k < values.length; k++) visit(values[k]!, this.index(k));
  }
}
