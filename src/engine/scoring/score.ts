/**
 * Scores one partner under one scored version, as of an evaluation month M:
 * its segment (market or track), then per path every metric's value, the
 * value for full points, the points earned and possible, what the next point
 * costs; the path's total and band; the partner's band, the best of its paths.
 * Pure: the dataset and the version come in, the report goes out.
 */
import { addMonthsToDate, daysInMonth, type IsoDate } from '../calendar.js';
import { monthText, type MonthIndex } from './months.js';
import { nextValue, pointsOf, valueForPoints, type PointsRule } from './points.js';
import {
  add,
  ceil,
  compare,
  floor,
  div,
  max as maxOf,
  mul,
  parseRational,
  rational,
  sub,
  toDecimalText,
  ONE,
  ZERO,
  type Rational,
} from './rational.js';
import type { AssociationRule, ScoredMetricDefinition, ScoredVersionDefinition, Segmentation } from './schema.js';
import type { ScoringDataset, Subscription } from './dataset.js';
import { MonthlySumOutOfRangeError, MonthlySums, MonthPlaces } from './monthly.js';
import { placesOf, placesOrFound } from './places.js';
import { doubles, filled, zeros } from './heap-numbers.js';

type Decimalish = number | string;
type PerSegment = Decimalish | Readonly<Record<string, Decimalish>>;

/** The definitions' decimals read so far: a batch reads the same few constants for every partner (rationals are immutable). */
const exactValues = new Map<Decimalish, Rational>();

function exact(value: Decimalish): Rational {
  const known = exactValues.get(value);
  if (known !== undefined) return known;
  const r = parseRational(typeof value === 'number' ? String(value) : value);
  if (r === undefined) throw new RangeError(`not a decimal: ${value}`);
  // Bounded: only definitions' constants come here, but a long-running server reads many versions.
  if (exactValues.size < 10_000) exactValues.set(value, r);
  return r;
}

/** The value for a segment; undefined when the definition gives none for it. */
export function forSegment(value: PerSegment | undefined, segment: string): Rational | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return exact(value);
  const v = value[segment];
  return v === undefined ? undefined : exact(v);
}

export type MetricUnit = 'usd-cents' | 'customers' | 'people' | 'pairs' | 'percent' | 'deployments';

/** What the next point costs, in the thing the partner can change. */
export interface NextPoint {
  /** The metric's value that earns the next point. */
  readonly value: string;
  readonly points: string;
  /** How much more of the cost unit: cents, people, customers, active users, consumption… */
  readonly more: string;
  readonly costUnit: MetricUnit | 'active-users' | 'consumption';
}

export interface MetricScore {
  readonly id: string;
  readonly kind: ScoredMetricDefinition['kind'];
  readonly unit: MetricUnit;
  /** The measured value (cents for revenue; a percentage for growth), exact decimal text. */
  readonly value: string;
  /** The value for full points; null when the metric cannot score (no baseline, under the gate). */
  readonly full: string | null;
  readonly points: Rational;
  readonly max: Rational;
  readonly next?: NextPoint | undefined;
  /** Why the metric cannot score, or how it scored (anniversary option): codes, no words. */
  readonly note?: string | undefined;
  readonly details: Readonly<Record<string, string | number>>;
  /** The segment this metric's values were read for, when the metric reads its market elsewhere than the report's segment says. */
  readonly segment?: string | undefined;
}

export interface PathScore {
  readonly id: string;
  readonly metrics: readonly MetricScore[];
  readonly total: Rational;
  /** The highest band reached, or null. */
  readonly band: string | null;
  /** Metrics at or under the per-metric minimum: they keep the path from any band. */
  readonly belowMinimum: readonly string[];
  /** The next band and the points it needs; null at the top. */
  readonly nextBand: { readonly id: string; readonly pointsNeeded: Rational } | null;
  /** Ways to the next band through one metric alone: the value that metric needs and what it costs (definition order; units differ). */
  readonly routes: readonly ({ readonly metric: string } & NextPoint)[];
  /** For each metric keeping the path from any band: its next point (null when it cannot score, e.g. under its gate). */
  readonly toMinimum: readonly { readonly metric: string; readonly next: NextPoint | null }[];
}

export interface ScoreReport {
  readonly version: IsoDate;
  readonly partnerId: string;
  readonly month: string;
  readonly segment: string;
  readonly paths: readonly PathScore[];
  /** The best band of any path. */
  readonly band: string | null;
}

type ExamPass = ScoringDataset['examPasses'][number];
type Instance = ScoringDataset['instances'][number];
type CertificationHeld = ScoringDataset['certificationsHeld'][number];

/** One person's exam passes and certifications held, in the dataset's order: what certification counts read. */
interface PersonRecords {
  passes: readonly ExamPass[];
  held: readonly CertificationHeld[];
}

/** Each partner's people with their records, found by one read per partner rather than two per person and count. */
type PeopleIndex = ReadonlyMap<string, readonly PersonRecords[]>;

function peopleIndexOf(data: ScoringDataset): PeopleIndex {
  const ofPartner = new Map<string, PersonRecords[]>();
  const personAt: PersonRecords[] = [];
  for (const person of data.people.values()) {
    const records: PersonRecords = { passes: NONE, held: NONE };
    personAt.push(records);
    push(ofPartner, person.partnerId, records);
  }
  // Each record finds its person by the place validation gave (places.ts), else by id; those of a person the
  // dataset does not list belong to nobody's count.
  const passPlaces = placesOf(data.examPasses, data.people);
  const heldPlaces = placesOf(data.certificationsHeld, data.people);
  const personOf =
    passPlaces && heldPlaces ? undefined : byLastId(new Map(Array.from(data.people.keys(), (id, k) => [id, personAt[k]!] as const)));
  for (let i = 0; i < data.examPasses.length; i++) {
    const p = data.examPasses[i]!;
    const person = passPlaces ? personAt[passPlaces[i]!] : personOf!(p.personId);
    if (person) person.passes = appended(person.passes, p);
  }
  for (let i = 0; i < data.certificationsHeld.length; i++) {
    const h = data.certificationsHeld[i]!;
    const person = heldPlaces ? personAt[heldPlaces[i]!] : personOf!(h.personId);
    if (person) person.held = appended(person.held, h);
  }
  return ofPartner;
}

/** The list with the item added: in place, unless it is the shared empty list (most people have few records). */
function appended<T>(list: readonly T[], item: T): readonly T[] {
  if (list === NONE) return [item];
  (list as T[]).push(item);
  return list;
}

/**
 * A usage record's units as an integer of 10^−decimals units, with its decimals: "12.5" is 125 at 1, "3" is 3 at 0.
 * Read character by character (decimalsOf has checked the text): a regular expression's match per record is
 * millions of short-lived arrays and strings at 100,000 partners. Past 2^53 the digits are no longer exact, but
 * such a value is then beyond the bound the index refuses.
 */
function unscaledUnits(text: string): number {
  let value = 0;
  for (let k = text.charCodeAt(0) === 45 ? 1 : 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c !== 46) value = value * 10 + (c - 48);
  }
  return text.charCodeAt(0) === 45 ? -value : value;
}

/** The decimal places of plain decimal text (`-?digits(.digits)?`), as exact() reads it; throws on anything else. */
function decimalsOf(text: string): number {
  let k = text.charCodeAt(0) === 45 ? 1 : 0;
  const digitsFrom = k;
  while (k < text.length && isDigit(text.charCodeAt(k))) k++;
  if (k === digitsFrom) throw new RangeError(`not a decimal: ${text}`);
  if (k === text.length) return 0;
  if (text.charCodeAt(k) !== 46 || k === text.length - 1) throw new RangeError(`not a decimal: ${text}`);
  const point = k++;
  while (k < text.length && isDigit(text.charCodeAt(k))) k++;
  if (k !== text.length) throw new RangeError(`not a decimal: ${text}`);
  return text.length - point - 1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

type Association = ScoringDataset['associations'][number];

/** A subscription as crediting reads it: the record, its slot in the packed sums, the associations held on it, its tenant. */
export interface HeldSubscription {
  readonly subscription: Subscription;
  readonly slot: number;
  /** The subscription's product by number (`ScoringIndex.workloadsOfProducts`): crediting a workload reads it for every tenant and month. */
  readonly product: number;
  readonly holding: readonly Association[];
  readonly tenant: CandidateTenant;
}

/**
 * A tenant a partner can be credited on: its id, its country (undefined when the dataset lists no such tenant),
 * its number (`usageSlot` finds its usage), its subscriptions, and its place among the tenants (the order
 * candidate tenants are listed in).
 */
export interface CandidateTenant {
  readonly id: string;
  readonly country: string | undefined;
  readonly slot: number;
  readonly subscriptions: readonly HeldSubscription[];
  readonly order: number;
}

/**
 * Which parts of the index a version reads (by its metrics' kinds and its segmentation): those are built with
 * the index, sharing their working arrays; any other part is built the first time something asks for it, so a
 * wrong answer here costs time, never a wrong score.
 */
export interface IndexReads {
  readonly billing: boolean;
  readonly seats: boolean;
  readonly usage: boolean;
  readonly people: boolean;
  readonly baselines: boolean;
  readonly instances: boolean;
}

export function readsOf(version: ScoredVersionDefinition): IndexReads {
  const metrics = version.paths.flatMap((p) => p.metrics);
  const kinds = new Set(metrics.map((m) => m.kind));
  return {
    // Pair counts credit a workload on what was billed, whatever they measure.
    billing: kinds.has('revenue-sum') || kinds.has('pair-count-change') || version.segmentation.kind === 'track',
    seats: kinds.has('net-customer-adds'),
    usage:
      kinds.has('growth-ratio') ||
      kinds.has('usage-crossings') ||
      metrics.some((m) => m.kind === 'pair-count-change' && m.measure !== 'revenue'),
    people: kinds.has('certified-count') || kinds.has('headcount-growth'),
    baselines: kinds.has('headcount-growth'),
    instances: metrics.some((m) => m.kind === 'usage-crossings' && m.count !== 'tenants'),
  };
}

/**
 * The months (absolute) whose billing, seats or usage the version's metrics and segmentations read when scoring
 * as of month M, ascending: pair counts and growth ratios read two months, a track two more, net customer adds
 * their window and the year before it. A preparation for one month packs only these (`prepareScoring`'s `month`).
 */
export function monthsRead(version: ScoredVersionDefinition, month: MonthIndex): readonly MonthIndex[] {
  const months = new Set<MonthIndex>();
  const span = (from: number, to: number) => {
    for (let k = from; k <= to; k++) months.add(month + k);
  };
  const segmentations: Segmentation[] = [
    version.segmentation,
    ...version.paths.flatMap((p) => p.metrics.flatMap((m) => m.segmentation ?? [])),
  ];
  for (const s of segmentations) if (s.kind === 'track') for (const k of s.months) span(k, k);
  for (const metric of version.paths.flatMap((p) => p.metrics)) {
    switch (metric.kind) {
      case 'revenue-sum':
        span(metric.window.from, metric.window.to);
        break;
      case 'net-customer-adds':
        // Seats a month before the first month of the year before the window: an add is a month going from none to some.
        span(metric.window.from - 13, metric.window.to);
        break;
      case 'pair-count-change':
      case 'growth-ratio':
        span(metric.current, metric.current);
        span(metric.baseline, metric.baseline);
        break;
      case 'usage-crossings':
        span(metric.baseline, metric.baseline);
        span(metric.crossing.from, metric.crossing.to);
        break;
      case 'certified-count':
      case 'headcount-growth':
        break;
    }
  }
  return [...months].sort((a, b) => a - b);
}

/**
 * The months packed: every month (undefined), or only those of `monthsRead` for one month, each stored by its
 * place among them (`MonthPlaces`); a record of any other month is not packed.
 */
function monthsKept(months: readonly MonthIndex[] | undefined): MonthPlaces | undefined {
  return months === undefined ? undefined : new MonthPlaces(months);
}

/** What packing reads of each record: its slot, month and value, copied once into plain arrays (see `Rows`). */
interface Rows {
  readonly slot: number[];
  readonly month: number[];
  readonly value: number[];
}

/**
 * Each record is read once, into plain arrays that the packing's passes then read in order: the records are
 * millions of objects spread over the heap, and reading each again in every pass missed the cache each time.
 * The arrays are shared by the collections packed together: memory first touched costs a page fault, and at
 * 100,000 partners these arrays are hundreds of megabytes.
 */
function rowsOf(n: number): Rows {
  return { slot: zeros(n), month: zeros(n), value: doubles(n) };
}

/** The first `n` rows packed into `slots` slots (a row of slot −1 is skipped). */
function packRows(
  collection: string,
  n: number,
  slots: number,
  rows: Rows,
  withCounts: boolean,
  kept: MonthPlaces | undefined,
): MonthlySums {
  const { slot, month, value } = rows;
  return MonthlySums.pack(
    collection,
    n,
    slots,
    (i) => slot[i]!,
    (i) => month[i]!,
    (i) => value[i]!,
    withCounts,
    kept,
  );
}

/**
 * What `creditByWorkload` says of a tenant's workloads in a month, by the workload's place in its list; kept
 * between calls (every workload not among the first `count` of `credited` is uncredited, with 0 cents).
 */
interface WorkloadCredit {
  readonly isCredited: boolean[];
  readonly cents: number[];
  /** The workloads credited are the first `count` of `credited` (a count, not the array's length: setting that is a slow call). */
  readonly credited: number[];
  count: number;
}

function workloadCredit(workloads: readonly string[]): WorkloadCredit {
  return { isCredited: workloads.map(() => false), cents: workloads.map(() => 0), credited: workloads.map(() => 0), count: 0 };
}

const workloadCredits = new WeakMap<ScoredMetricDefinition, WorkloadCredit>();

/**
 * A pair-count metric's working arrays, made once: the metric is measured for every partner of a batch, and its
 * readings never nest (scoring is synchronous; `creditByWorkload` clears what the last call left).
 */
function workloadCreditOf(metric: Extract<ScoredMetricDefinition, { kind: 'pair-count-change' }>): WorkloadCredit {
  let credit = workloadCredits.get(metric);
  if (!credit) workloadCredits.set(metric, (credit = workloadCredit(metric.workloads)));
  return credit;
}

type TrackSegmentation = Extract<Segmentation, { kind: 'track' }>;

/**
 * A track rule's limit in whole cents and its working arrays (per workload: the months credited, the months over
 * the limit; the workloads met), made once per rule: the track is read for every partner of a batch. Scoring is
 * synchronous and one rule's reading never nests in another's, so one set per rule serves every reading.
 */
interface TrackWork {
  readonly limit: number;
  readonly credit: WorkloadCredit;
  readonly creditedIn: number[];
  readonly overIn: number[];
  readonly seen: { readonly list: number[]; count: number };
}

const trackWork = new WeakMap<TrackSegmentation, TrackWork>();

function trackWorkOf(s: TrackSegmentation): TrackWork {
  let work = trackWork.get(s);
  if (!work) {
    const zeros = () => s.workloads.map(() => 0);
    work = {
      // Whole cents are more than the limit exactly when they are more than its floor (the limit may hold fractions of a cent).
      limit: Number(floor(mul(exact(s.moreThanUsd), rational(100)))),
      credit: workloadCredit(s.workloads),
      creditedIn: zeros(),
      overIn: zeros(),
      seen: { list: zeros(), count: 0 },
    };
    trackWork.set(s, work);
  }
  return work;
}

/** Usage by (tenant, workload) pair and month, and how to find a pair: see `Index.usage`. */
interface UsageIndex {
  readonly sums: MonthlySums;
  readonly scale: bigint;
  readonly workloadNo: ReadonlyMap<string, number>;
  readonly pairsFrom: readonly number[];
  readonly pairWorkload: readonly number[];
}

/** A subscription while the index is built: its associations are gathered after it. */
interface HeldEntry extends HeldSubscription {
  holding: readonly Association[];
}

/** A tenant while the index is built: `order` is −1 until one of its subscriptions is met. */
interface TenantEntry extends CandidateTenant {
  subscriptions: readonly HeldSubscription[];
  order: number;
}

/**
 * The indexes one evaluation reads: each subscription with its associations and tenant, a partner's
 * subscriptions, billing, seats and usage packed by month, people, baselines and instances by owner.
 * Subscriptions, tenants and people are numbered in the dataset's order, and every record finds its entry (its
 * slot in the sums) by the place validation gave it (places.ts), or else by its id, hashed once. Only the parts
 * the version reads are built with it.
 */
class Index {
  /**
   * Each known subscription with its slot (its place in the dataset), its associations and its tenant: crediting
   * reads these, no other map. Records find theirs by the places validation gave (places.ts), or by id through
   * `heldById`, made when first needed.
   */
  private readonly heldAt: HeldEntry[] = [];
  private heldMap: Map<string, HeldEntry> | undefined;
  /** Each partner holding an association on a known subscription, by number (in the order first met). */
  private readonly partnerNo = new Map<string, number>();
  /**
   * The slots of the subscriptions partner p holds an association on (any type, any month), once each in
   * first-seen order: `partnerSlots[partnerFrom[p]]` to `partnerSlots[partnerTo[p] − 1]`. Flat arrays rather than
   * a set per partner: 100,000 sets were a large part of a batch's preparation, and reading them afterwards too.
   */
  private readonly partnerFrom: number[];
  private readonly partnerTo: number[];
  private readonly partnerSlots: number[];
  /**
   * Every tenant by its number (its slot in the usage pairs): those of the dataset first, in its order (a tenant's
   * place), then those only subscriptions name. By id through `tenantById`, made when first needed.
   */
  private readonly tenantAt: TenantEntry[] = [];
  private tenantMap: Map<string, TenantEntry> | undefined;
  private billingPart: MonthlySums | undefined;
  private seatsPart: MonthlySums | undefined;
  private usagePart: UsageIndex | undefined;
  private peoplePart: PeopleIndex | undefined;
  private baselinesPart: Map<string, ScoringDataset['baselines'][number][]> | undefined;
  /** Production instances by tenant number. */
  private instancesPart: (readonly Instance[])[] | undefined;
  /** A list of workloads (a definition's array) as numbers in the usage sums: metrics ask for theirs per tenant. */
  private readonly workloadNumbersOf = new WeakMap<readonly string[], readonly number[]>();
  /** Every product a subscription names, by number in the order first met. */
  private readonly productNo = new Map<string, number>();
  /** Per map of products to workloads (a version context's), the same by product number. */
  private readonly byProductNo = new WeakMap<ReadonlyMap<string, readonly number[]>, readonly (readonly number[] | undefined)[]>();
  /** Per list of workloads, `unitsOfCredited`'s places and sums (scoring is synchronous: one array serves every call). */
  private readonly unitsWork = new WeakMap<
    readonly string[],
    { readonly places: readonly (readonly number[] | undefined)[]; readonly units: number[] }
  >();
  /** The last partner asked about and its candidate tenants and subscriptions: a partner's metrics ask again and again. */
  private lastPartner: string | undefined;
  private lastTenants: readonly CandidateTenant[] = [];
  private lastPartnerNo = -1;
  /** The last partner's subscriptions, undefined until asked for (most metrics read its tenants only). */
  private lastSubscriptions: readonly HeldSubscription[] | undefined;
  /** Where `remember` gathers a partner's tenants before copying them at their number. */
  private readonly tenantScratch: CandidateTenant[] = [];
  /** Per tenant (by slot), the last partner's turn that met it: `remember` lists a partner's tenants once each. */
  private tenantMarks: number[] | undefined;
  private turn = 0;
  /** Which months' billing, seats and usage are packed: all, unless the index is for one month's score. */
  private readonly kept: MonthPlaces | undefined;

  constructor(
    readonly data: ScoringDataset,
    reads: IndexReads,
    months?: readonly MonthIndex[],
  ) {
    this.kept = monthsKept(months);
    const { tenantAt, heldAt } = this;
    // Lists start as the shared empty one (`appended`): most tenants have one subscription and most subscriptions
    // one association, and an empty array that is pushed to takes room for seventeen.
    for (const [id, { country }] of data.tenants) tenantAt.push({ id, country, slot: tenantAt.length, subscriptions: NONE, order: -1 });
    const tenantPlaces = placesOf(data.subscriptions, data.tenants);
    const { productNo } = this;
    let orders = 0;
    for (const s of data.subscriptions.values()) {
      let tenant = tenantPlaces ? tenantAt[tenantPlaces[heldAt.length]!] : this.tenantById.get(s.tenantId);
      if (!tenant) {
        tenant = { id: s.tenantId, country: undefined, slot: tenantAt.length, subscriptions: NONE, order: -1 };
        tenantAt.push(tenant);
        this.tenantById.set(s.tenantId, tenant);
      }
      // Candidate tenants are listed in the order their first subscriptions come.
      if (tenant.order < 0) tenant.order = orders++;
      let product = productNo.get(s.product);
      if (product === undefined) productNo.set(s.product, (product = productNo.size));
      const entry: HeldEntry = { subscription: s, slot: heldAt.length, product, holding: NONE, tenant };
      heldAt.push(entry);
      tenant.subscriptions = appended(tenant.subscriptions, entry);
    }
    // An association on a subscription the dataset does not hold credits nothing: crediting reads held subscriptions.
    const places = placesOf(data.associations, data.subscriptions);
    const heldOf = places ? undefined : byLastId(this.heldById);
    const { partnerNo } = this;
    // Each association's partner by number (−1: on no known subscription) and its subscription's slot.
    const n = data.associations.length;
    const ofPartner = filled(n, -1);
    const slotOf = zeros(n);
    for (let i = 0; i < n; i++) {
      const a = data.associations[i]!;
      const entry = places ? heldAt[places[i]!] : heldOf!(a.subscriptionId);
      if (entry === undefined) continue;
      entry.holding = appended(entry.holding, a);
      let p = partnerNo.get(a.partnerId);
      if (p === undefined) partnerNo.set(a.partnerId, (p = partnerNo.size));
      ofPartner[i] = p;
      slotOf[i] = entry.slot;
    }
    // The slots placed by partner (a counting sort, which keeps the associations' order), then each partner's run
    // made distinct in place: a slot is marked with the partner it was last kept for.
    const partners = partnerNo.size;
    const from = zeros(partners + 1);
    for (let i = 0; i < n; i++) if (ofPartner[i]! >= 0) from[ofPartner[i]! + 1]!++;
    for (let p = 0; p < partners; p++) from[p + 1]! += from[p]!;
    const slots = zeros(from[partners]!);
    const next = from.slice(0, partners);
    for (let i = 0; i < n; i++) if (ofPartner[i]! >= 0) slots[next[ofPartner[i]!]!++] = slotOf[i]!;
    const keptFor = filled(heldAt.length, -1);
    const to = zeros(partners);
    for (let p = 0; p < partners; p++) {
      let kept = from[p]!;
      for (let k = from[p]!; k < from[p + 1]!; k++) {
        const slot = slots[k]!;
        if (keptFor[slot] === p) continue;
        keptFor[slot] = p;
        slots[kept++] = slot;
      }
      to[p] = kept;
    }
    this.partnerFrom = from;
    this.partnerTo = to;
    this.partnerSlots = slots;
    const { billing, seats, usage } = data;
    const rows = this.rowsFor(reads.billing ? billing : [], reads.seats ? seats : [], reads.usage ? usage : []);
    if (reads.billing) this.billingPart = this.packBilling(rows);
    if (reads.seats) this.seatsPart = this.packSeats(rows);
    if (reads.usage) this.usagePart = this.packUsage(rows);
    // A preparation for one month is for a batch, which counts certified people without the people index
    // (`certifiedCountsOf`); a report asking for it builds it then.
    if (reads.people && months === undefined) this.peoplePart = peopleIndexOf(data);
    if (reads.baselines) this.baselinesPart = this.baselinesByPartner();
    if (reads.instances) this.instancesPart = this.instancesByTenant();
  }

  /**
   * Rows for packing any one of the collections: as many as its records, or, for an index of one month's reads,
   * as many as it has in the months kept, counted first (a pass over the months alone is cheap, where arrays
   * the length of every record, or arrays grown as they are written, touched three or four times the memory).
   */
  private rowsFor(...collections: readonly (readonly { readonly month: MonthIndex }[])[]): Rows {
    const { kept } = this;
    let most = 0;
    for (const records of collections) {
      let n = records.length;
      if (kept !== undefined) {
        n = 0;
        for (let i = 0; i < records.length; i++) if (kept.placeOf(records[i]!.month) >= 0) n++;
      }
      most = Math.max(most, n);
    }
    return rowsOf(most);
  }

  private get heldById(): Map<string, HeldEntry> {
    return (this.heldMap ??= new Map(this.heldAt.map((entry) => [entry.subscription.id, entry])));
  }

  private get tenantById(): Map<string, TenantEntry> {
    return (this.tenantMap ??= new Map(this.tenantAt.map((tenant) => [tenant.id, tenant])));
  }

  /** Billing by subscription and month: cents summed, and the number of lines. */
  get billing(): MonthlySums {
    return (this.billingPart ??= this.packBilling(this.rowsFor(this.data.billing)));
  }

  /** Paid seats by subscription and month, summed. */
  get seats(): MonthlySums {
    return (this.seatsPart ??= this.packSeats(this.rowsFor(this.data.seats)));
  }

  /**
   * Usage by (tenant, workload) pair and month: summed units, as integers of 1/usageScale units. A tenant's pairs
   * are the slots `pairsFrom[t]` to `pairsFrom[t + 1]` − 1, the workload of each in `pairWorkload`: a tenant
   * usually uses few of the workloads, and a slot per tenant for every workload was mostly empty (16 workloads:
   * 94 % of the slots at 100,000 partners).
   */
  get usage(): MonthlySums {
    return this.usageIndex.sums;
  }

  get usageScale(): bigint {
    return this.usageIndex.scale;
  }

  get people(): PeopleIndex {
    return (this.peoplePart ??= peopleIndexOf(this.data));
  }

  get baselinesOfPartner(): ReadonlyMap<string, readonly ScoringDataset['baselines'][number][]> {
    return (this.baselinesPart ??= this.baselinesByPartner());
  }

  /** The tenant's production instances, of every group. */
  instancesOf(tenant: CandidateTenant): readonly Instance[] {
    return (this.instancesPart ??= this.instancesByTenant())[tenant.slot] ?? NONE;
  }

  private get usageIndex(): UsageIndex {
    return (this.usagePart ??= this.packUsage(this.rowsFor(this.data.usage)));
  }

  private packBilling(rows: Rows): MonthlySums {
    return this.packBySubscription('billing cents', this.data.billing, (b) => b.cents, rows, true);
  }

  private packSeats(rows: Rows): MonthlySums {
    return this.packBySubscription('paid seats', this.data.seats, (s) => s.paidSeats, rows);
  }

  /** Records of subscriptions summed by subscription and month; those of a subscription the dataset does not hold are skipped (nothing reads them). */
  private packBySubscription<R extends { readonly subscriptionId: string; readonly month: MonthIndex }>(
    collection: string,
    records: readonly R[],
    valueOf: (record: R) => number,
    rows: Rows,
    withCounts = false,
  ): MonthlySums {
    // A subscription's slot is its place in the dataset's map, which validation may have given for each record.
    const places = placesOf(records, this.data.subscriptions);
    const heldOf = places ? undefined : byLastId(this.heldById);
    const { kept } = this;
    let n = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      // The month as stored: itself, or its place among the months kept.
      const month = kept === undefined ? r.month : kept.placeOf(r.month);
      if (month < 0) continue;
      rows.slot[n] = places ? places[i]! : (heldOf!(r.subscriptionId)?.slot ?? -1);
      rows.month[n] = month;
      rows.value[n++] = valueOf(r);
    }
    return packRows(collection, n, this.heldAt.length, rows, withCounts, kept);
  }

  private packUsage(rows: Rows): UsageIndex {
    const { usage } = this.data;
    const tenants = this.tenantAt.length;
    const workloadNo = new Map<string, number>();
    // The (tenant, workload) pairs, numbered as first seen, then placed in tenant order below; −1 for a tenant
    // nothing can be credited on (no subscription names it). A tenant's pairs are chained from `firstPair[t]`
    // through `nextPair` (−1 ends): a tenant uses a few workloads, so a short walk finds a pair, not a map read per
    // record (records of one month after another's change pair at every record).
    const firstPair = filled(tenants, -1);
    const nextPair: number[] = [];
    const pairTenant: number[] = [];
    const pairOfWorkload: number[] = [];
    // Units as integers of 10^−scale units, the scale being the most decimal places any record has so far: "12.5"
    // and "3" are 125 and 30 at scale 1. When a record has more, the rows before it are rescaled (at most once per
    // decimal place). Integers add exactly as numbers (the bound below).
    let scale = 0;
    // A tenant's number is its place in the dataset's map of tenants, which validation may have given for each record.
    const places = placesOf(usage, this.data.tenants);
    const tenantOf = places ? undefined : byLastId(this.tenantById);
    let lastWorkload: string | undefined;
    let t = -1;
    let w = -1;
    let lastKey = -1;
    let pair = -1;
    const { kept } = this;
    // Rows are the records kept (every one, unless the index is for one month's score), in their order.
    let n = 0;
    for (let i = 0; i < usage.length; i++) {
      const u = usage[i]!;
      const month = kept === undefined ? u.month : kept.placeOf(u.month);
      if (month < 0) continue;
      // Records come grouped: the previous record's workload and pair are compared before any map read.
      t = places ? places[i]! : (tenantOf!(u.tenantId)?.slot ?? -1);
      if (u.workload !== lastWorkload) {
        const known = workloadNo.get(u.workload);
        if (known === undefined) workloadNo.set(u.workload, (w = workloadNo.size));
        else w = known;
        lastWorkload = u.workload;
      }
      const key = t < 0 ? -1 : w * tenants + t;
      if (key !== lastKey) {
        lastKey = key;
        pair = t < 0 ? -1 : firstPair[t]!;
        while (pair >= 0 && pairOfWorkload[pair] !== w) pair = nextPair[pair]!;
        if (t >= 0 && pair < 0) {
          pair = pairTenant.length;
          pairTenant.push(t);
          pairOfWorkload.push(w);
          nextPair.push(firstPair[t]!);
          firstPair[t] = pair;
        }
      }
      rows.slot[n] = pair;
      rows.month[n] = month;
      const decimals = decimalsOf(u.units);
      let value = unscaledUnits(u.units);
      if (decimals > scale) {
        for (let k = 0; k < n; k++) for (let d = scale; d < decimals; d++) rows.value[k]! *= 10;
        scale = decimals;
      }
      for (let d = decimals; d < scale; d++) value *= 10;
      rows.value[n++] = value;
    }
    // The bound is on all usage packed together, whether anyone can be credited on it or not: a growth ratio sums
    // several workloads over a partner's tenants. (Validation bounds the whole collection, so a part packed for one
    // month never passes it when the whole does not.)
    let total = 0;
    for (let i = 0; i < n; i++) total += Math.abs(rows.value[i]!);
    if (!(total <= Number.MAX_SAFE_INTEGER)) throw new MonthlySumOutOfRangeError('usage units');
    // The pairs placed in tenant order (a counting sort): the slot of a pair is its place.
    const pairsFrom = zeros(tenants + 1);
    for (const tenant of pairTenant) pairsFrom[tenant + 1]!++;
    for (let k = 0; k < tenants; k++) pairsFrom[k + 1]! += pairsFrom[k]!;
    const placed = pairsFrom.slice(0, tenants);
    const slotOfPair = zeros(pairTenant.length);
    const pairWorkload = zeros(pairTenant.length);
    for (let k = 0; k < pairTenant.length; k++) {
      const slot = placed[pairTenant[k]!]!++;
      slotOfPair[k] = slot;
      pairWorkload[slot] = pairOfWorkload[k]!;
    }
    for (let i = 0; i < n; i++) if (rows.slot[i]! >= 0) rows.slot[i] = slotOfPair[rows.slot[i]!]!;
    const sums = packRows('usage units', n, pairTenant.length, rows, false, kept);
    return { sums, scale: 10n ** BigInt(scale), workloadNo, pairsFrom, pairWorkload };
  }

  private baselinesByPartner(): Map<string, ScoringDataset['baselines'][number][]> {
    const map = new Map<string, ScoringDataset['baselines'][number][]>();
    for (const b of this.data.baselines) push(map, b.partnerId, b);
    return map;
  }

  private instancesByTenant(): (readonly Instance[])[] {
    const bySlot = new Array<readonly Instance[]>(this.tenantAt.length).fill(NONE);
    // Those of a tenant no subscription names are nobody's: credit comes through a subscription.
    for (const i of this.data.instances) {
      const tenant = this.tenantById.get(i.tenantId);
      if (tenant) bySlot[tenant.slot] = appended(bySlot[tenant.slot]!, i);
    }
    return bySlot;
  }

  /** The slot of a tenant's usage of a workload (both by number) in the usage sums; −1 when it has none. */
  usageSlot(tenantSlot: number, workload: number): number {
    if (tenantSlot < 0 || workload < 0) return -1;
    const { pairsFrom, pairWorkload } = this.usageIndex;
    for (let k = pairsFrom[tenantSlot]!; k < pairsFrom[tenantSlot + 1]!; k++) if (pairWorkload[k] === workload) return k;
    return -1;
  }

  /**
   * Each workload of a list (by its place) with its units in month m summed over the partner's tenants it is
   * credited on in month `creditedIn` (`tenantsCredited`), in an array reused by the next call for the same list.
   * Each tenant's usage pairs are read once, whatever the list's length: a tenant uses few workloads, and a lookup
   * per tenant and workload read every pair of the tenant each time.
   */
  unitsOfCredited(
    partnerId: string,
    products: ReadonlySet<string>,
    creditedIn: MonthIndex,
    rule: AssociationRule,
    workloads: readonly string[],
    m: MonthIndex,
  ): readonly number[] {
    let work = this.unitsWork.get(workloads);
    if (!work) {
      // For each workload number of the usage sums, the places of the list naming it (a list may name one twice).
      const places: number[][] = [];
      this.workloadNumbers(workloads).forEach((no, place) => {
        if (no >= 0) (places[no] ??= []).push(place);
      });
      this.unitsWork.set(workloads, (work = { places, units: zeros(workloads.length) }));
    }
    const { places, units } = work;
    units.fill(0);
    const { sums, pairsFrom, pairWorkload } = this.usageIndex;
    for (const t of this.candidateTenants(partnerId)) {
      if (!this.creditedOnTenant(partnerId, t, products, creditedIn, rule)) continue;
      for (let k = pairsFrom[t.slot]!; k < pairsFrom[t.slot + 1]!; k++) {
        const at = places[pairWorkload[k]!];
        if (at === undefined) continue;
        const u = sums.at(k, m);
        if (u !== 0) for (const place of at) units[place]! += u;
      }
    }
    return units;
  }

  /** A workload's number in the usage sums, −1 for one no usage record names. */
  workloadNumber(workload: string): number {
    return this.usageIndex.workloadNo.get(workload) ?? -1;
  }

  /** The numbers of a definition's list of workloads, in its order (cached by the list). */
  workloadNumbers(workloads: readonly string[]): readonly number[] {
    let numbers = this.workloadNumbersOf.get(workloads);
    if (!numbers) this.workloadNumbersOf.set(workloads, (numbers = workloads.map((w) => this.workloadNumber(w))));
    return numbers;
  }

  /** Whether the partner is credited, in that month, on a subscription of the tenant to one of the products. */
  creditedOnTenant(
    partnerId: string,
    tenant: CandidateTenant,
    products: ReadonlySet<string>,
    month: MonthIndex,
    rule: AssociationRule,
  ): boolean {
    for (const h of tenant.subscriptions) if (products.has(h.subscription.product) && credited(partnerId, h, month, rule)) return true;
    return false;
  }

  tenantsCredited(partnerId: string, products: ReadonlySet<string>, month: MonthIndex, rule: AssociationRule): CandidateTenant[] {
    return this.candidateTenants(partnerId).filter((t) => this.creditedOnTenant(partnerId, t, products, month, rule));
  }

  /**
   * The tenants a partner can be credited on: those of the subscriptions it holds an association on, in the
   * order their first subscriptions come in the dataset (`order`). Crediting needs the partner's own association, so every other tenant
   * contributes nothing; reading only these keeps a partner's cost to its own records, not the dataset's.
   */
  candidateTenants(partnerId: string): readonly CandidateTenant[] {
    this.remember(partnerId);
    return this.lastTenants;
  }

  /** The partner's associated subscriptions (known ones), in first-association order (made when first asked for). */
  partnerSubscriptions(partnerId: string): readonly HeldSubscription[] {
    this.remember(partnerId);
    if (this.lastSubscriptions === undefined) {
      const p = this.lastPartnerNo;
      const subscriptions: HeldEntry[] = [];
      if (p >= 0) for (let k = this.partnerFrom[p]!; k < this.partnerTo[p]!; k++) subscriptions.push(this.heldAt[this.partnerSlots[k]!]!);
      this.lastSubscriptions = subscriptions;
    }
    return this.lastSubscriptions;
  }

  private remember(partnerId: string): void {
    if (this.lastPartner === partnerId) return;
    // Asked once per partner of a batch: a tenant met is marked with the partner's turn rather than entered in a
    // set, and its list is sorted only when out of order (a batch of 100,000 partners made a set and two copies each).
    // The tenants are gathered in a scratch array and copied at their number: an array pushed to from empty takes
    // room for seventeen.
    const turn = ++this.turn;
    const marks = (this.tenantMarks ??= zeros(this.tenantAt.length));
    const scratch = this.tenantScratch;
    let count = 0;
    const p = this.partnerNo.get(partnerId) ?? -1;
    if (p >= 0)
      for (let k = this.partnerFrom[p]!; k < this.partnerTo[p]!; k++) {
        const { tenant } = this.heldAt[this.partnerSlots[k]!]!;
        if (marks[tenant.slot] !== turn) {
          marks[tenant.slot] = turn;
          scratch[count++] = tenant;
        }
      }
    this.lastPartner = partnerId;
    this.lastPartnerNo = p;
    this.lastSubscriptions = undefined;
    const tenants = scratch.slice(0, count);
    // Usually met in order already; sorting, even then, allocates.
    let sorted = true;
    for (let i = 1; i < tenants.length && sorted; i++) sorted = tenants[i - 1]!.order < tenants[i]!.order;
    this.lastTenants = sorted ? tenants : tenants.sort((a, b) => a.order - b.order);
  }

  /**
   * For each workload of a list (by its place in `byProduct`'s lists): whether the partner is credited in month m
   * on a subscription of the tenant to one of the workload's products (`credit.isCredited`), and the cents billed
   * then on those it is credited for (`credit.cents`, 0 when none); `credit.credited` lists the workloads credited,
   * once each. Each subscription is asked once, however many workloads. Only the workloads the previous call
   * credited are cleared: a tenant has a subscription or two, and a list names up to two dozen workloads.
   */
  creditByWorkload(
    partnerId: string,
    tenant: CandidateTenant,
    byProduct: readonly (readonly number[] | undefined)[],
    m: MonthIndex,
    rule: AssociationRule,
    credit: WorkloadCredit,
  ): void {
    const { isCredited, cents, credited: list } = credit;
    for (let i = 0; i < credit.count; i++) {
      const w = list[i]!;
      isCredited[w] = false;
      cents[w] = 0;
    }
    // Counted as they are listed, so that a call that threw halfway still leaves the next one what to clear.
    credit.count = 0;
    for (const h of tenant.subscriptions) {
      const workloads = byProduct[h.product];
      if (workloads === undefined || !credited(partnerId, h, m, rule)) continue;
      const billed = this.billing.at(h.slot, m);
      for (const w of workloads) {
        if (!isCredited[w]) {
          isCredited[w] = true;
          list[credit.count++] = w;
        }
        cents[w]! += billed;
      }
    }
  }

  /**
   * A map of products to workloads (`VersionContext.workloadsByProduct`) by the index's product numbers: crediting
   * reads a subscription's workloads by its number rather than hashing its product's name each time.
   */
  workloadsOfProducts(byProduct: ReadonlyMap<string, readonly number[]>): readonly (readonly number[] | undefined)[] {
    let byNo = this.byProductNo.get(byProduct);
    if (!byNo) {
      const list = new Array<readonly number[] | undefined>(this.productNo.size).fill(undefined);
      for (const [product, no] of this.productNo) list[no] = byProduct.get(product);
      this.byProductNo.set(byProduct, (byNo = list));
    }
    return byNo;
  }

  /** A tenant's units (by its slot) of a workload in a month. */
  usageOf(tenantSlot: number, workload: string, month: MonthIndex): Rational {
    return rational(this.usage.at(this.usageSlot(tenantSlot, this.workloadNumber(workload)), month), this.usageScale);
  }
}

/**
 * Whether the partner is credited for a paid subscription in a month: it holds an eligible association live
 * that month whose type no present (live, eligible) type displaces. Nothing is allocated: it is asked for every
 * line, tenant and month a metric reads.
 */
function credited(partnerId: string, held: HeldSubscription, month: MonthIndex, rule: AssociationRule): boolean {
  if (!held.subscription.paid) return false;
  const { holding } = held;
  for (const a of holding) {
    if (a.partnerId !== partnerId || !isLive(a, month, rule)) continue;
    if (!isDisplaced(a.type, holding, month, rule)) return true;
  }
  return false;
}

/** An association live in the month and of a type the rule credits. */
function isLive(a: ScoringDataset['associations'][number], month: MonthIndex, rule: AssociationRule): boolean {
  return a.from <= month && (a.to === null || month <= a.to) && rule.eligible.includes(a.type);
}

/** Displaced when a rule naming the type as displaced has one of its displacing types present (live) on the subscription. */
function isDisplaced(
  type: string,
  holding: readonly ScoringDataset['associations'][number][],
  month: MonthIndex,
  rule: AssociationRule,
): boolean {
  for (const d of rule.displaces) {
    if (!d.over.includes(type)) continue;
    for (const b of holding) if (isLive(b, month, rule) && d.by.includes(b.type)) return true;
  }
  return false;
}

/** Paid seats of the slots' subscriptions in month m. */
function seatsIn(seats: MonthlySums, slots: readonly number[], m: MonthIndex): number {
  let n = 0;
  for (const slot of slots) n += seats.at(slot, m);
  return n;
}

/** Units in month m summed over the usage slots given (a tenant's pairs of some workloads). */
function unitsIn(usage: MonthlySums, slots: readonly number[], m: MonthIndex): number {
  let units = 0;
  for (const slot of slots) units += usage.at(slot, m);
  return units;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A map's entries by id, the last id asked for compared first: records come grouped by owner (a subscription's
 * months, a person's passes, a tenant's usage together), so this saves most of the map reads — tens of millions
 * at 100,000 partners.
 */
function byLastId<V>(map: ReadonlyMap<string, V>): (id: string) => V | undefined {
  let lastId: string | undefined;
  let last: V | undefined;
  return (id) => {
    if (id !== lastId) {
      lastId = id;
      last = map.get(id);
    }
    return last;
  };
}

/** The last day of a month: the date certifications are held on for month M. */
export function lastDayOf(month: MonthIndex): IsoDate {
  const text = monthText(month);
  const [y, m] = text.split('-').map(Number) as [number, number];
  return `${text}-${String(daysInMonth(y, m)).padStart(2, '0')}` as IsoDate;
}

/** A metric's measured value, the value for full points (undefined: it cannot score), its unit and step, and what reaching a value costs. */
export interface Measure {
  readonly value: Rational;
  readonly full: Rational | undefined;
  readonly unit: MetricUnit;
  readonly granularity: Rational;
  readonly note?: string;
  readonly details: Record<string, string | number>;
  /** The cost of reaching a target value, in what the partner changes; the value's own difference when absent. */
  readonly cost?: (target: Rational) => { more: Rational; unit: NextPoint['costUnit'] };
}

/**
 * A version and a dataset with the dataset's indexes built once: score any number of partners and months from it,
 * or, prepared for one month, any number of partners as of that month only.
 */
export interface PreparedScoring {
  readonly version: ScoredVersionDefinition;
  readonly index: Index;
  /** The only month it scores, when prepared for one (its billing, seats and usage packed for that month's reads). */
  readonly month?: MonthIndex;
}

export interface PrepareOptions {
  /**
   * Prepare for scoring as of this month only: only the billing, seats and usage of the months its metrics read
   * (`monthsRead`) are packed — a batch scores one month, and most records lie in other months. Scoring any other
   * month from it throws a RangeError rather than answer from missing months.
   */
  readonly month?: MonthIndex;
}

/** Builds the indexes of a dataset once, for scorePrepared and scoreAllPrepared. */
export function prepareScoring(version: ScoredVersionDefinition, data: ScoringDataset, options: PrepareOptions = {}): PreparedScoring {
  const { month } = options;
  if (month === undefined) return { version, index: new Index(data, readsOf(version)) };
  return { version, index: new Index(data, readsOf(version), monthsRead(version, month)), month };
}

/** Refuses a month a preparation for another month cannot score. */
function checkMonth(prepared: PreparedScoring, month: MonthIndex): void {
  if (prepared.month !== undefined && prepared.month !== month)
    throw new RangeError(
      `scoring prepared for ${monthText(prepared.month)} cannot score ${monthText(month)}: its billing, seats and usage are packed for ${monthText(prepared.month)}'s metrics only`,
    );
}

/** Scores a partner as of month M under a version: the same report as scorePrepared(prepareScoring(version, data), …). */
export function scorePartner(version: ScoredVersionDefinition, data: ScoringDataset, partnerId: string, month: MonthIndex): ScoreReport {
  return scorePrepared(prepareScoring(version, data), partnerId, month);
}

/** Scores of one dataset's partners under any of its versions. */
export type Scorer = (version: ScoredVersionDefinition, partnerId: string, month: MonthIndex) => ScoreReport;

/** A dataset prepared for any of its versions: one index for all of them, built the first time one is asked for. */
export type Preparer = (version: ScoredVersionDefinition) => PreparedScoring;

export function preparerOf(data: ScoringDataset): Preparer {
  const prepared = new Map<ScoredVersionDefinition, PreparedScoring>();
  // One index for every version: it does not depend on the version, and a part a later version reads that the
  // first did not is built when first asked for (a timeline across the eras reads several versions).
  let index: Index | undefined;
  return (version) => {
    let p = prepared.get(version);
    if (!p) prepared.set(version, (p = { version, index: (index ??= new Index(data, readsOf(version))) }));
    return p;
  };
}

/** A scorer of the dataset that builds each version's indexes once (through `prepare`, which may be shared), the first time that version is asked for. */
export function scorerOf(data: ScoringDataset, prepare: Preparer = preparerOf(data)): Scorer {
  return (version, partnerId, month) => scorePrepared(prepare(version), partnerId, month);
}

/** What a version's metrics read again and again, built once per version: lookups by id, product sets, sorted bands. */
export interface VersionContext {
  readonly version: ScoredVersionDefinition;
  readonly exams: ReadonlyMap<string, ScoredVersionDefinition['exams'][number]>;
  readonly catalog: ReadonlyMap<string, ScoredVersionDefinition['certifications'][number]>;
  /** The bands, lowest first, with their lower bounds exact. */
  readonly bands: readonly { readonly id: string; readonly from: Rational }[];
  /** A metric's products (or workloads) with the products of each workload named. */
  productsOf(ids: readonly string[]): ReadonlySet<string>;
  /** One workload and its products (cached by the workload's id: productsOf caches by the array it is given). */
  workloadProducts(workload: string): ReadonlySet<string>;
  /** For a list of workloads, each product's workloads (their places in the list): a subscription is then asked about once. */
  workloadsByProduct(workloads: readonly string[]): ReadonlyMap<string, readonly number[]>;
  /** A workload's consumption rate (0 without one). */
  rateOf(workload: string): Rational;
  /** Every workload and product of the version, and the rule crediting any association type: what a market by customers reads. */
  readonly allProducts: ReadonlySet<string>;
  readonly anyAssociation: AssociationRule;
  /** A list's certifications eligible on a date (cached by the list and the date: a batch asks for every partner). */
  eligibleOn(certifications: readonly string[], asOf: IsoDate): EligibleCertifications;
}

const contexts = new WeakMap<ScoredVersionDefinition, VersionContext>();

/** The version's context, built the first time it is asked for. */
export function contextOf(version: ScoredVersionDefinition): VersionContext {
  const known = contexts.get(version);
  if (known) return known;
  const workloads = new Map(version.workloads.map((w) => [w.id, w]));
  // Keyed by the definition's own arrays; weakly, so that an array made per call could not grow them.
  const products = new WeakMap<readonly string[], ReadonlySet<string>>();
  const byProduct = new WeakMap<readonly string[], ReadonlyMap<string, readonly number[]>>();
  const ofWorkload = new Map<string, ReadonlySet<string>>();
  const rates = new Map(version.workloads.map((w) => [w.id, w.rate === undefined ? ZERO : exact(w.rate)]));
  const eligible = new WeakMap<readonly string[], Map<IsoDate, EligibleCertifications>>();
  const catalog = new Map(version.certifications.map((c) => [c.id, c]));
  const context: VersionContext = {
    version,
    exams: new Map(version.exams.map((e) => [e.id, e])),
    catalog,
    bands: [...version.bands].map((b) => ({ id: b.id, from: exact(b.from) })).sort((a, b) => compare(a.from, b.from)),
    productsOf(ids) {
      let set = products.get(ids);
      if (!set) products.set(ids, (set = new Set(ids.flatMap((id) => [id, ...(workloads.get(id)?.products ?? [])]))));
      return set;
    },
    workloadProducts(workload) {
      let set = ofWorkload.get(workload);
      if (!set) ofWorkload.set(workload, (set = new Set([workload, ...(workloads.get(workload)?.products ?? [])])));
      return set;
    },
    workloadsByProduct(ids) {
      let map = byProduct.get(ids);
      if (!map) {
        const built = new Map<string, number[]>();
        ids.forEach((w, i) => {
          for (const product of context.workloadProducts(w)) push(built, product, i);
        });
        byProduct.set(ids, (map = built));
      }
      return map;
    },
    rateOf: (workload) => rates.get(workload) ?? ZERO,
    allProducts: new Set(version.workloads.flatMap((w) => [w.id, ...w.products])),
    anyAssociation: { eligible: version.associationTypes, displaces: [] },
    eligibleOn(certifications, asOf) {
      let byDate = eligible.get(certifications);
      if (!byDate) eligible.set(certifications, (byDate = new Map()));
      let found = byDate.get(asOf);
      if (!found) {
        // Bounded: a timeline asks for a few hundred month ends, a long-running server for any number.
        if (byDate.size >= 1_000) byDate.clear();
        byDate.set(asOf, (found = eligibleCertifications(catalog, certifications, asOf)));
      }
      return found;
    },
  };
  contexts.set(version, context);
  return context;
}

/** One partner as of one month: what measuring its metrics reads. */
interface MeasureScope {
  readonly ctx: VersionContext;
  readonly index: Index;
  readonly partnerId: string;
  readonly month: MonthIndex;
  readonly segment: string;
  readonly asOf: IsoDate;
  readonly certified: (certifications: readonly string[]) => number;
  /** Whether the measures carry their details (a report's evidence), which a batch of points does not read. */
  readonly explain: boolean;
}

const NO_DETAILS: Readonly<Record<string, never>> = Object.freeze({});

/** A headcount growth: the certified people now against the baseline grown by its row's percentage (or the anniversary option). */
function measureHeadcountGrowth(
  s: MeasureScope,
  path: ScoredVersionDefinition['paths'][number],
  metric: Extract<ScoredMetricDefinition, { kind: 'headcount-growth' }>,
): Measure {
  const { index, partnerId, segment, asOf, certified } = s;
  const of = path.metrics.find((m) => m.id === metric.of);
  const now = of?.kind === 'certified-count' ? certified(of.certifications) : 0;
  const value = rational(now);
  const people = (m: MonthIndex | undefined): Measure => ({
    value,
    full: undefined,
    unit: 'people',
    granularity: ONE,
    details: { current: now },
    note: m === undefined ? 'noBaseline' : 'belowMinimumBaseline',
  });
  // A partner's records of this metric: those naming its path (`path/metric`) if any, else those naming the metric alone.
  const qualified = `${path.id}/${metric.id}`;
  const own = index.baselinesOfPartner.get(partnerId) ?? [];
  const mine = own.filter((b) => b.metric === qualified);
  const records = mine.length > 0 ? mine : own.filter((b) => b.metric === metric.id);
  const option = metric.anniversaryOption;
  if (option) {
    const needed = forSegment(option.people, segment);
    const held = records.find(
      (b) =>
        b.kind === 'anniversary' &&
        b.date <= asOf &&
        asOf < addMonthsToDate(b.date, option.months) &&
        needed !== undefined &&
        compare(rational(b.count), needed) >= 0,
    );
    if (held)
      return {
        value,
        full: ZERO,
        unit: 'people',
        granularity: ONE,
        note: 'anniversaryOption',
        details: { current: now, anniversary: held.date, atAnniversary: held.count },
      };
  }
  const baseline = records
    .filter((b) => b.kind === 'baseline' && b.date <= asOf)
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))[0];
  if (!baseline) return people(undefined);
  const minimum = forSegment(metric.minimumBaseline, segment);
  const base = rational(baseline.count);
  if (minimum === undefined || compare(base, minimum) < 0)
    return { ...people(0), details: { current: now, baseline: baseline.count, baselineDate: baseline.date } };
  let growth: Rational | undefined;
  let found = false;
  for (const row of metric.rows) {
    const from = forSegment(row.from, segment);
    if (from !== undefined && compare(base, from) >= 0) {
      growth = row.growthPercent === null ? undefined : exact(row.growthPercent);
      found = true;
    }
  }
  if (!found || growth === undefined)
    return {
      value,
      full: undefined,
      unit: 'people',
      granularity: ONE,
      note: 'noGrowthRow',
      details: { current: now, baseline: baseline.count, baselineDate: baseline.date },
    };
  const required = rational(ceil(mul(base, add(ONE, div(growth, rational(100))))));
  return {
    value,
    full: required,
    unit: 'people',
    granularity: ONE,
    details: { current: now, baseline: baseline.count, baselineDate: baseline.date, growthPercent: toDecimalText(growth) },
  };
}

/** Usage crossings: the credited tenants whose usage crossed the threshold in the crossing months, from under it at the baseline. */
function measureUsageCrossings(
  s: MeasureScope,
  metric: Extract<ScoredMetricDefinition, { kind: 'usage-crossings' }>,
  full: Rational | undefined,
): Measure {
  const { ctx, index, partnerId, month, segment } = s;
  const products = ctx.productsOf(metric.workloads);
  const threshold = forSegment(metric.usageThreshold, segment) ?? ZERO;
  // Usage is a whole number of 1/usageScale units: it reaches the threshold when it reaches the threshold's
  // ceiling in those units (beyond 2^53 as a number, no exact usage reaches it).
  const least = Number(ceil(mul(threshold, rational(index.usageScale))));
  const workloads = index.workloadNumbers(metric.workloads).filter((no) => no >= 0);
  let count = 0;
  let tenants = 0;
  for (const t of index.tenantsCredited(partnerId, products, month, metric.associations)) {
    const slots = workloads.map((no) => index.usageSlot(t.slot, no));
    if (unitsIn(index.usage, slots, month + metric.baseline) >= least) continue;
    let crossed = false;
    for (let m = month + metric.crossing.from; m <= month + metric.crossing.to && !crossed; m++)
      if (unitsIn(index.usage, slots, m) >= least) crossed = true;
    if (!crossed) continue;
    tenants++;
    count += metric.count === 'tenants' ? 1 : index.instancesOf(t).filter((i) => i.production && i.group === metric.instanceGroup).length;
  }
  return { value: rational(count), full, unit: 'deployments', granularity: ONE, details: s.explain ? { tenants } : NO_DETAILS };
}

/** A pair-count metric as read for one partner and segment: its workloads' crediting, and what counts as a pair. */
interface PairsToCount {
  readonly metric: Extract<ScoredMetricDefinition, { kind: 'pair-count-change' }>;
  readonly byProduct: readonly (readonly number[] | undefined)[];
  readonly credit: WorkloadCredit;
  /** Per workload, the least whole amount that counts (`leastWholeUnits`); undefined: compared as fractions. */
  readonly least: readonly (number | undefined)[];
  readonly unitValue: Rational;
  /** The workloads' numbers in the usage sums, for a metric measuring usage; undefined for one measuring revenue. */
  readonly numbers: readonly number[] | undefined;
}

/**
 * The (tenant, workload) pairs of the partner's candidate tenants that count in month m: credited, and with their
 * revenue or consumption at (or over) the unit value. A function, not a closure per measure: a batch measures two
 * pair counts for every partner, and each closure took its own context.
 */
function pairsCountedAt(s: MeasureScope, pairs: PairsToCount, m: MonthIndex): number {
  const { index, partnerId, ctx } = s;
  const { metric, byProduct, credit, least, unitValue, numbers } = pairs;
  const { cents } = credit;
  let n = 0;
  for (const tenant of index.candidateTenants(partnerId)) {
    index.creditByWorkload(partnerId, tenant, byProduct, m, metric.associations, credit);
    for (let i = 0; i < credit.count; i++) {
      const k = credit.credited[i]!;
      const atLeast = least[k];
      if (atLeast !== undefined) {
        const amount = numbers ? index.usage.at(index.usageSlot(tenant.slot, numbers[k]!), m) : cents[k]!;
        if (amount >= atLeast) n++;
        continue;
      }
      const w = metric.workloads[k]!;
      const amount = metric.measure === 'revenue' ? rational(cents[k]!) : mul(index.usageOf(tenant.slot, w, m), ctx.rateOf(w));
      const c = compare(amount, unitValue);
      if (metric.compare === 'at-least' ? c >= 0 : c > 0) n++;
    }
  }
  return n;
}

/**
 * A growth ratio's usage of month m on the tenants the partner is credited on in month `creditedIn`: summed per
 * workload as integers (exact: MonthlySums), then weighted by the workload's rate once.
 */
function usageCreditedAt(
  s: MeasureScope,
  metric: Extract<ScoredMetricDefinition, { kind: 'growth-ratio' }>,
  products: ReadonlySet<string>,
  creditedIn: MonthIndex,
  m: MonthIndex,
): Rational {
  const { index, ctx } = s;
  const units = index.unitsOfCredited(s.partnerId, products, creditedIn, metric.associations, metric.workloads, m);
  let sum = ZERO;
  for (let k = 0; k < units.length; k++) {
    if (units[k] === 0) continue; // most partners use few of the workloads: no fraction made for nothing
    const exactUnits = rational(units[k]!, index.usageScale);
    sum = add(sum, metric.measure === 'mau' ? exactUnits : mul(exactUnits, ctx.rateOf(metric.workloads[k]!)));
  }
  return sum;
}

/** What a metric measures for one partner as of M: its value, the value for full points, and how the next point is costed. */
function measureOf(s: MeasureScope, path: ScoredVersionDefinition['paths'][number], metric: ScoredMetricDefinition): Measure {
  const { ctx, index, partnerId, month, segment, certified } = s;
  // Nothing allocated per call that a call may not need (closures, constants): measured for every metric of every partner.
  const full = forSegment(metric.points.full, segment);
  switch (metric.kind) {
    case 'revenue-sum': {
      const products = ctx.productsOf(metric.products);
      const { billing } = index;
      let cents = 0;
      let lines = 0;
      for (const held of index.partnerSubscriptions(partnerId)) {
        const { subscription: s, slot } = held;
        if (!products.has(s.product)) continue;
        let from = Math.max(month + metric.window.from, billing.firstMonth(slot));
        let to = Math.min(month + metric.window.to, billing.lastMonth(slot));
        if (s.channel !== undefined && metric.firstAgreementYearOnly.includes(s.channel)) {
          if (s.agreementStart === undefined) continue;
          from = Math.max(from, s.agreementStart);
          to = Math.min(to, s.agreementStart + 11);
        }
        for (let m = from; m <= to; m++) {
          const n = billing.countAt(slot, m);
          if (n === 0 || !credited(partnerId, held, m, metric.associations)) continue;
          cents += billing.at(slot, m);
          lines += n;
        }
      }
      return {
        value: rational(cents),
        full: full && mul(full, rational(100)),
        unit: 'usd-cents',
        granularity: ONE,
        details: { lines },
      };
    }
    case 'net-customer-adds': {
      const products = ctx.productsOf(metric.products);
      const first = month + metric.window.from;
      const last = month + metric.window.to;
      let adds = 0;
      let losses = 0;
      for (const tenant of index.candidateTenants(partnerId)) {
        const slots: number[] = [];
        for (const h of tenant.subscriptions) if (products.has(h.subscription.product)) slots.push(h.slot);
        if (slots.length === 0) continue;
        let lastAdd: MonthIndex | undefined;
        let now = seatsIn(index.seats, slots, first - 13);
        for (let m = first - 12; m <= last; m++) {
          const before = now;
          now = seatsIn(index.seats, slots, m);
          // Credit is only asked for in a month the seats go from none to some or back: most months they do not.
          if (before === 0 && now > 0) {
            if (index.creditedOnTenant(partnerId, tenant, products, m, metric.associations)) {
              lastAdd = m;
              if (m >= first) adds++;
            }
          } else if (before > 0 && now === 0 && m >= first) {
            const loses =
              metric.losses === 'all-associated'
                ? index.creditedOnTenant(partnerId, tenant, products, m, metric.associations)
                : lastAdd !== undefined && lastAdd >= m - 12;
            if (loses) losses++;
          }
        }
      }
      return { value: rational(adds - losses), full, unit: 'customers', granularity: ONE, details: { adds, losses } };
    }
    case 'pair-count-change': {
      const threshold = forSegment(metric.unitThreshold, segment) ?? ZERO;
      const unitValue = metric.measure === 'revenue' ? mul(threshold, rational(100)) : threshold;
      const byProduct = index.workloadsOfProducts(ctx.workloadsByProduct(metric.workloads));
      // Usage is read (and packed, if it is not yet) only for a metric that measures it.
      const numbers = metric.measure === 'revenue' ? undefined : index.workloadNumbers(metric.workloads);
      const least = leastWholeUnits(ctx, metric, unitValue, segment, numbers ? index.usageScale : 1n);
      const pairs: PairsToCount = { metric, byProduct, credit: workloadCreditOf(metric), least, unitValue, numbers };
      const now = pairsCountedAt(s, pairs, month + metric.current);
      const then = pairsCountedAt(s, pairs, month + metric.baseline);
      return {
        value: rational(now - then),
        full,
        unit: 'pairs',
        granularity: ONE,
        details: s.explain ? { current: now, baseline: then } : NO_DETAILS,
      };
    }
    case 'certified-count':
      return {
        value: rational(certified(metric.certifications)),
        full,
        unit: 'people',
        granularity: ONE,
        details: NO_DETAILS,
      };
    case 'headcount-growth': {
      return measureHeadcountGrowth(s, path, metric);
    }
    case 'growth-ratio': {
      const products = ctx.productsOf(metric.workloads);
      const current = usageCreditedAt(s, metric, products, month + metric.current, month + metric.current);
      // The baseline's customers: those of its own month, or those of the current month (the same cohort).
      const base = usageCreditedAt(
        s,
        metric,
        products,
        metric.cohort === 'each-month' ? month + metric.baseline : month + metric.current,
        month + metric.baseline,
      );
      const gate = forSegment(metric.baselineGate, segment) ?? ZERO;
      // Decimal text costs more than the rest of the metric: made only for a report (a batch reads points only).
      const details = s.explain
        ? { current: toDecimalText(current), baseline: toDecimalText(base), gate: toDecimalText(gate) }
        : NO_DETAILS;
      const unit = metric.measure === 'mau' ? 'active-users' : 'consumption';
      if (compare(base, gate) < 0 || compare(base, ZERO) <= 0)
        return { value: ZERO, full: undefined, unit: 'percent', granularity: rational(1, 100), note: 'underBaselineGate', details };
      const growth = div(mul(sub(current, base), rational(100)), base);
      return {
        value: growth,
        full,
        unit: 'percent',
        granularity: rational(1, 100),
        details,
        cost: (target) => ({ more: maxOf(ZERO, sub(rational(ceil(mul(base, add(ONE, div(target, rational(100)))))), current)), unit }),
      };
    }
    case 'usage-crossings': {
      return measureUsageCrossings(s, metric, full);
    }
  }
}

/** A metric as measured, before it becomes points: its definition, its points rule for the segment, and its measure. */
export interface MeasuredMetric {
  readonly definition: ScoredMetricDefinition;
  /** The segment the metric was read for: the partner's, or the market of the metric's own segmentation. */
  readonly segment: string;
  readonly rule: PointsRule;
  readonly measure: Measure;
}

/** Every metric of every path measured, with the partner's segment: what the score and the scored plan read. */
export interface MeasuredPartner {
  readonly segment: string;
  readonly paths: readonly { readonly id: string; readonly metrics: readonly MeasuredMetric[] }[];
}

/**
 * The segment each metric is read for: the partner's, or — for a metric with its own segmentation (PCI
 * 2021-03-26: partner or customer location) — the market that rule gives, computed once per rule.
 */
function metricSegments(version: ScoredVersionDefinition, index: Index, partnerId: string, month: MonthIndex, segment: string) {
  const segments = new Map<Segmentation, string>();
  return (metric: ScoredMetricDefinition): string => {
    const own = metric.segmentation;
    if (own === undefined) return segment;
    let found = segments.get(own);
    if (found === undefined) segments.set(own, (found = segmentOf(version, index, partnerId, month, own)));
    return found;
  };
}

/** Per version (its context: the rates), pair-count metric, usage scale and segment: the whole amounts that count. */
const leastWholeUnitsOf = new WeakMap<
  VersionContext,
  Map<ScoredMetricDefinition, Map<bigint, Map<string, readonly (number | undefined)[]>>>
>();

/**
 * For each workload of a pair-count metric, the least whole amount — of cents for revenue, of 1/usageScale units
 * for usage — that counts against the unit value: a pair's amount counts exactly when it is at least that (its
 * ceiling, or its floor plus one when it must be exceeded), so each pair is one comparison of numbers instead of
 * products of fractions (millions of them in a batch). Undefined for a workload whose rate is not positive: its
 * pairs are compared as fractions. Beyond 2^53 as a number, no exact amount reaches it.
 */
function leastWholeUnits(
  ctx: VersionContext,
  metric: Extract<ScoredMetricDefinition, { kind: 'pair-count-change' }>,
  unitValue: Rational,
  segment: string,
  usageScale: bigint,
): readonly (number | undefined)[] {
  let byMetric = leastWholeUnitsOf.get(ctx);
  if (!byMetric) leastWholeUnitsOf.set(ctx, (byMetric = new Map()));
  let byScale = byMetric.get(metric);
  if (!byScale) byMetric.set(metric, (byScale = new Map()));
  let bySegment = byScale.get(usageScale);
  if (!bySegment) byScale.set(usageScale, (bySegment = new Map()));
  let least = bySegment.get(segment);
  if (!least) {
    const wholeAbove = (r: Rational): number => Number(metric.compare === 'at-least' ? ceil(r) : floor(r) + 1n);
    least = metric.workloads.map((w) => {
      if (metric.measure === 'revenue') return wholeAbove(unitValue);
      // A unit of 1/usageScale is worth rate/usageScale: the amount reaches V when the units reach V × usageScale / rate.
      const rate = ctx.rateOf(w);
      return compare(rate, ZERO) > 0 ? wholeAbove(div(mul(unitValue, rational(usageScale)), rate)) : undefined;
    });
    bySegment.set(segment, least);
  }
  return least;
}

/** A metric's points rule for a segment. */
function pointsRuleOf(metric: ScoredMetricDefinition, segment: string): PointsRule {
  return {
    max: exact(metric.points.max),
    partial: metric.points.partial,
    perUnit: forSegment(metric.points.perUnit, segment),
    clampAtZero: metric.points.clampAtZero,
    rounding: { mode: metric.points.rounding.mode, step: exact(metric.points.rounding.step) },
  };
}

/** Measures every metric of a partner as of month M from a prepared dataset; reads only the partner's own records through the indexes. */
export function measurePrepared(prepared: PreparedScoring, partnerId: string, month: MonthIndex): MeasuredPartner {
  checkMonth(prepared, month);
  const { version, index } = prepared;
  const ctx = contextOf(version);
  const segment = segmentOf(version, index, partnerId, month);
  const segmentFor = metricSegments(version, index, partnerId, month, segment);
  const asOf = lastDayOf(month);
  const certified = (certifications: readonly string[]): number => certifiedIndexed(ctx, index.people, partnerId, certifications, asOf);
  const paths = version.paths.map((path) => {
    const metrics = path.metrics.map((metric): MeasuredMetric => {
      const own = segmentFor(metric);
      const scope: MeasureScope = { ctx, index, partnerId, month, segment: own, asOf, certified, explain: true };
      return { definition: metric, segment: own, rule: pointsRuleOf(metric, own), measure: measureOf(scope, path, metric) };
    });
    return { id: path.id, metrics };
  });
  return { segment, paths };
}

/** Scores a partner as of month M from a prepared dataset; reads only the partner's own records through the indexes. */
export function scorePrepared(prepared: PreparedScoring, partnerId: string, month: MonthIndex): ScoreReport {
  const { version } = prepared;
  const { segment, paths: measured } = measurePrepared(prepared, partnerId, month);
  const paths = measured.map((path): PathScore => {
    const scored = path.metrics.map(
      ({ definition: metric, segment: own, rule, measure: m }): { score: MetricScore; rule: PointsRule; m: Measure } => {
        const points = pointsOf(rule, m.value, m.full);
        const target = nextValue(rule, m.value, m.full, m.granularity);
        let next: NextPoint | undefined;
        if (target !== undefined) {
          const cost = m.cost ? m.cost(target) : { more: sub(target, m.value), unit: m.unit };
          next = {
            value: toDecimalText(target, 4),
            points: toDecimalText(pointsOf(rule, target, m.full), 4),
            more: toDecimalText(cost.more, 4),
            costUnit: cost.unit,
          };
        }
        const score: MetricScore = {
          id: metric.id,
          kind: metric.kind,
          unit: m.unit,
          value: toDecimalText(m.value, 4),
          full: m.full === undefined ? null : toDecimalText(m.full, 4),
          points,
          max: rule.max,
          next,
          note: m.note,
          details: m.details,
          ...(own === segment ? {} : { segment: own }),
        };
        return { score, rule, m };
      },
    );
    const metrics = scored.map((x) => x.score);
    /** What earning `target` points in one metric costs, as the next point's cost is said. */
    const costTo = ({ rule, m }: (typeof scored)[number], target: Rational): NextPoint | undefined => {
      const value = valueForPoints(rule, m.full, target, m.granularity);
      if (value === undefined) return undefined;
      const cost = m.cost ? m.cost(value) : { more: sub(value, m.value), unit: m.unit };
      return {
        value: toDecimalText(value, 4),
        points: toDecimalText(pointsOf(rule, value, m.full), 4),
        more: toDecimalText(cost.more, 4),
        costUnit: cost.unit,
      };
    };
    const total = metrics.reduce((sum, m) => add(sum, m.points), ZERO);
    const minimum = version.minimumPerMetric;
    const belowMinimum = minimum
      ? metrics
          .filter((m) => {
            const c = compare(m.points, exact(minimum.points));
            return minimum.strict ? c <= 0 : c < 0;
          })
          .map((m) => m.id)
      : [];
    const bands = [...version.bands].sort((a, b) => compare(exact(a.from), exact(b.from)));
    const reached = belowMinimum.length > 0 ? [] : bands.filter((b) => compare(total, exact(b.from)) >= 0);
    const band = reached.at(-1)?.id ?? null;
    const above = bands.find((b) => compare(total, exact(b.from)) < 0);
    const nextBand = above ? { id: above.id, pointsNeeded: sub(exact(above.from), total) } : null;
    // Single-metric routes to the next band: the points it needs, earned in one metric, where that metric has room for them.
    const routes = nextBand
      ? scored.flatMap((x) => {
          const cost = costTo(x, add(x.score.points, nextBand.pointsNeeded));
          return cost ? [{ metric: x.score.id, ...cost }] : [];
        })
      : [];
    // What lifts each metric at or under the minimum: its next point.
    const toMinimum = scored
      .filter((x) => belowMinimum.includes(x.score.id))
      .map((x) => ({ metric: x.score.id, next: x.score.next ?? null }));
    return { id: path.id, metrics, total, band, belowMinimum, nextBand, routes, toMinimum };
  });

  const rank = (band: string | null): number =>
    band === null ? -1 : [...version.bands].sort((a, b) => compare(exact(a.from), exact(b.from))).findIndex((b) => b.id === band);
  const best = paths.reduce<string | null>((acc, p) => (rank(p.band) > rank(acc) ? p.band : acc), null);
  return { version: version.effectiveFrom, partnerId, month: monthText(month), segment, paths, band: best };
}

/** One path of one partner in a batch: each metric's points (definition order), the total and the band. */
export interface BatchPathScore {
  readonly id: string;
  readonly points: readonly Rational[];
  readonly total: Rational;
  readonly band: string | null;
}

/** One partner in a batch: its segment, its paths, its band (the best of its paths). */
export interface BatchScore {
  readonly partnerId: string;
  readonly segment: string;
  readonly paths: readonly BatchPathScore[];
  readonly band: string | null;
}

/** Every partner of the dataset scored as of month M: the totals, bands and points of scorePartner, without its next points and routes. */
export function scoreAll(version: ScoredVersionDefinition, data: ScoringDataset, month: MonthIndex): BatchScore[] {
  return scoreAllPrepared(prepareScoring(version, data, { month }), month);
}

/**
 * Every partner of a prepared dataset, in the dataset's order, in one pass: the version's rules (points per
 * segment, bands, the minimum) are built once; each partner reads its own records through the index, as
 * scorePrepared does, but nothing of what only the single report needs (next points, routes, costs, texts).
 */
export function scoreAllPrepared(prepared: PreparedScoring, month: MonthIndex): BatchScore[] {
  checkMonth(prepared, month);
  const { version, index } = prepared;
  const ctx = contextOf(version);
  const asOf = lastDayOf(month);
  // Each metric's points for a segment, by path and metric: the rule made once, its answers remembered.
  const pointsBySegment = new Map<string, readonly (readonly PointsMemo[])[]>();
  const pointsFor = (segment: string): readonly (readonly PointsMemo[])[] => {
    let memos = pointsBySegment.get(segment);
    if (!memos)
      pointsBySegment.set(
        segment,
        (memos = version.paths.map((path) => path.metrics.map((metric) => pointsMemoOf(pointsRuleOf(metric, segment))))),
      );
    return memos;
  };
  const ownSegmentation = version.paths.some((path) => path.metrics.some((metric) => metric.segmentation !== undefined));
  const minimum = version.minimumPerMetric && { points: exact(version.minimumPerMetric.points), strict: version.minimumPerMetric.strict };
  // Every partner's certified people per list, counted before any is scored; one scope for the batch, its partner
  // and segment changed for each.
  const certifiedLists = version.paths.flatMap((path) =>
    path.metrics.flatMap((m) => (m.kind === 'certified-count' ? [m.certifications] : [])),
  );
  const certifiedCounts = certifiedLists.length > 0 ? certifiedCountsOf(ctx, index.data, certifiedLists, asOf) : undefined;
  /** The partner's place in the dataset's order, which the batch follows. */
  let partnerNo = -1;
  const scope: { -readonly [K in keyof MeasureScope]: MeasureScope[K] } = {
    ctx,
    index,
    partnerId: '',
    month,
    segment: '',
    asOf,
    certified: (certifications) => {
      // Every list asked for is a certified-count metric's (a headcount growth reads the one it names), counted above.
      const counts = certifiedCounts?.get(certifications);
      return counts !== undefined ? counts[partnerNo]! : certifiedIndexed(ctx, index.people, scope.partnerId, certifications, asOf);
    },
    explain: false,
  };
  const out: BatchScore[] = [];
  for (const partnerId of index.data.partners.keys()) {
    partnerNo++;
    const segment = segmentOf(version, index, partnerId, month);
    const segmentFor = ownSegmentation ? metricSegments(version, index, partnerId, month, segment) : undefined;
    scope.partnerId = partnerId;
    scope.segment = segment;
    let best = -1;
    // Made at their length: arrays pushed to from empty take room for seventeen, and these are kept for every partner.
    const paths = new Array<BatchPathScore>(version.paths.length);
    for (let p = 0; p < version.paths.length; p++) {
      const path = version.paths[p]!;
      let total = ZERO;
      let blocked = false;
      const points = new Array<Rational>(path.metrics.length);
      for (let k = 0; k < path.metrics.length; k++) {
        const metric = path.metrics[k]!;
        const own = segmentFor?.(metric) ?? segment;
        const m = measureOf(own === segment ? scope : { ...scope, segment: own }, path, metric);
        const earned = pointsFor(own)[p]![k]!(m.value, m.full);
        points[k] = earned;
        total = add(total, earned);
        if (minimum) {
          const c = compare(earned, minimum.points);
          if (minimum.strict ? c <= 0 : c < 0) blocked = true;
        }
      }
      let reached = -1;
      if (!blocked) for (let b = 0; b < ctx.bands.length && compare(total, ctx.bands[b]!.from) >= 0; b++) reached = b;
      if (reached > best) best = reached;
      paths[p] = { id: path.id, points, total, band: reached < 0 ? null : ctx.bands[reached]!.id };
    }
    out.push({ partnerId, segment, paths, band: best < 0 ? null : ctx.bands[best]!.id });
  }
  return out;
}

/**
 * For a batch: each list's certified people per partner (by the partner's place in the dataset's order) on a date,
 * as `certifiedIndexed` counts them partner by partner through the people index, but in passes over the records in
 * their order: no map of every partner's people, no object per person, no read per person of records spread over
 * the heap. A record finds its person by the place validation gave it (places.ts), else by id.
 */
function certifiedCountsOf(
  ctx: VersionContext,
  data: ScoringDataset,
  lists: readonly (readonly string[])[],
  asOf: IsoDate,
): Map<readonly string[], Int32Array> {
  // Each person's partner by number, and each record's person: the places validation gave, else found by id (−1 for
  // one the dataset does not list: a batch scores no such partner, and such a person's records count for nobody).
  const partnerOf = placesOrFound(data.people, data.partners, (person) => person.partnerId);
  const distinct = [...new Set(lists)];
  const eligible = distinct.map((list) => ctx.eligibleOn(list, asOf));
  // Per list, whether each person holds one of its certifications on the date: one pass over the records for all lists.
  const certified = distinct.map(() => new Uint8Array(data.people.size));
  const heldBy = placesOrFound(data.certificationsHeld, data.people, (h) => h.personId);
  for (let i = 0; i < data.certificationsHeld.length; i++) {
    const h = data.certificationsHeld[i]!;
    const p = heldBy[i]!;
    if (p < 0 || !isHeldOn(h, asOf)) continue;
    for (let l = 0; l < distinct.length; l++) if (eligible[l]!.held.has(h.certification)) certified[l]![p] = 1;
  }
  // Each person's passes, gathered only if a list has certifications earned from exams.
  if (eligible.some((e) => e.fromPasses.length > 0)) {
    const passesOf: ExamPass[][] = [];
    const passedBy = placesOrFound(data.examPasses, data.people, (pass) => pass.personId);
    for (let i = 0; i < data.examPasses.length; i++) {
      const p = passedBy[i]!;
      if (p >= 0) (passesOf[p] ??= []).push(data.examPasses[i]!);
    }
    eligible.forEach(({ fromPasses }, l) => {
      const marks = certified[l]!;
      if (fromPasses.length > 0)
        passesOf.forEach((passes, p) => {
          if (marks[p] === 0 && fromPasses.some((alternatives) => earned(alternatives, passes, ctx.exams, asOf))) marks[p] = 1;
        });
    });
  }
  const out = new Map<readonly string[], Int32Array>();
  distinct.forEach((list, l) => {
    const marks = certified[l]!;
    const counts = new Int32Array(data.partners.size);
    for (let p = 0; p < marks.length; p++) if (marks[p] === 1 && partnerOf[p]! >= 0) counts[partnerOf[p]!]!++;
    out.set(list, counts);
  });
  return out;
}

/** `pointsOf` for one rule, remembered for small whole values against one full value (counts, pairs, people). */
type PointsMemo = (value: Rational, full: Rational | undefined) => Rational;

/** The whole values a memo keeps: −SMALL to SMALL (counts of people, customers, pairs). */
const SMALL = 512;

/**
 * A batch asks a rule for the points of the same few whole values (a pair count, a number of people) again and
 * again, against the same full value (the definition's, one object per segment): each answer is exact fractions
 * made anew (bigints), most of the batch's garbage. Points are the same for the same value and full value
 * (rationals are immutable), so they are kept by the value's place in an array, for the last full value asked;
 * a rule whose full value changes from call to call (a revenue sum's is made per partner) stops keeping any.
 */
function pointsMemoOf(rule: PointsRule): PointsMemo {
  let full: Rational | undefined;
  let known: (Rational | undefined)[] = [];
  let changes = 0;
  return (value, fullNow) => {
    if (fullNow === undefined || value.den !== 1n || value.num < -SMALL || value.num > SMALL || changes > 16)
      return pointsOf(rule, value, fullNow);
    if (fullNow !== full) {
      full = fullNow;
      known = [];
      changes++;
    }
    const at = Number(value.num) + SMALL;
    return (known[at] ??= pointsOf(rule, value, fullNow));
  };
}

/** The people of the partner holding one of the certifications on the date, read from the people index (only the partner's own people, passes and certifications held). */
function certifiedIndexed(
  ctx: VersionContext,
  index: PeopleIndex,
  partnerId: string,
  certifications: readonly string[],
  asOf: IsoDate,
): number {
  const people = index.get(partnerId);
  if (people === undefined) return 0;
  const { held, fromPasses } = ctx.eligibleOn(certifications, asOf);
  let n = 0;
  for (const person of people) {
    if (holdsOneOf(person.held, held, asOf)) n++;
    // Every exam set names an exam and asks for at least one pass (the schema): nobody earns one without passes.
    else if (person.passes.length > 0)
      for (const alternatives of fromPasses)
        if (earned(alternatives, person.passes, ctx.exams, asOf)) {
          n++;
          break;
        }
  }
  return n;
}

/** A list's certifications still eligible on a date: their ids (recorded as held) and the exam alternatives of those that have any. */
export interface EligibleCertifications {
  readonly held: ReadonlySet<string>;
  readonly fromPasses: readonly Alternatives[];
}

type Alternatives = ScoredVersionDefinition['certifications'][number]['alternatives'];

function eligibleCertifications(
  catalog: VersionContext['catalog'],
  certifications: readonly string[],
  asOf: IsoDate,
): EligibleCertifications {
  const held = new Set<string>();
  const fromPasses: Alternatives[] = [];
  for (const id of certifications) {
    const c = catalog.get(id);
    if (c?.eligibleUntil !== undefined && asOf > c.eligibleUntil) continue;
    held.add(id);
    if (c !== undefined && c.alternatives.length > 0) fromPasses.push(c.alternatives);
  }
  return { held, fromPasses };
}

const NONE: readonly never[] = [];

/** Whether one of the person's certifications held is of the set and recorded on the date (and not expired). */
function holdsOneOf(
  records: readonly ScoringDataset['certificationsHeld'][number][],
  certifications: ReadonlySet<string>,
  asOf: IsoDate,
): boolean {
  for (const h of records) if (certifications.has(h.certification) && isHeldOn(h, asOf)) return true;
  return false;
}

/** Whether a certification held is recorded on the date and not expired by then. */
function isHeldOn(h: CertificationHeld, asOf: IsoDate): boolean {
  return h.date <= asOf && (h.expires === undefined || asOf <= h.expires);
}

/** Whether the passes that count on the date complete one of the alternatives: every exam set of it to its minimum. */
function earned(
  alternatives: readonly (readonly { readonly exams: readonly string[]; readonly minimum?: number | undefined }[])[],
  passes: readonly ScoringDataset['examPasses'][number][],
  exams: VersionContext['exams'],
  asOf: IsoDate,
): boolean {
  for (const sets of alternatives) {
    let all = true;
    for (const set of sets) {
      let passed = 0;
      for (const exam of set.exams) if (passedBy(passes, exam, exams, asOf)) passed++;
      if (passed < (set.minimum ?? set.exams.length)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

/** Whether one of the passes is of the exam and counts on the date: taken by then, before the exam retired, and the exam still accepted. */
function passedBy(
  passes: readonly ScoringDataset['examPasses'][number][],
  exam: string,
  exams: VersionContext['exams'],
  asOf: IsoDate,
): boolean {
  const e = exams.get(exam);
  if (e?.acceptedUntil !== undefined && asOf > e.acceptedUntil) return false;
  for (const p of passes) if (p.exam === exam && p.date <= asOf && (e?.retires === undefined || p.date <= e.retires)) return true;
  return false;
}

/** People of the partner holding one of the certifications on the date, each counted once. */
export function certifiedPeople(
  version: ScoredVersionDefinition,
  data: ScoringDataset,
  partnerId: string,
  certifications: readonly string[],
  asOf: IsoDate,
): number {
  return certifiedIndexed(contextOf(version), peopleIndexOf(data), partnerId, certifications, asOf);
}

/** The partner's segment as of M: its market (by its country or its customers') or its track (by its customers' workloads). */
export function segmentOf(
  version: ScoredVersionDefinition,
  index: Index,
  partnerId: string,
  month: MonthIndex,
  s: Segmentation = version.segmentation,
): string {
  const data = index.data;
  if (s.kind === 'market') {
    const own = version.countries[data.partners.get(partnerId)?.country ?? ''] ?? '';
    if (s.rule === 'partner-country' || s.preferred === undefined) return own;
    const { allProducts, anyAssociation } = contextOf(version);
    const tenants = index.tenantsCredited(partnerId, allProducts, month, anyAssociation);
    const markets = new Set<string>();
    for (const t of tenants) {
      const market = version.countries[t.country ?? ''];
      if (market !== undefined) markets.add(market);
    }
    if (markets.has(s.preferred)) return s.preferred;
    // Customers all in one other market decide it; with none (or several others), the partner's own country does.
    return s.rule === 'customer-markets' && markets.size === 1 ? [...markets][0]! : own;
  }
  const ctx = contextOf(version);
  const byProduct = index.workloadsOfProducts(ctx.workloadsByProduct(s.workloads));
  const { limit, credit, creditedIn, overIn, seen } = trackWorkOf(s);
  // A month a workload is not credited in, its revenue is 0: over the limit only if the limit is below 0.
  const zeroIsOver = 0 > limit;
  // The qualifying pairs of each tenant (candidate tenants come once each): their sum, and the most of one tenant.
  let sum = 0;
  let most = 0;
  for (const tenant of index.candidateTenants(partnerId)) {
    // Cleared first, not last: a call that threw (a sum out of range) leaves nothing behind for the next.
    for (let i = 0; i < seen.count; i++) {
      creditedIn[seen.list[i]!] = 0;
      overIn[seen.list[i]!] = 0;
    }
    seen.count = 0;
    // A (tenant, workload) pair qualifies when its credited revenue is over the limit in every month named.
    for (const k of s.months) {
      index.creditByWorkload(partnerId, tenant, byProduct, month + k, s.associations, credit);
      for (let i = 0; i < credit.count; i++) {
        const w = credit.credited[i]!;
        if (creditedIn[w]!++ === 0) seen.list[seen.count++] = w;
        if (credit.cents[w]! > limit) overIn[w]!++;
      }
    }
    let qualifying = zeroIsOver ? s.workloads.length - seen.count : 0;
    for (let i = 0; i < seen.count; i++) {
      const w = seen.list[i]!;
      const over = overIn[w]! + (zeroIsOver ? s.months.length - creditedIn[w]! : 0);
      if (over === s.months.length) qualifying++;
    }
    sum += qualifying;
    if (qualifying > most) most = qualifying;
  }
  const pairs = s.per === 'all-tenants' ? sum : most;
  return pairs >= s.minimumPairs ? s.ifMet : s.otherwise;
}

export { Index as ScoringIndex };

/** Points for JSON: decimal text (four places) and the exact fraction ("20/3"). */
export interface JsonPoints {
  readonly decimal: string;
  readonly exact: string;
}

export function jsonPoints(r: Rational): JsonPoints {
  return { decimal: toDecimalText(r, 4), exact: r.den === 1n ? r.num.toString() : `${r.num}/${r.den}` };
}

/** A score report as JSON can hold it: fractions as text, never floats. */
export function scoreReportJson(report: ScoreReport) {
  return {
    ...report,
    paths: report.paths.map((p) => ({
      ...p,
      total: jsonPoints(p.total),
      nextBand: p.nextBand && { id: p.nextBand.id, pointsNeeded: jsonPoints(p.nextBand.pointsNeeded) },
      metrics: p.metrics.map((m) => ({ ...m, points: jsonPoints(m.points), max: jsonPoints(m.max) })),
    })),
  };
}
